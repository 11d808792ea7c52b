// The readable text form of graphs, used by `myx ir` and by golden tests. Graphs are listed
// parents first; each lists its parameters, the free variables it closes over, and one line per
// Apply in evaluation order. Numbering is per printout, so the text does not depend on node ids;
// print-names.ts holds it, shared with the DOT and JSON forms.
import type { Graph } from "./graph.js";
import { graphHeading, nameGraphs } from "./print-names.js";

export function printGraphs(root: Graph): string {
  const naming = nameGraphs(root);
  const { graphs, applies, names, ref } = naming;
  const lines: string[] = [];
  for (const g of graphs) {
    lines.push(`${graphHeading(g, naming).join(" ")} {`);
    for (const n of applies.get(g) ?? []) {
      const [callee, ...args] = n.inputs;
      lines.push(`  ${names.get(n)} = ${ref(callee!)}(${args.map(ref).join(", ")})`);
    }
    lines.push(`  return ${g.output === null ? "?" : ref(g.output)}`, "}");
  }
  return lines.join("\n");
}
