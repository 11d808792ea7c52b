// Products and axis rearrangements. `matmul` treats a 1-d left operand as a row and a 1-d right
// operand as a column, then drops that axis from the result, which gives SPEC §3's four cases
// from one 2-d kernel.
import { PrimError } from "../host.js";
import { Tensor } from "../values.js";
import { elementwise2 } from "./broadcast.js";
import { asTensor, formatShape, fromData, shapeOf, sizeOf, strideOffsets, stridesOf, type Numeric, type Shape } from "./shape.js";

export function matmul(a: Numeric, b: Numeric): Numeric {
  const ta = asTensor(a);
  const tb = asTensor(b);
  for (const t of [ta, tb]) {
    const rank = t.shape.length;
    if (rank !== 1 && rank !== 2) {
      throw new PrimError(`matmul needs 1-d or 2-d arrays, got ${rank === 0 ? "a Num" : `shape ${formatShape(t.shape)}`}`);
    }
  }
  const [n, k] = ta.shape.length === 1 ? [1, ta.shape[0]] : ta.shape;
  const [k2, m] = tb.shape.length === 1 ? [tb.shape[0], 1] : tb.shape;
  if (k !== k2) throw new PrimError(`matmul: shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)} do not align (${k} ≠ ${k2})`);
  const out = matmul2d(ta.data, tb.data, n, k, m);
  const shape: number[] = [];
  if (ta.shape.length === 2) shape.push(n);
  if (tb.shape.length === 2) shape.push(m);
  return fromData(shape, out);
}

/**
 * (n×k)·(k×m), row-major. The i-k-j order keeps the innermost loop running along a row of both
 * `b` and the output, so it streams through memory instead of striding down a column of `b`.
 */
function matmul2d(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bRow = p * m;
      for (let j = 0; j < m; j++) out[row + j] += aip * b[bRow + j];
    }
  }
  return out;
}

/** Made once: the kernels keep a loop per function they are given (elementwise2). */
const times = (x: number, y: number): number => x * y;

/** NumPy's `dot`: a product with a Num scales; otherwise it is `matmul`. */
export function dot(a: Numeric, b: Numeric): Numeric {
  if (typeof a === "number" || typeof b === "number") return elementwise2(a, b, times);
  return matmul(a, b);
}

/** NumPy's `outer`: both operands are flattened, so the result is always 2-d. */
export function outer(a: Numeric, b: Numeric): Tensor {
  const ad = asTensor(a).data;
  const bd = asTensor(b).data;
  const out = new Float64Array(ad.length * bd.length);
  for (let i = 0; i < ad.length; i++) {
    const ai = ad[i];
    const row = i * bd.length;
    for (let j = 0; j < bd.length; j++) out[row + j] = ai * bd[j];
  }
  return new Tensor([ad.length, bd.length], out);
}

/** Reverses all axes; a Num or a 1-d array is its own transpose. */
export function transpose(a: Numeric): Numeric {
  if (typeof a === "number" || a.shape.length < 2) return a;
  const shape = [...a.shape].reverse();
  const offsets = strideOffsets(shape, stridesOf(a.shape).reverse());
  const src = a.data;
  const out = new Float64Array(offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = src[offsets[i]];
  return new Tensor(shape, out);
}

/** Same elements, new shape. Values are never mutated, so the data is shared, not copied. */
export function reshape(a: Numeric, shape: Shape): Numeric {
  const from = shapeOf(a);
  if (sizeOf(from) !== sizeOf(shape)) {
    throw new PrimError(`cannot reshape an array of shape ${formatShape(from)} (${sizeOf(from)} elements) to ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  return fromData(shape, asTensor(a).data);
}
