// The order in which a graph's nodes run: depth-first from the output, inputs left to right, and
// a closure's free variables before the closure is made. The VM, the printer and the AD sweep
// all follow it, so printed IR reads in execution order and reverse mode visits users first.
import { isGraph, type Apply, type Constant, type Graph, type Node } from "./graph.js";
import type { Analysis } from "./manager.js";

/** The Applies of `g` in evaluation order. */
export function evaluationOrder(g: Graph, analysis: Analysis): Apply[] {
  const order: Apply[] = [];
  walk(g, analysis, (n) => {
    if (n.kind === "apply") order.push(n);
  });
  return order;
}

/** Like evaluationOrder, with each constant that makes a closure listed where it is made. */
export function evaluationOrderWithClosures(g: Graph, analysis: Analysis): (Apply | Constant)[] {
  const order: (Apply | Constant)[] = [];
  walk(g, analysis, (n) => {
    if (n.kind === "apply" || (n.kind === "constant" && isGraph(n.value) && (analysis.freeVariables.get(n.value)?.length ?? 0) > 0)) order.push(n);
  });
  return order;
}

const NONE: readonly Node[] = [];

/** Calls `evaluated` on each node of g's order, and on each graph constant where it is first needed. */
function walk(g: Graph, analysis: Analysis, evaluated: (n: Node) => void): void {
  const done = new Set<Node>();
  const closureDeps = (n: Node): readonly Node[] => {
    if (n.kind !== "constant" || !isGraph(n.value)) return NONE;
    const fvs = analysis.freeVariables.get(n.value);
    return fvs === undefined || fvs.length === 0 ? NONE : fvs.filter((f) => f.kind !== "constant" && f.graph === g);
  };
  // The stack as three arrays, not an object per frame: the optimizer walks every graph each round.
  const nodes: Node[] = [];
  const deps: (readonly Node[])[] = [];
  const next: number[] = [];
  const push = (n: Node): void => {
    nodes.push(n);
    deps.push(n.kind === "apply" ? n.inputs : closureDeps(n));
    next.push(0);
  };
  // An output that is a free variable (a branch returning an outer value) belongs to its own graph.
  const out = g.output;
  if (out !== null && (out.kind === "constant" || out.graph === g)) push(out);
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const pending = deps[top]!;
    if (next[top]! < pending.length) {
      const d = pending[next[top]!++]!;
      // Other constants have nothing to evaluate first and are never listed.
      if ((d.kind === "constant" ? isGraph(d.value) : d.graph === g) && !done.has(d)) push(d);
      continue;
    }
    const n = nodes.pop()!;
    deps.pop();
    next.pop();
    if (done.has(n)) continue;
    done.add(n);
    evaluated(n);
  }
}
