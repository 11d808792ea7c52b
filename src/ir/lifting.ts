// What lambda lifting needs to know of a graph: which graphs read the nodes that are to become its
// parameters, and how to make them read the parameters instead. Loops, branches and recursion in
// AD lift their backpropagators with these, and the optimizer lifts closures that do not escape.
import type { Graph, Node } from "./graph.js";
import type { Analysis } from "./manager.js";

/**
 * `g` and the graphs it reaches that read one of `nodes`: the ones lifting must rewrite. Null when
 * one of them is also referred to from elsewhere, which a rewrite in place would change too.
 */
export function readersOf(g: Graph, nodes: ReadonlySet<Node>, analysis: Analysis): Graph[] | null {
  const reads = (h: Graph): boolean => (analysis.freeVariables.get(h) ?? []).some((n) => nodes.has(n));
  const graphs = [g];
  for (let i = 0; i < graphs.length; i++) {
    for (const h of analysis.graphConstants.get(graphs[i]!) ?? []) if (!graphs.includes(h) && reads(h)) graphs.push(h);
  }
  for (const h of analysis.graphs) {
    if (graphs.includes(h)) continue;
    if ((analysis.graphConstants.get(h) ?? []).some((k) => k !== g && graphs.includes(k))) return null;
  }
  return graphs;
}

/** Substitutes nodes in every use inside `graphs`. */
export function replaceWithin(graphs: readonly Graph[], analysis: Analysis, by: ReadonlyMap<Node, Node>): void {
  for (const h of graphs) {
    for (const a of analysis.applies.get(h) ?? []) a.inputs = a.inputs.map((x) => by.get(x) ?? x);
    if (h.output !== null) h.output = by.get(h.output) ?? h.output;
  }
}
