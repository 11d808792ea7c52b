// What both AD transforms share about "units": a closure is transformed together with every graph
// it can reach that closes over something, so that the images of captured nodes are known when
// the nested graphs are filled; and units are optimized only once no transform is filling one.
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

/**
 * Units made while another is being filled (the closed graphs it calls) are optimized only when
 * the outermost transform — of either mode — is done: before that, a graph they would inline
 * may be half built.
 */
let filling = 0;
const unoptimized: (() => void)[] = [];

/**
 * Runs `fill`, which builds a unit and returns how to optimize it; the optimizing waits for the
 * outermost fill to end. If filling fails, `forget` drops the half-built unit from its cache, so
 * that a later transform does not find it.
 */
export function fillUnit(fill: () => (() => void) | null, forget: () => void): void {
  filling++;
  try {
    const optimize = fill();
    if (optimize !== null) unoptimized.push(optimize);
  } catch (e) {
    forget();
    throw e;
  } finally {
    filling--;
  }
  while (filling === 0 && unoptimized.length > 0) unoptimized.shift()!();
}
