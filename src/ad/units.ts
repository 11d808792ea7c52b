// What both AD transforms share about "units": a closure is transformed together with every graph
// it can reach that closes over something, so that the images of captured nodes are known when
// the nested graphs are filled; and units are optimized only once no transform is filling one.
import type { Graph } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";

/**
 * The graphs transformed with `root`: those it reaches, not through a graph that closes over
 * nothing (that one is a unit of its own), which close over something — and its branches, even
 * closed ones: a branch belongs to the one `if` that calls it, and reverse mode lifts the
 * backpropagators of both arms together (branches.ts).
 */
export function closuresOf(root: Graph, analysis: Analysis): Graph[] {
  const members = [root, ...mutuallyRecursive(root, analysis)];
  for (let i = 0; i < members.length; i++) {
    for (const g of analysis.graphConstants.get(members[i]!) ?? []) {
      if (!members.includes(g) && (g.flags.branch === true || (analysis.freeVariables.get(g)?.length ?? 0) > 0)) members.push(g);
    }
  }
  return members;
}

/**
 * The closed graphs `root` reaches that reach it back: with it, one recursion. Transformed in
 * root's unit, their calls of each other stay inside it, where recursion.ts can make the
 * backward pass one recursive graph; as units of their own, each call would cross to the other
 * unit's wrapper and make a backpropagator closure.
 */
function mutuallyRecursive(root: Graph, analysis: Analysis): Graph[] {
  const referrers = new Map<Graph, Graph[]>();
  for (const [h, named] of analysis.graphConstants) for (const k of named) referrers.set(k, [...(referrers.get(k) ?? []), h]);
  const walk = (next: (g: Graph) => readonly Graph[]): Set<Graph> => {
    const seen = new Set<Graph>([root]);
    const stack = [root];
    while (stack.length > 0) for (const h of next(stack.pop()!)) if (!seen.has(h)) (seen.add(h), stack.push(h));
    return seen;
  };
  const reached = walk((g) => analysis.graphConstants.get(g) ?? []);
  const reaching = walk((g) => referrers.get(g) ?? []);
  return [...reached].filter((g) => g !== root && reaching.has(g) && (analysis.freeVariables.get(g)?.length ?? 0) === 0);
}

/**
 * Parents before children: a graph's free variables are mapped once its ancestors are filled.
 * `after` names, for some graphs, one more to fill first (an `if`'s arm may read the images of
 * the nodes of the graph that calls it, which need not be its parent).
 */
export function byDepth(graphs: readonly Graph[], analysis: Analysis, after: ReadonlyMap<Graph, Graph> = new Map()): Graph[] {
  const memo = new Map<Graph, number>();
  const depth = (g: Graph): number => {
    const known = memo.get(g);
    if (known !== undefined) return known;
    memo.set(g, 0);
    const first = [analysis.parent.get(g) ?? null, after.get(g) ?? null].filter((h): h is Graph => h !== null);
    const k = Math.max(0, ...first.map((h) => depth(h) + 1));
    memo.set(g, k);
    return k;
  };
  return [...graphs].sort((a, b) => depth(a) - depth(b));
}

/**
 * Units made while another is being filled (the closed graphs it calls) are optimized only when
 * the outermost transform — of either mode — is done: before that, a graph they would inline
 * may be half built.
 */
export class UnitQueue {
  private filling = 0;
  private readonly unoptimized: (() => void)[] = [];

  /**
   * Runs `fill`, which builds a unit and returns how to optimize it; the optimizing waits for the
   * outermost fill to end. If filling fails, `forget` drops the half-built unit from its cache,
   * so that a later transform does not find it.
   */
  fill(fill: () => (() => void) | null, forget: () => void): void {
    this.filling++;
    try {
      const optimize = fill();
      if (optimize !== null) this.unoptimized.push(optimize);
    } catch (e) {
      forget();
      throw e;
    } finally {
      this.filling--;
    }
    while (this.filling === 0 && this.unoptimized.length > 0) this.unoptimized.shift()!();
  }
}
