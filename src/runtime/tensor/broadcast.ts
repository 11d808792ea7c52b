// NumPy broadcasting (SPEC §3): shapes are aligned at their last axis, and a dimension of 1 (or a
// missing one) stretches to match the other. The general case gathers through `strideOffsets`
// with stride 0 on stretched axes; the common cases (same shape, a Num with an array) skip that.
import { PrimError } from "../host.js";
import { Tensor } from "../values.js";
import { asTensor, formatShape, fromData, sameShape, shapeOf, sizeOf, strideOffsets, stridesOf, type Numeric, type Shape } from "./shape.js";

export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let k = 1; k <= rank; k++) {
    const da = a[a.length - k] ?? 1;
    const db = b[b.length - k] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new PrimError(`shapes ${formatShape(a)} and ${formatShape(b)} cannot broadcast`);
    out[rank - k] = da === 1 ? db : da;
  }
  return out;
}

/** Whether an array of shape `from` stretches to `to` (and not the other way round). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, k) => d === 1 || d === to[lead + k]);
}

/** For each element of an array of shape `to`, the offset of the element of `from` it reads. */
export function broadcastOffsets(from: Shape, to: Shape): Int32Array {
  const fromStrides = stridesOf(from);
  const lead = to.length - from.length;
  const strides = to.map((d, k) => (k < lead || from[k - lead] !== d ? 0 : fromStrides[k - lead]));
  return strideOffsets(to, strides);
}

export function broadcastTo(a: Numeric, shape: Shape): Numeric {
  const from = shapeOf(a);
  if (!broadcastsTo(from, shape)) throw new PrimError(`shape ${formatShape(from)} cannot broadcast to ${formatShape(shape)}`);
  if (typeof a === "number") return shape.length === 0 ? a : new Tensor(shape, new Float64Array(sizeOf(shape)).fill(a));
  if (sameShape(from, shape)) return a;
  const src = a.data;
  const offsets = broadcastOffsets(from, shape);
  const out = new Float64Array(offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = src[offsets[i]];
  return fromData(shape, out);
}

export function elementwise1(a: Numeric, f: (x: number) => number): Numeric {
  if (typeof a === "number") return f(a);
  const src = a.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < out.length; i++) out[i] = f(src[i]);
  return fromData(a.shape, out);
}

export function elementwise2(a: Numeric, b: Numeric, f: (x: number, y: number) => number): Numeric {
  if (typeof a === "number") {
    if (typeof b === "number") return f(a, b);
    const bd = b.data;
    const out = new Float64Array(bd.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a, bd[i]);
    return fromData(b.shape, out);
  }
  const ad = a.data;
  if (typeof b === "number") {
    const out = new Float64Array(ad.length);
    for (let i = 0; i < out.length; i++) out[i] = f(ad[i], b);
    return fromData(a.shape, out);
  }
  const bd = b.data;
  if (sameShape(a.shape, b.shape)) {
    const out = new Float64Array(ad.length);
    for (let i = 0; i < out.length; i++) out[i] = f(ad[i], bd[i]);
    return fromData(a.shape, out);
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastOffsets(a.shape, shape);
  const ib = broadcastOffsets(b.shape, shape);
  const out = new Float64Array(ia.length);
  for (let i = 0; i < out.length; i++) out[i] = f(ad[ia[i]], bd[ib[i]]);
  return fromData(shape, out);
}

/**
 * The transpose of broadcasting, for reverse-mode AD: an input of `shape` that was stretched to
 * `g`'s shape receives the sum of `g` over every element it was copied to.
 */
export function unbroadcast(g: Numeric, shape: Shape): Numeric {
  const from = shapeOf(g);
  if (sameShape(from, shape)) return g;
  if (!broadcastsTo(shape, from)) {
    throw new PrimError(`a gradient of shape ${formatShape(from)} cannot be summed down to shape ${formatShape(shape)}`);
  }
  const src = asTensor(g).data;
  const offsets = broadcastOffsets(shape, from);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < offsets.length; i++) out[offsets[i]] += src[i];
  return fromData(shape, out);
}
