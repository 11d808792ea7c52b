// `myx ir --stats` (SPEC §6): a few counts that say how lean a function's IR is, for tests and
// for comparing optimizer output — the optimized gradient of straight-line code should have one
// graph, no closures and no calls.
import { isGraph, type Graph } from "../ir/graph.js";
import { analyze } from "../ir/manager.js";
import { isPrimitive } from "../runtime/values.js";

export interface IrStats {
  /** Graphs reachable from the root through graph constants, the root included. */
  readonly graphs: number;
  /** Apply nodes in those graphs. */
  readonly applies: number;
  /** Graphs with free variables: they become closures at run time. */
  readonly closures: number;
  /** Applies whose callee is not a primitive constant: calls of graphs or closures. */
  readonly calls: number;
}

export function irStats(root: Graph): IrStats {
  const analysis = analyze([root]);
  let applies = 0;
  let calls = 0;
  for (const g of analysis.graphs) {
    for (const a of analysis.applies.get(g) ?? []) {
      applies++;
      const callee = a.inputs[0];
      const primitiveCallee = callee?.kind === "constant" && !isGraph(callee.value) && isPrimitive(callee.value);
      if (!primitiveCallee) calls++;
    }
  }
  const closures = analysis.graphs.filter((g) => (analysis.freeVariables.get(g) ?? []).length > 0).length;
  return { graphs: analysis.graphs.length, applies, closures, calls };
}
