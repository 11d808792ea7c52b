// Recognizing what a node is, for the rewrites and what they ask of effects.
import { isGraph, type Apply, type Node } from "../ir/graph.js";
import type { Primitive } from "../prims/primitive.js";
import { isPrimitive, type Value } from "../runtime/values.js";

/** The primitive a constant holds, if it holds one. */
export const primOf = (n: Node): Primitive | null =>
  n.kind === "constant" && !isGraph(n.value) && isPrimitive(n.value) ? n.value : null;

/** `n` if it is an application of `p`. */
export const callOf = (n: Node, p: Primitive): Apply | null => (n.kind === "apply" && primOf(n.inputs[0]!) === p ? n : null);

/** The runtime value a constant holds (not a graph). */
export const constValue = (n: Node): Value | undefined => (n.kind === "constant" && !isGraph(n.value) ? n.value : undefined);
