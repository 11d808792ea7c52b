import { gradientGraph } from "../src/ad/gradient-graph.js";
import { frontEnd } from "../src/index.js";
import { optimize } from "../src/opt/optimize.js";
import { readFileSync } from "node:fs";
const src = readFileSync("/tmp/fam200.myx", "utf8");
for (let r = 0; r < 6; r++) {
  const loss = frontEnd(src, { filename: "f.myx" }).module.defs.get("loss")!;
  const t0 = performance.now();
  const g = gradientGraph(loss);
  optimize([g], new Set([g]));
  console.log((performance.now() - t0).toFixed(1));
}
