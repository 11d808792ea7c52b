// The shape of an array and its rearrangements: `shape`, `reshape`, `transpose`, and `numel`,
// which the rules of the reductions and products need. A Num is 0-d.
import { expectNumeric } from "../runtime/check.js";
import * as L from "../runtime/tensor/linalg.js";
import { shapeArg, shapeOf, sizeOf } from "../runtime/tensor/shape.js";
import { arrayPrim } from "./array-args.js";
import { constantResult, definePrim } from "./primitive.js";

/** The dimensions as a tuple; a Num is 0-d, so its shape is `()`. */
export const shapePrim = arrayPrim({
  name: "shape",
  args: 1,
  builtin: true,
  impl: ([a]) => {
    const x = expectNumeric("shape", a);
    return typeof x === "number" ? [] : x.shape.slice();
  },
  ...constantResult,
});

/** `numel(a)`: how many numbers an array holds (1 for a Num). */
export const numel = definePrim({ name: "numel", args: 1, impl: ([a]) => sizeOf(shapeOf(expectNumeric("numel", a))), ...constantResult });

export const reshapePrim = arrayPrim({
  name: "reshape",
  args: 2,
  builtin: true,
  impl: ([a, shape]) => L.reshape(expectNumeric("reshape", a), shapeArg("reshape", shape)),
  vjp: (b, [a], y, d) => [b.reshape(b.sens_like(d, y), b.shape(a))],
  jvp: (b, [, shape], _, [da]) => b.reshape(da, shape),
});

export const transposePrim = arrayPrim({
  name: "transpose",
  args: 1,
  builtin: true,
  impl: ([a]) => L.transpose(expectNumeric("transpose", a)),
  vjp: (b, _, y, d) => [b.transpose(b.sens_like(d, y))],
  jvp: (b, _, __, [da]) => b.transpose(da),
});
