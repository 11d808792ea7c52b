// Primitives the derivative rules of the array builtins are built from (src/ad/array-rules.ts).
// Each is small and has rules of its own, so that gradients of array code can be differentiated
// again (a Hessian is forward mode over reverse mode).
import { definePrim, PrimError } from "../primitive.js";
import { index as indexArray } from "../tensor/indexing.js";
import { argExtremeMask, expandReduced } from "../tensor/reduce.js";
import { normalizeAxis, shapeOf, sizeOf } from "../tensor/shape.js";
import { isTuple, SliceValue, aTypeName, type Value } from "../values.js";
import { expectNumeric, naming } from "./check.js";

function axisOf(axis: Value | undefined): number | undefined {
  if (axis === undefined || typeof axis === "number") return axis;
  throw new PrimError(`internal: an axis is ${aTypeName(axis)}`);
}

/** `expand(r, a, axis?)`: a reduction's result `r` spread back over the axis (or all axes) of `a` it reduced. */
export const expand = definePrim({
  name: "expand",
  args: [2, 3],
  impl: ([r, a, axis]) => naming("expand", () => expandReduced(expectNumeric("expand", r!), shapeOf(expectNumeric("expand", a!)), axisOf(axis))),
});

/** `extreme_mask(a, y, axis?)`: 1 where `max`/`min` found its result `y` (the first on ties), 0 elsewhere. */
export const extremeMask = definePrim({
  name: "extreme_mask",
  args: [2, 3],
  effect: "none",
  impl: ([a, y, axis]) => argExtremeMask(expectNumeric("extreme_mask", a!), expectNumeric("extreme_mask", y!), axisOf(axis)),
});

/** `numel(a)`: how many numbers an array holds (1 for a Num). */
export const numel = definePrim({ name: "numel", args: 1, impl: ([a]) => sizeOf(shapeOf(expectNumeric("numel", a!))) });

/**
 * The shape of `a` as the left (`side` 0) or right (1) operand of a matrix product: a vector is a
 * row on the left and a column on the right, so every case of `@` is a product of matrices.
 */
export const matrixShape = definePrim({
  name: "matrix_shape",
  args: 2,
  impl: ([a, side]) => {
    const x = expectNumeric("matrix_shape", a!);
    // `@` refuses a Num before this runs, and `dot` of a Num is differentiated as `*` (dot-j.ts).
    if (typeof x === "number") throw new PrimError("internal: matrix_shape of a Num");
    if (x.shape.length === 2) return x.shape.slice();
    if (x.shape.length === 1) return side === 0 ? [1, x.shape[0]!] : [x.shape[0]!, 1];
    throw new PrimError(`internal: a product of a ${x.shape.length}-d array`);
  },
});

/** `product_shape(a, b)`: the shape of `a @ b` with each operand read as matrix_shape reads it. */
export const productShape = definePrim({
  name: "product_shape",
  args: 2,
  impl: ([a, b]) => {
    const [x, y] = [expectNumeric("product_shape", a!), expectNumeric("product_shape", b!)];
    const rows = typeof x !== "number" && x.shape.length === 2 ? x.shape[0]! : 1;
    const cols = typeof y !== "number" && y.shape.length === 2 ? y.shape[1]! : 1;
    return [rows, cols];
  },
});

/** `pieces(d, items, axis)`: d cut along `axis` into pieces shaped like `items` (a tuple): the transpose of concat. */
export const pieces = definePrim({
  name: "pieces",
  args: 3,
  impl: ([d, items, axis]) => {
    if (!isTuple(items!)) throw new PrimError("internal: pieces of a non-tuple");
    const g = expectNumeric("pieces", d!);
    let at = 0;
    return items.map((item) => {
      const shape = shapeOf(expectNumeric("pieces", item));
      const k = normalizeAxis(typeof axis === "number" ? axis : 0, shape.length);
      const at0 = at;
      at += shape[k]!;
      return indexArray(g, shape.map((_, i) => (i === k ? new SliceValue(at0, at) : new SliceValue(null, null))));
    });
  },
});

/** `unstack(d)`: the items along d's first axis, as a tuple: the transpose of stack. */
export const unstack = definePrim({
  name: "unstack",
  args: 1,
  impl: ([d]) => {
    const g = expectNumeric("unstack", d!);
    if (typeof g === "number") throw new PrimError("internal: unstack of a Num");
    return Array.from({ length: g.shape[0]! }, (_, i) => indexArray(g, [i]));
  },
});
