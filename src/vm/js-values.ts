// Values across the library boundary (SPEC §7): number ↔ Num, boolean ↔ Bool, string ↔ String,
// Tensor ↔ Array, JS array ↔ Tuple, plain object ↔ Record, function ↔ Function. A JS array made
// only of numbers (or of such arrays, rectangular, with Float64Arrays allowed as the rows)
// becomes an Array, as NumPy and JAX users expect of `[1, 2, 3]`; `tuple(…)` forces a Tuple.
import { PrimError } from "../runtime/host.js";
import { formatShape, sizeOf } from "../runtime/tensor/shape.js";
import { Closure, isPrimitive, isTuple, RecordValue, SliceValue, Tensor, Unit, UNIT, type Value } from "../runtime/values.js";

/** A JS value that crosses into Myx as a Tuple whatever its items are. */
export class TupleInput {
  constructor(readonly items: readonly unknown[]) {}
}

export function tuple(...items: unknown[]): TupleInput {
  return new TupleInput(items);
}

export function toMyx(x: unknown, where = "argument"): Value {
  switch (typeof x) {
    case "number":
    case "boolean":
    case "string":
      return x;
    case "undefined":
      return UNIT;
  }
  if (x === null) return UNIT;
  if (x instanceof Tensor) return checkedTensor(x);
  if (x instanceof Float64Array) return new Tensor([x.length], Float64Array.from(x));
  if (x instanceof TupleInput) return x.items.map((v) => toMyx(v, where));
  if (Array.isArray(x)) {
    const t = numericArray(x);
    return t ?? x.map((v) => toMyx(v, where));
  }
  if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    const entries = Object.entries(x as Record<string, unknown>);
    return new RecordValue(
      entries.map(([k]) => k),
      entries.map(([, v]) => toMyx(v, where)),
    );
  }
  throw new PrimError(`cannot pass a JavaScript ${typeof x === "function" ? "function" : (x as object).constructor?.name ?? typeof x} as a Myx ${where}`);
}

/**
 * The arguments of a call from JavaScript, converted in place: `args` is the call's own rest
 * array, which nothing else holds, and Nums, the usual arguments, need no new array.
 */
export function toMyxArgs(args: unknown[]): Value[] {
  for (let i = 0; i < args.length; i++) args[i] = toMyx(args[i]);
  return args as Value[];
}

/**
 * A Tensor built in JavaScript is trusted to be immutable from now on, as Myx values are, but
 * not to be consistent: kernels index its data by its shape without checking.
 */
function checkedTensor(t: Tensor): Tensor {
  if (!(t.data instanceof Float64Array) || !t.shape.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(t.shape) !== t.data.length) {
    const size = t.data instanceof Float64Array ? `${t.data.length} elements` : "no Float64Array";
    throw new PrimError(`a Tensor of shape ${formatShape(t.shape)} needs ${sizeOf(t.shape)} elements of data, it has ${size}`);
  }
  return t;
}

/** A rectangular nest of JS arrays of numbers (or of Float64Array rows), as one Tensor; null if `x` is anything else. */
function numericArray(x: unknown[]): Tensor | null {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const rows = probe instanceof Float64Array;
  if (probe instanceof Float64Array) shape.push(probe.length);
  else if (typeof probe !== "number" && shape[shape.length - 1] !== 0) return null;
  const data = new Float64Array(sizeOf(shape));
  let k = 0;
  const fill = (v: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof v !== "number") return false;
      data[k++] = v;
      return true;
    }
    if (rows && depth === shape.length - 1) {
      if (!(v instanceof Float64Array) || v.length !== shape[depth]) return false;
      data.set(v, k);
      k += v.length;
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) return false;
    return v.every((item) => fill(item, depth + 1));
  };
  return fill(x, 0) ? new Tensor(shape, data) : null;
}

/** Converts a Myx result for JavaScript; `callFunction` turns Myx functions into JS functions. */
export function toJs(v: Value, callFunction: (fn: Value, args: unknown[]) => unknown): unknown {
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  if (v instanceof Unit) return undefined;
  // Results cross on every call from JS: a copy of the tuple, in which only items that are
  // objects are converted; Nums, Bools and Strings are already what JavaScript gets.
  if (isTuple(v)) {
    const out: unknown[] = v.slice();
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (typeof x === "object") out[i] = toJs(x, callFunction);
    }
    return out;
  }
  if (v instanceof RecordValue) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < v.keys.length; i++) out[v.keys[i]!] = toJs(v.values[i]!, callFunction);
    return out;
  }
  if (v instanceof Tensor) return v;
  if (v instanceof SliceValue) return v;
  if (v instanceof Closure || isPrimitive(v)) return (...args: unknown[]) => callFunction(v, args);
  return v;
}
