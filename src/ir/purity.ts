// Which nodes may be left out of a block's statement order: those whose evaluation can neither
// fail nor act. A constructor (`make_tuple`, `seq`, …) is pure only if what it is built from is:
// `(print(1), 2)` prints. Iterative, since expressions may be deep.
import { isGraph, type Apply, type Node } from "./graph.js";
import { isPrimitive } from "../runtime/values.js";

export function isPure(n: Node): boolean {
  const stack: Node[] = [n];
  const seen = new Set<Node>();
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (m.kind !== "apply" || seen.has(m)) continue;
    seen.add(m);
    // Only nodes computed in the same graph are evaluated with it; others were ordered where they live.
    if (n.kind === "apply" && m.graph !== n.graph) continue;
    if (!pureCallee(m)) return false;
    stack.push(...m.inputs.slice(1));
  }
  return true;
}

/** A call that can neither fail nor act, whatever its arguments. */
export function pureCallee(a: Apply): boolean {
  const callee = a.inputs[0];
  if (callee === undefined || callee.kind !== "constant") return false;
  const v = callee.value;
  return !isGraph(v) && isPrimitive(v) && v.effect === "none";
}
