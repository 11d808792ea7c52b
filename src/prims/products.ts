// Products of arrays: `@` (matmul), `dot` and `outer`. A matrix product's sensitivities are
// matrix products again: read a vector as a row on the left and a column on the right, and every
// case of `@` is a product of matrices, reshaped back (`matrix_shape`, `product_shape`).
import type { Node } from "../ir/graph.js";
import { expectNumeric, isNumeric } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import * as L from "../runtime/tensor/linalg.js";
import { typeName } from "../runtime/values.js";
import { arrayPrim } from "./array-args.js";
import { constantResult, definePrim, type Builder } from "./primitive.js";

/** `a @ b` and its gradients as products of matrices. */
function matmulSens(b: Builder, a: Node, c: Node, y: Node, d: Node): [Node, Node] {
  const A2 = b.reshape(a, b.matrix_shape(a, 0));
  const B2 = b.reshape(c, b.matrix_shape(c, 1));
  const D2 = b.reshape(b.sens_like(d, y), b.product_shape(a, c));
  return [b.reshape(b.matmul(D2, b.transpose(B2)), b.shape(a)), b.reshape(b.matmul(b.transpose(A2), D2), b.shape(c))];
}

/** `@` and `matmul(a, b)`: SPEC §3's four cases of 1-d and 2-d operands. */
export const matmul = definePrim({
  name: "matmul",
  args: 2,
  builtin: true,
  impl: ([a, b]) => {
    if (!isNumeric(a) || !isNumeric(b)) throw new PrimError(`matmul (@) expects Arrays, got ${typeName(a)} and ${typeName(b)}`);
    return L.matmul(a, b);
  },
  vjp: (b, [a, c], y, d) => matmulSens(b, a, c, y, d),
  jvp: (b, [a, c], _, [da, dc]) => b.add(b.matmul(da, c), b.matmul(a, dc)),
});

/** `dot_scales(a, b)`: whether `dot(a, b)` multiplies by a Num rather than taking a matrix product. */
export const dotScales = definePrim({ name: "dot_scales", args: 2, effect: "none", impl: ([a, b]) => typeof a === "number" || typeof b === "number", ...constantResult });

/**
 * NumPy's `dot`, which scales when either operand is a Num and is `@` otherwise. Which one it is
 * depends on values, so its reverse rule chooses at run time between the rules of `*` and `@`.
 */
export const dotPrim = arrayPrim({
  name: "dot",
  args: 2,
  builtin: true,
  impl: ([a, b]) => L.dot(expectNumeric("dot", a), expectNumeric("dot", b)),
  vjp: (b, [a, c], y, d) => {
    const s = b.cond(
      b.prim(dotScales, a, c),
      (b) => b.make_tuple(b.mul(d, c), b.mul(d, a)),
      (b) => b.make_tuple(...matmulSens(b, a, c, y, d)),
    );
    return [b.tuple_get(s, 0), b.tuple_get(s, 1)];
  },
  jvp: (b, [a, c], _, [da, dc]) => b.add(b.dot(da, c), b.dot(a, dc)),
});

export const outerPrim = arrayPrim({
  name: "outer",
  args: 2,
  builtin: true,
  impl: ([a, b]) => L.outer(expectNumeric("outer", a), expectNumeric("outer", b)),
  vjp: (b, [a, c], y, d) => {
    const exact = b.sens_like(d, y);
    const flat = (v: Node): Node => b.reshape(v, b.numel(v));
    return [b.reshape(b.matmul(exact, flat(c)), b.shape(a)), b.reshape(b.matmul(flat(a), exact), b.shape(c))];
  },
  jvp: (b, [a, c], _, [da, dc]) => b.add(b.outer(da, c), b.outer(a, dc)),
});

/**
 * The shape of `a` as the left (`side` 0) or right (1) operand of a matrix product: a vector is a
 * row on the left and a column on the right, so every case of `@` is a product of matrices.
 */
export const matrixShape = definePrim({
  name: "matrix_shape",
  args: 2,
  impl: ([a, side]) => {
    const x = expectNumeric("matrix_shape", a);
    // `@` refuses a Num before this runs, and `dot` of a Num takes the rule of `*`.
    if (typeof x === "number") throw new PrimError("internal: matrix_shape of a Num");
    if (x.shape.length === 2) return x.shape.slice();
    if (x.shape.length === 1) return side === 0 ? [1, x.shape[0]] : [x.shape[0], 1];
    throw new PrimError(`internal: a product of a ${x.shape.length}-d array`);
  },
  ...constantResult,
});

/** `product_shape(a, b)`: the shape of `a @ b` with each operand read as matrix_shape reads it. */
export const productShape = definePrim({
  name: "product_shape",
  args: 2,
  impl: ([a, b]) => {
    const [x, y] = [expectNumeric("product_shape", a), expectNumeric("product_shape", b)];
    const rows = typeof x !== "number" && x.shape.length === 2 ? x.shape[0] : 1;
    const cols = typeof y !== "number" && y.shape.length === 2 ? y.shape[1] : 1;
    return [rows, cols];
  },
  ...constantResult,
});
