// The order in which a graph's nodes run: depth-first from the output, inputs left to right, and
// a closure's free variables before the closure is made. The VM, the printer and the AD sweep
// all follow it, so printed IR reads in execution order and reverse mode visits users first.
import { isGraph, type Apply, type Constant, type Graph, type Node } from "./graph.js";
import type { Analysis } from "./manager.js";

/** The Applies of `g` in evaluation order. */
export function evaluationOrder(g: Graph, analysis: Analysis): Apply[] {
  return walk(g, analysis, false).filter((n): n is Apply => n.kind === "apply");
}

/** Like evaluationOrder, with each constant that makes a closure listed where it is made. */
export function evaluationOrderWithClosures(g: Graph, analysis: Analysis): (Apply | Constant)[] {
  return walk(g, analysis, true).filter((n): n is Apply | Constant => n.kind !== "parameter");
}

const NONE: readonly Node[] = [];

function walk(g: Graph, analysis: Analysis, withClosures: boolean): Node[] {
  const order: Node[] = [];
  const done = new Set<Node>();
  const closureDeps = (n: Node): readonly Node[] => {
    if (n.kind !== "constant" || !isGraph(n.value)) return NONE;
    const fvs = analysis.freeVariables.get(n.value);
    return fvs === undefined || fvs.length === 0 ? NONE : fvs.filter((f) => f.kind !== "constant" && f.graph === g);
  };
  const deps = (n: Node): readonly Node[] => (n.kind === "apply" ? n.inputs : closureDeps(n));
  // An output that is a free variable (a branch returning an outer value) belongs to its own graph.
  const out = g.output;
  const frame = (node: Node) => ({ node, next: 0, deps: deps(node) });
  const stack: { node: Node; next: number; deps: readonly Node[] }[] = out === null || (out.kind !== "constant" && out.graph !== g) ? [] : [frame(out)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.deps.length) {
      const d = top.deps[top.next++]!;
      // Other constants have nothing to evaluate first and are never listed.
      if ((d.kind === "constant" ? isGraph(d.value) : d.graph === g) && !done.has(d)) stack.push(frame(d));
      continue;
    }
    stack.pop();
    if (done.has(top.node)) continue;
    done.add(top.node);
    const n = top.node;
    const makesClosure = n.kind === "constant" && isGraph(n.value) && (analysis.freeVariables.get(n.value)?.length ?? 0) > 0;
    if (n.kind === "apply" || (withClosures && makesClosure)) order.push(n);
  }
  return order;
}
