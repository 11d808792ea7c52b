// `a[i]`, `a[i, j]`, `a[lo:hi, j]` (SPEC §3). Basic indexing picks a strided sub-block of the
// array: each whole-number index fixes one axis (and drops it), each slice narrows one axis, and
// missing trailing indices keep their axes whole. The sub-block is a base offset plus strides,
// so reading it and scattering a gradient into it are the same walk in opposite directions.
import { formatValue } from "../format-value.js";
import { PrimError } from "../host.js";
import { SliceValue } from "../values.js";
import { asTensor, formatShape, fromData, sameShape, shapeOf, sizeOf, strideOffsets, stridesOf, type Numeric, type Shape } from "./shape.js";

export type Index = number | SliceValue;

interface Block {
  base: number;
  shape: number[];
  strides: number[];
}

/** Python's slice bounds: negative ones count from the end, and both are clamped to the axis. */
export function sliceRange(s: SliceValue, size: number): [number, number] {
  const bound = (v: number | null, missing: number): number => {
    if (v === null) return missing;
    if (!Number.isInteger(v)) throw new PrimError(`slice bounds must be whole numbers, got ${formatValue(v)}`);
    return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  };
  const lo = bound(s.lo, 0);
  return [lo, Math.max(lo, bound(s.hi, size))];
}

function position(i: number, axis: number, size: number): number {
  if (!Number.isInteger(i)) throw new PrimError(`index must be a whole number, got ${formatValue(i)}`);
  const k = i < 0 ? i + size : i;
  if (k < 0 || k >= size) throw new PrimError(`index ${i} is out of range for axis ${axis} of size ${size}`);
  return k;
}

function block(shape: Shape, indices: readonly Index[]): Block {
  if (shape.length === 0) throw new PrimError("cannot index a Num");
  if (indices.length > shape.length) {
    throw new PrimError(`too many indices: ${indices.length} for an array of shape ${formatShape(shape)}`);
  }
  const strides = stridesOf(shape);
  const b: Block = { base: 0, shape: [], strides: [] };
  shape.forEach((size, axis) => {
    const ix = indices[axis];
    if (typeof ix === "number") {
      b.base += position(ix, axis, size) * strides[axis];
      return;
    }
    const [lo, hi] = ix === undefined ? [0, size] : sliceRange(ix, size);
    b.base += lo * strides[axis];
    b.shape.push(hi - lo);
    b.strides.push(strides[axis]);
  });
  return b;
}

export function index(a: Numeric, indices: readonly Index[]): Numeric {
  const b = block(shapeOf(a), indices);
  const src = asTensor(a).data;
  const offsets = strideOffsets(b.shape, b.strides, b.base);
  const out = new Float64Array(offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = src[offsets[i]];
  return fromData(b.shape, out);
}

/**
 * The transpose of `index` for reverse-mode AD: zeros of `shape` with `g` added into the block
 * that `index(·, indices)` reads, so ⟨index(x), g⟩ = ⟨x, indexScatter(shape(x), indices, g)⟩.
 */
export function indexScatter(shape: Shape, indices: readonly Index[], g: Numeric): Numeric {
  const b = block(shape, indices);
  if (!sameShape(shapeOf(g), b.shape)) {
    throw new PrimError(`a gradient of shape ${formatShape(shapeOf(g))} does not fit the indexed block of shape ${formatShape(b.shape)}`);
  }
  const src = asTensor(g).data;
  const offsets = strideOffsets(b.shape, b.strides, b.base);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < offsets.length; i++) out[offsets[i]] += src[i];
  return fromData(shape, out);
}
