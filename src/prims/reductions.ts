// Reductions (SPEC §4): `sum(a)` over everything gives a Num, `sum(a, axis)` drops that axis; and
// `softmax`, which normalizes along one. Their sensitivities spread a result's back over the axis
// it reduced (`expand`); `max` and `min` send it to the elements equal to the result, split among
// ties as JAX does (`extreme_mask`).
import type { Node } from "../ir/graph.js";
import { expectNumeric } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import * as R from "../runtime/tensor/reduce.js";
import { shapeOf, type Numeric } from "../runtime/tensor/shape.js";
import { aTypeName, type Value } from "../runtime/values.js";
import { arrayPrim, axisArg } from "./array-args.js";
import { constantResult, definePrim, type Primitive, type PrimSpec } from "./primitive.js";


/** The axis argument of a reduction, as operands to pass on (absent: all axes). */
const axes = (axis: Node | undefined): Node[] => (axis === undefined ? [] : [axis]);

function reduction(name: string, kernel: (a: Numeric, axis?: number) => Numeric, rules: Pick<PrimSpec<readonly [1, 2]>, "vjp" | "jvp">): Primitive {
  return arrayPrim({ name, args: [1, 2], builtin: true, impl: ([a, axis]) => kernel(expectNumeric(name, a), axisArg(name, axis)), ...rules });
}

/** The rules of `max` and `min`. */
const extremeRules: Pick<PrimSpec<readonly [1, 2]>, "vjp" | "jvp"> = {
  vjp: (b, [a, axis], y, d) => [b.mul(b.extreme_mask(a, y, ...axes(axis)), b.expand(b.sens_like(d, y), a, ...axes(axis)))],
  jvp: (b, [a, axis], y, [da]) => b.sum(b.mul(b.extreme_mask(a, y, ...axes(axis)), da), ...axes(axis)),
};

export const sumPrim = reduction("sum", R.sum, {
  vjp: (b, [a, axis], y, d) => [b.expand(b.sens_like(d, y), a, ...axes(axis))],
  jvp: (b, [, axis], _, [da]) => b.sum(da, ...axes(axis)),
});
export const meanPrim = reduction("mean", R.mean, {
  vjp: (b, [a, axis], y, d) => {
    const share = b.div(b.numel(y), b.numel(a));
    return [b.mul(b.expand(b.sens_like(d, y), a, ...axes(axis)), share)];
  },
  jvp: (b, [, axis], _, [da]) => b.mean(da, ...axes(axis)),
});
export const maxPrim = reduction("max", R.max, extremeRules);
export const minPrim = reduction("min", R.min, extremeRules);
export const logsumexpPrim = reduction("logsumexp", R.logsumexp, {
  vjp: (b, [a, axis], y, d) => {
    const weights = b.exp(b.sub(a, b.expand(y, a, ...axes(axis))));
    return [b.mul(weights, b.expand(b.sens_like(d, y), a, ...axes(axis)))];
  },
  jvp: (b, [a, axis], y, [da]) => {
    const weights = b.exp(b.sub(a, b.expand(y, a, ...axes(axis))));
    return b.sum(b.mul(weights, da), ...axes(axis));
  },
});

/** `softmax(a)` normalizes along the last axis, JAX's default. */
export const softmaxPrim = arrayPrim({
  name: "softmax",
  args: [1, 2],
  builtin: true,
  impl: ([a, axis]) => R.softmax(expectNumeric("softmax", a), axisArg("softmax", axis) ?? -1),
  vjp: (b, [a, axis], y, d) => {
    const exact = b.sens_like(d, y);
    const along = b.expand(b.sum(b.mul(exact, y), axis ?? -1), a, axis ?? -1);
    return [b.mul(y, b.sub(exact, along))];
  },
  jvp: (b, [a, axis], y, [da]) => b.mul(y, b.sub(da, b.expand(b.sum(b.mul(y, da), axis ?? -1), a, axis ?? -1))),
});

function axisOf(axis: Value | undefined): number | undefined {
  if (axis === undefined || typeof axis === "number") return axis;
  throw new PrimError(`internal: an axis is ${aTypeName(axis)}`);
}

/** `expand(r, a, axis?)`: a reduction's result `r` spread back over the axis (or all axes) of `a` it reduced. */
export const expand = arrayPrim({
  name: "expand",
  args: [2, 3],
  impl: ([r, a, axis]) => R.expandReduced(expectNumeric("expand", r), shapeOf(expectNumeric("expand", a)), axisOf(axis)),
  vjp: (b, [, , axis], y, d) => [b.sum(b.sens_like(d, y), ...axes(axis))],
  jvp: (b, [, a, axis], _, [dr]) => b.expand(dr, a, ...axes(axis)),
});

/** `extreme_mask(a, y, axis?)`: 1 where `max`/`min` found its result `y` (the first on ties), 0 elsewhere. */
export const extremeMask = definePrim({
  name: "extreme_mask",
  args: [2, 3],
  effect: "none",
  impl: ([a, y, axis]) => R.argExtremeMask(expectNumeric("extreme_mask", a), expectNumeric("extreme_mask", y), axisOf(axis)),
  ...constantResult,
});
