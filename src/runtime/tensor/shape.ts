// Shapes and the one address walk every kernel shares. SPEC §3 makes a 0-d result a plain Num,
// so kernels accept `Num | Tensor` and hand results back through `fromData`, which unwraps 0-d.
import { formatValue } from "../format-value.js";
import { PrimError } from "../host.js";
import { Tensor, aTypeName, typeName, Unit, type Value } from "../values.js";

export type Shape = readonly number[];

/** What the array kernels take and give: a Num stands for a 0-d array. */
export type Numeric = number | Tensor;

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = step;
    step *= shape[k];
  }
  return strides;
}

/** Python's tuple spelling, which users see in errors: `()`, `(4,)`, `(2, 3)`. */
export function formatShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

export function shapeOf(a: Numeric): Shape {
  return typeof a === "number" ? [] : a.shape;
}

export function asTensor(a: Numeric): Tensor {
  return typeof a === "number" ? new Tensor([], Float64Array.of(a)) : a;
}

export function fromData(shape: Shape, data: Float64Array): Numeric {
  return shape.length === 0 ? data[0] : new Tensor(shape, data);
}

/**
 * A shape argument as SPEC §4 allows it: a Num or a tuple of Nums, each a whole number ≥ 0. `()`
 * is the 0-d shape: it is how a program writes the empty tuple.
 */
export function shapeArg(prim: string, v: Value): number[] {
  if (v instanceof Unit) return [];
  const dims = Array.isArray(v) ? v : [v];
  return dims.map((d) => {
    if (typeof d !== "number") {
      throw new PrimError(`${prim}: a shape is a Num or a tuple of Nums, got ${Array.isArray(v) ? `${aTypeName(d)} inside a Tuple` : typeName(d)}`);
    }
    if (!Number.isInteger(d) || d < 0) throw new PrimError(`${prim}: a dimension must be a whole number ≥ 0, got ${formatValue(d)}`);
    return d;
  });
}

/** An axis argument; negative axes count from the end, as in NumPy. */
export function normalizeAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis)) throw new PrimError(`axis must be a whole number, got ${formatValue(axis)}`);
  const k = axis < 0 ? axis + rank : axis;
  if (k < 0 || k >= rank) {
    throw new PrimError(rank === 0 ? `axis ${axis} is out of range for a Num` : `axis ${axis} is out of range for an array of rank ${rank}`);
  }
  return k;
}

/**
 * The flat offsets visited by walking `shape` in row-major order, starting at `base` and moving
 * `strides[k]` per step along axis k. Broadcasting (stride 0), transposition (permuted strides)
 * and slicing (a base and the source strides) are all this one walk.
 */
export function strideOffsets(shape: Shape, strides: readonly number[], base = 0): Int32Array {
  const out = new Int32Array(sizeOf(shape));
  if (out.length === 0) return out;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = base;
    return out;
  }
  const inner = shape[rank - 1];
  const step = strides[rank - 1];
  const counter = new Array<number>(rank).fill(0);
  let start = base;
  for (let o = 0; o < out.length; ) {
    let p = start;
    for (let i = 0; i < inner; i++, p += step) out[o++] = p;
    for (let k = rank - 2; k >= 0; k--) {
      start += strides[k];
      if (++counter[k] < shape[k]) break;
      start -= strides[k] * shape[k];
      counter[k] = 0;
    }
  }
  return out;
}
