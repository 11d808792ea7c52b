// Arrays made from a shape or from other arrays (SPEC §4). Shapes arrive already checked by
// `shapeArg`; a 0-d shape gives a Num.
import { formatValue } from "../format-value.js";
import { PrimError } from "../host.js";
import { Tensor } from "../values.js";
import { asTensor, formatShape, fromData, normalizeAxis, sameShape, shapeOf, sizeOf, type Numeric, type Shape } from "./shape.js";

export function full(shape: Shape, v: number): Numeric {
  return fromData(shape, new Float64Array(sizeOf(shape)).fill(v));
}

export function zeros(shape: Shape): Numeric {
  return full(shape, 0);
}

export function ones(shape: Shape): Numeric {
  return full(shape, 1);
}

/** `[0, 1, …]` below `n`; like NumPy, a fractional `n` rounds the count up and n ≤ 0 is empty. */
export function arange(n: number): Tensor {
  if (!Number.isFinite(n)) throw new PrimError(`arange needs a finite Num, got ${formatValue(n)}`);
  const out = new Float64Array(Math.max(0, Math.ceil(n)));
  for (let i = 0; i < out.length; i++) out[i] = i;
  return new Tensor([out.length], out);
}

/** `n` evenly spaced points from `a` to `b`, both included; computed as NumPy does, with b exact. */
export function linspace(a: number, b: number, n: number): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new PrimError(`linspace needs a whole number of points ≥ 0, got ${formatValue(n)}`);
  const out = new Float64Array(n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  if (n > 1) out[n - 1] = b;
  return new Tensor([n], out);
}

/** Joins arrays along an existing axis; they must agree on every other axis. */
export function concat(items: readonly Numeric[], axis = 0): Tensor {
  if (items.length === 0) throw new PrimError("concat needs at least one array");
  const first = shapeOf(items[0]);
  if (first.length === 0) throw new PrimError("concat needs arrays, item 0 is a Num");
  const k = normalizeAxis(axis, first.length);
  const others = (s: Shape): Shape => s.filter((_, i) => i !== k);
  let total = 0;
  items.forEach((item, i) => {
    const s = shapeOf(item);
    if (s.length === 0) throw new PrimError(`concat needs arrays, item ${i} is a Num`);
    if (s.length !== first.length || !sameShape(others(s), others(first))) {
      throw new PrimError(`concat along axis ${k}: shapes ${formatShape(first)} and ${formatShape(s)} differ on another axis`);
    }
    total += s[k];
  });
  const shape = [...first];
  shape[k] = total;
  const outer = sizeOf(first.slice(0, k));
  const inner = sizeOf(first.slice(k + 1));
  const rowLength = total * inner;
  const out = new Float64Array(sizeOf(shape));
  let start = 0;
  for (const item of items) {
    const data = asTensor(item).data;
    const chunk = shapeOf(item)[k] * inner;
    for (let o = 0; o < outer; o++) out.set(data.subarray(o * chunk, (o + 1) * chunk), o * rowLength + start);
    start += chunk;
  }
  return new Tensor(shape, out);
}

/** Puts arrays of one shape (or Nums) side by side along a new first axis. */
export function stack(items: readonly Numeric[]): Tensor {
  if (items.length === 0) throw new PrimError("stack needs at least one array");
  const inner = shapeOf(items[0]);
  const size = sizeOf(inner);
  const out = new Float64Array(size * items.length);
  items.forEach((item, i) => {
    const s = shapeOf(item);
    if (!sameShape(s, inner)) throw new PrimError(`stack: item ${i} has shape ${formatShape(s)}, item 0 has shape ${formatShape(inner)}`);
    out.set(asTensor(item).data, i * size);
  });
  return new Tensor([items.length, ...inner], out);
}
