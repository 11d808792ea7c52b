// Lambda lifting of closures that do not escape. A graph G with free variables whose every
// constant is the callee of a call — never passed, stored or returned — need not be a closure:
// its free variables become parameters after its own, and every call passes them. Calling it
// then makes no closure at run time. What inlining leaves of a closure is what this is for: a
// recursive local function, or one too large to copy.
//
// Graphs nested in G that read those variables read G's new parameters instead, and so do the
// graphs only G refers to (they are made in G's frame, so that is in scope); one that is also
// referred to from elsewhere keeps G a closure. Branches are left alone: the VM runs a branch in
// its caller's frame without making a closure. So are loops: a loop's closure is made once per
// loop, and lifting would pass the captured values again at every iteration (10% slower on the
// gradient of a 10⁵-iteration loop, `bench/grad.ts`).
import { addParameter, isConstantGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { readersOf, replaceWithin } from "../ir/lifting.js";
import { analyze, type Analysis } from "../ir/manager.js";

/**
 * Lifts the closures of `owned`, reachable from `roots` and not roots themselves, that can be
 * lifted; returns how many it lifted. One analysis serves a batch: lifting G changes the free
 * variables of G, of the graphs reading them and of the graphs calling G (they now pass what G
 * captured), and so of every graph referring to one of those, but no graph constant and no call
 * site. A closure outside that set is lifted with what the analysis says of it; one inside waits
 * for the next call.
 */
export function liftClosures(roots: readonly Graph[], owned: ReadonlySet<Graph>): number {
  const analysis = analyze(roots);
  const calls = callSites(analysis);
  const referrers = inverse(analysis.graphConstants);
  const stale = new Set<Graph>();
  let lifted = 0;
  for (const g of analysis.graphs) {
    const fvs = analysis.freeVariables.get(g) ?? [];
    if (stale.has(g) || fvs.length === 0 || !owned.has(g) || roots.includes(g) || g.flags.branch || g.flags.loop || g.flags.opaque) continue;
    const sites = calls.get(g);
    if (sites === undefined || sites === "escapes") continue;
    if (sites.some((a) => !owned.has(a.graph) || a.graph.flags.opaque || a.inputs.length - 1 !== g.parameters.length)) continue;
    const readers = readersOf(g, new Set(fvs), analysis);
    if (readers === null || readers.some((h) => h.flags.opaque)) continue;

    const params = fvs.map((n, k) => addParameter(g, n.kind === "parameter" ? n.name : `fv${k}`, null));
    for (const a of sites) a.inputs = [...a.inputs, ...fvs];
    // After the calls grew: a call inside G (recursion) passes G's own parameters on.
    replaceWithin(readers, analysis, new Map<Node, Node>(fvs.map((n, k) => [n, params[k]!])));
    markStale([...readers, ...sites.map((a) => a.graph)], referrers, stale);
    lifted++;
  }
  return lifted;
}

/** Adds `from` and every graph that refers to one of them, however indirectly, to `stale`. */
function markStale(from: readonly Graph[], referrers: ReadonlyMap<Graph, readonly Graph[]>, stale: Set<Graph>): void {
  const stack = [...from];
  while (stack.length > 0) {
    const h = stack.pop()!;
    if (stale.has(h)) continue;
    stale.add(h);
    stack.push(...(referrers.get(h) ?? []));
  }
}

/** For each graph, the graphs whose constants name it. */
function inverse(graphConstants: ReadonlyMap<Graph, readonly Graph[]>): Map<Graph, Graph[]> {
  const referrers = new Map<Graph, Graph[]>();
  for (const [h, named] of graphConstants) {
    for (const k of named) {
      const list = referrers.get(k);
      if (list === undefined) referrers.set(k, [h]);
      else list.push(h);
    }
  }
  return referrers;
}

/** For each graph, the calls naming it as their callee, or "escapes" when a constant of it is anything else. */
function callSites(analysis: Analysis): Map<Graph, Apply[] | "escapes"> {
  const sites = new Map<Graph, Apply[] | "escapes">();
  const escape = (n: Node): void => {
    if (isConstantGraph(n)) sites.set(n.value, "escapes");
  };
  for (const h of analysis.graphs) {
    for (const a of analysis.applies.get(h) ?? []) {
      a.inputs.forEach((x, i) => {
        if (i > 0) return escape(x);
        if (!isConstantGraph(x)) return;
        const known = sites.get(x.value);
        if (known === undefined) sites.set(x.value, [a]);
        else if (known !== "escapes") known.push(a);
      });
    }
    if (h.output !== null) escape(h.output);
  }
  return sites;
}
