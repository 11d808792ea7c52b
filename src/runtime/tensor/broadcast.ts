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

/** f of each element. f must be made once, not per call: a loop is compiled for each f (below). */
export function elementwise1(a: Numeric, f: (x: number) => number): Numeric {
  if (typeof a === "number") return f(a);
  const out = new Float64Array(a.data.length);
  loops1(f)(a.data, out);
  return fromData(a.shape, out);
}

/** f of the elements of a and b, broadcast; f must be made once, as for elementwise1. */
export function elementwise2(a: Numeric, b: Numeric, f: (x: number, y: number) => number): Numeric {
  if (typeof a === "number" && typeof b === "number") return f(a, b);
  const loop = loops2(f);
  if (typeof a === "number" || typeof b === "number" || sameShape(a.shape, b.shape)) {
    const like = typeof a === "number" ? (b as Tensor) : a;
    const out = new Float64Array(like.data.length);
    loop(typeof a === "number" ? a : a.data, typeof b === "number" ? b : b.data, out, null, null);
    return fromData(like.shape, out);
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastOffsets(a.shape, shape);
  const ib = broadcastOffsets(b.shape, shape);
  const out = new Float64Array(ia.length);
  loop(a.data, b.data, out, ia, ib);
  return fromData(shape, out);
}

// The loops of the elementwise kernels, one copy per function f. V8 keeps what a call site has
// seen per copy of a function's source, so one loop shared by every operator calls f through a
// megamorphic site, once per element; a copy of its own per f sees one f and inlines it. The
// copies are made from the constant sources below, with f passed in: nothing else is compiled.
type Loop1 = (src: Float64Array, out: Float64Array) => void;
type Loop2 = (a: Float64Array | number, b: Float64Array | number, out: Float64Array, ia: Int32Array | null, ib: Int32Array | null) => void;

const LOOP1 = `return function loop1(src, out) {
  for (let i = 0; i < out.length; i++) out[i] = f(src[i]);
};`;

const LOOP2 = `return function loop2(a, b, out, ia, ib) {
  const n = out.length;
  if (ia !== null) for (let i = 0; i < n; i++) out[i] = f(a[ia[i]], b[ib[i]]);
  else if (typeof a === "number") for (let i = 0; i < n; i++) out[i] = f(a, b[i]);
  else if (typeof b === "number") for (let i = 0; i < n; i++) out[i] = f(a[i], b);
  else for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
};`;

/** The copies, by f: weakly, so that a function made at run time does not keep its copy alive. */
const copies1 = new WeakMap<(x: number) => number, Loop1>();
const copies2 = new WeakMap<(x: number, y: number) => number, Loop2>();

function loops1(f: (x: number) => number): Loop1 {
  let loop = copies1.get(f);
  if (loop === undefined) copies1.set(f, (loop = new Function("f", LOOP1)(f) as Loop1));
  return loop;
}

function loops2(f: (x: number, y: number) => number): Loop2 {
  let loop = copies2.get(f);
  if (loop === undefined) copies2.set(f, (loop = new Function("f", LOOP2)(f) as Loop2));
  return loop;
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
