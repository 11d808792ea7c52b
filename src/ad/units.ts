// What both AD transforms share about "units": a closure is transformed together with every graph
// it can reach that closes over something, so that the images of captured nodes are known when
// the nested graphs are filled.
import type { Graph } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";

/**
 * The graphs transformed with `root`: those it reaches, not through a graph that closes over
 * nothing (that one is a unit of its own), which close over something.
 */
export function closuresOf(root: Graph, analysis: Analysis): Graph[] {
  const members = [root];
  for (let i = 0; i < members.length; i++) {
    for (const g of analysis.graphConstants.get(members[i]!) ?? []) {
      if (!members.includes(g) && (analysis.freeVariables.get(g)?.length ?? 0) > 0) members.push(g);
    }
  }
  return members;
}

/** Parents before children: a graph's free variables are mapped once its ancestors are filled. */
export function byDepth(graphs: readonly Graph[], analysis: Analysis): Graph[] {
  const depth = (g: Graph): number => {
    let k = 0;
    for (let p = analysis.parent.get(g) ?? null; p !== null; p = analysis.parent.get(p) ?? null) k++;
    return k;
  };
  return [...graphs].sort((a, b) => depth(a) - depth(b));
}
