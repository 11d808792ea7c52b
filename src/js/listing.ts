// What `myx ir --format js` prints: the JavaScript a def compiles to, one factory per function
// (emit.ts), starting with the def's and then each function its code reaches, as the JavaScript
// backend builds them. Branches the VM's linearizer inlines are part of their function.
import { isGraph, type Graph } from "../ir/graph.js";
import { Closure } from "../runtime/values.js";
import type { Code } from "../vm/code.js";
import { emitFactory, stringLiteral } from "./emit.js";

export function jsListing(root: Graph, codeFor: (g: Graph) => Code): string {
  const seen = new Set<Graph>([root]);
  const order: Graph[] = [root];
  for (let i = 0; i < order.length; i++) {
    const code = codeFor(order[i]!);
    const reached = [...code.graphs, ...code.constValues.flatMap((v) => (v instanceof Closure ? [v.graph] : isGraph(v) ? [v] : []))];
    for (const g of reached) {
      if (!seen.has(g)) {
        seen.add(g);
        order.push(g);
      }
    }
  }
  return order
    .map((g, i) => {
      const body = emitFactory(codeFor(g)).split("\n").map((line) => `  ${line}`);
      return [`// ${i + 1}: ${stringLiteral(g.name)}`, "function factory(T, m, R) {", ...body, "}"].join("\n");
    })
    .join("\n\n");
}
