// Recognizing what a node is: the one place where the shapes that lowering, AD and the optimizer
// build are named, for the stages that look for them (the optimizer's rewrites, AD's loops and
// branches, the VM's inlined `if`).
import type { Primitive } from "../prims/primitive.js";
import { switchPrim } from "../prims/structural.js";
import { isPrimitive, type Value } from "../runtime/values.js";
import { isConstantGraph, isGraph, type Apply, type Graph, type Node } from "./graph.js";

/** The primitive a constant holds, if it holds one. */
export const primOf = (n: Node): Primitive | null =>
  n.kind === "constant" && !isGraph(n.value) && isPrimitive(n.value) ? n.value : null;

/** `n` if it is an application of `p`. */
export const callOf = (n: Node, p: Primitive): Apply | null => (n.kind === "apply" && primOf(n.inputs[0]!) === p ? n : null);

/** The runtime value a constant holds (not a graph). */
export const constValue = (n: Node): Value | undefined => (n.kind === "constant" && !isGraph(n.value) ? n.value : undefined);

/** The graph `a` calls, when its callee is a graph constant. */
export const calleeGraph = (a: Apply): Graph | null => {
  const callee = a.inputs[0]!;
  return isConstantGraph(callee) ? callee.value : null;
};

/** `switch(c, @A, @B)()`: an `if` as lowering makes it, choosing between two graphs and calling the one chosen. */
export interface BranchCall {
  /** The call of what `switch` chose. */
  readonly call: Apply;
  readonly choice: Apply;
  readonly cond: Node;
  readonly arms: readonly [Graph, Graph];
}

export function branchCall(n: Node): BranchCall | null {
  if (n.kind !== "apply" || n.inputs.length !== 1) return null;
  const choice = callOf(n.inputs[0]!, switchPrim);
  if (choice === null || choice.inputs.length !== 4) return null;
  const [, cond, yes, no] = choice.inputs as [Node, Node, Node, Node];
  if (!isConstantGraph(yes) || !isConstantGraph(no)) return null;
  return { call: n, choice, cond, arms: [yes.value, no.value] };
}
