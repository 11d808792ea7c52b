// Reductions over one axis or over everything (SPEC §4), plus the pieces reverse-mode AD needs
// to send a reduced gradient back. Reducing axis k views the array as (outer, n, inner) and
// walks it in memory order, so every pass reads the data front to back.
import { PrimError } from "../host.js";
import { Tensor } from "../values.js";
import { broadcastTo } from "./broadcast.js";
import { asTensor, formatShape, fromData, normalizeAxis, shapeOf, sizeOf, type Numeric, type Shape } from "./shape.js";

interface AxisLayout {
  outer: number;
  n: number;
  inner: number;
  /** The shape after reduction: `shape` without the reduced axis, or [] when reducing all. */
  reduced: number[];
}

function layout(shape: Shape, axis: number | undefined): AxisLayout {
  if (axis === undefined) return { outer: 1, n: sizeOf(shape), inner: 1, reduced: [] };
  const k = normalizeAxis(axis, shape.length);
  return { outer: sizeOf(shape.slice(0, k)), n: shape[k], inner: sizeOf(shape.slice(k + 1)), reduced: shape.filter((_, i) => i !== k) };
}

function fold(data: Float64Array, { outer, n, inner }: AxisLayout, init: number, step: (acc: number, x: number) => number): Float64Array {
  const out = new Float64Array(outer * inner).fill(init);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let j = 0; j < n; j++) {
      const row = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = step(out[base + i], data[row + i]);
    }
  }
  return out;
}

const add = (acc: number, x: number): number => acc + x;
// `x !== x` lets a NaN win and then stick (no comparison with NaN is true), as NumPy's max does.
const larger = (m: number, x: number): number => (x > m || x !== x ? x : m);
const smaller = (m: number, x: number): number => (x < m || x !== x ? x : m);

export function sum(a: Numeric, axis?: number): Numeric {
  const t = asTensor(a);
  const l = layout(t.shape, axis);
  return fromData(l.reduced, fold(t.data, l, 0, add));
}

export function mean(a: Numeric, axis?: number): Numeric {
  const t = asTensor(a);
  const l = layout(t.shape, axis);
  const out = fold(t.data, l, 0, add);
  for (let i = 0; i < out.length; i++) out[i] /= l.n;
  return fromData(l.reduced, out);
}

function extreme(name: string, a: Numeric, axis: number | undefined, init: number, step: (m: number, x: number) => number): Numeric {
  const t = asTensor(a);
  const l = layout(t.shape, axis);
  if (l.n === 0) throw new PrimError(`${name} of an empty slice: the array has shape ${formatShape(t.shape)}`);
  return fromData(l.reduced, fold(t.data, l, init, step));
}

export function max(a: Numeric, axis?: number): Numeric {
  return extreme("max", a, axis, -Infinity, larger);
}

export function min(a: Numeric, axis?: number): Numeric {
  return extreme("min", a, axis, Infinity, smaller);
}

/**
 * Per slice, the max to subtract before `exp` so that nothing overflows. An infinite max is
 * replaced by 0: subtracting it would turn `inf - inf` into NaN, while the unshifted sum already
 * gives the right inf or -inf.
 */
function shifts(data: Float64Array, l: AxisLayout): Float64Array {
  const m = fold(data, l, -Infinity, larger);
  for (let i = 0; i < m.length; i++) if (m[i] === Infinity || m[i] === -Infinity) m[i] = 0;
  return m;
}

export function logsumexp(a: Numeric, axis?: number): Numeric {
  const t = asTensor(a);
  const l = layout(t.shape, axis);
  const { outer, n, inner } = l;
  const m = shifts(t.data, l);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let j = 0; j < n; j++) {
      const row = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[base + i] += Math.exp(t.data[row + i] - m[base + i]);
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = m[i] + Math.log(out[i]);
  return fromData(l.reduced, out);
}

export function softmax(a: Numeric, axis: number): Tensor {
  const t = asTensor(a);
  const l = layout(t.shape, axis);
  const { outer, n, inner } = l;
  const m = shifts(t.data, l);
  const out = new Float64Array(t.data.length);
  const total = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let j = 0; j < n; j++) {
      const row = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) {
        const e = Math.exp(t.data[row + i] - m[base + i]);
        out[row + i] = e;
        total[base + i] += e;
      }
    }
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const row = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[row + i] /= total[o * inner + i];
    }
  }
  return new Tensor(t.shape, out);
}

/**
 * The gradient route of `max`/`min`: the elements of each reduced slice that equal `result`
 * share it evenly (1/k each for k ties, as JAX does, and as `maximum` splits a tie), 0 elsewhere;
 * each slice's weights sum to 1.
 */
export function argExtremeMask(a: Numeric, result: Numeric, axis?: number): Numeric {
  const t = asTensor(a);
  const { outer, n, inner } = layout(t.shape, axis);
  const r = asTensor(result).data;
  const out = new Float64Array(t.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const target = r[o * inner + i]!;
      const hit = (x: number): boolean => x === target || (x !== x && target !== target);
      let ties = 0;
      for (let j = 0; j < n; j++) if (hit(t.data[(o * n + j) * inner + i]!)) ties++;
      for (let j = 0; j < n; j++) {
        const p = (o * n + j) * inner + i;
        if (hit(t.data[p]!)) out[p] = 1 / ties;
      }
    }
  }
  return fromData(t.shape, out);
}

/**
 * Sends the gradient of a reduction back to the input's `shape`: every element of a reduced
 * slice receives that slice's gradient (callers scale it for `mean` or mask it for `max`).
 */
export function expandReduced(g: Numeric, shape: Shape, axis?: number): Numeric {
  if (axis === undefined) return broadcastTo(g, shape);
  const k = normalizeAxis(axis, shape.length);
  const kept = [...shapeOf(g)];
  kept.splice(k, 0, 1);
  return broadcastTo(fromData(kept, asTensor(g).data), shape);
}
