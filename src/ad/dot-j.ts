// J of `dot`, which is a matrix product of arrays but scales when either operand is a Num (as
// NumPy's does): which one it is depends on values, so its J chooses at run time between the J
// of `mul` and the J of `matmul`, both of which return (value, ◀) of the same shape.
import { addParameter, apply, applyPrim, constant, newGraph, type Graph } from "../ir/graph.js";
import { definePrim } from "../ir/primitive.js";
import { dotPrim } from "../ir/prims/arrays.js";
import { matmul, mul } from "../ir/prims/scalar.js";
import { zerosLikePrim } from "../ir/prims/sensitivity.js";
import { switchPrim } from "../ir/prims/structural.js";
import { primitiveJ, registerSpecialJ } from "./primitive-j.js";
import { backpropRules } from "./backprop-rules.js";
import { tangentRules } from "./tangent-rules.js";

/** `scales(a, b)`: whether `dot(a, b)` multiplies by a Num rather than taking a matrix product. */
export const dotScales = definePrim({ name: "dot_scales", args: 2, effect: "none", impl: ([a, b]) => typeof a === "number" || typeof b === "number" });

backpropRules.set(dotScales, (b, x) => x.map((a) => b(zerosLikePrim, a)));
tangentRules.set(dotScales, (b, _, y) => b(zerosLikePrim, y));

registerSpecialJ(dotPrim, () => {
  const fwd = newGraph("dot▶", null);
  const [a, c] = [addParameter(fwd, "a", null), addParameter(fwd, "b", null)];
  const branch = (name: string, j: Graph): Graph => {
    const g = newGraph(name, null, { branch: true });
    g.output = apply(g, [constant(j), a, c], null);
    return g;
  };
  const chosen = applyPrim(fwd, switchPrim, [applyPrim(fwd, dotScales, [a, c], null), constant(branch("dot/scale▶", primitiveJ(mul, 2))), constant(branch("dot/matmul▶", primitiveJ(matmul, 2)))], null);
  fwd.output = apply(fwd, [chosen], null);
  return fwd;
});
