// What reverse mode computes with at run time, beyond the program's own values: the zero of a
// value of any structure, the sum of two sensitivities (of numbers, arrays, tuples, records and
// environments), sensitivities summed to the shape of their primal, and the conversions between a
// sensitivity and the gradient a user sees. The primitives of prims/sensitivity.ts and
// prims/updates.ts call these.
import { expectNum, normalizeIndex, sliceBounds } from "./check.js";
import { PrimError } from "./host.js";
import { broadcastsTo, broadcastTo, elementwise2, unbroadcast } from "./tensor/broadcast.js";
import { index as indexArray, indexScatter } from "./tensor/indexing.js";
import { formatShape, sameShape, shapeOf } from "./tensor/shape.js";
import { Closure, EnvValue, isPrimitive, isTuple, RecordValue, SliceValue, Tensor, aTypeName, typeName, UNIT, Unit, type Value } from "./values.js";

/** The additive zero with the structure of `v`; values that carry no derivative give `()`. */
export function zerosLike(v: Value): Value {
  if (typeof v === "number") return 0;
  if (isTuple(v)) return v.map(zerosLike);
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map(zerosLike));
  if (v instanceof Tensor) return new Tensor(v.shape, new Float64Array(v.data.length));
  if (v instanceof Closure || isPrimitive(v) || v instanceof EnvValue) return EnvValue.empty;
  return UNIT;
}

/**
 * The sum of two numbers as sensitivities: +0 is the zero a sensitivity starts from, so adding it
 * gives the other operand back, −0 included (IEEE-754 gives −0 + +0 = +0). Then dropping the
 * addition of a zero, as the optimizer does, changes no sign, and the zeros of a gradient are
 * those of JAX, whose zero sensitivities are symbolic and never added.
 */
export const sensSum = (x: number, y: number): number => (x === 0 && y === 0 ? (Object.is(x, 0) ? y : x) : x + y);

/** The sum of two sensitivities of the same value. */
export function addSens(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") return sensSum(a, b);
  if (a instanceof Unit) return b;
  if (b instanceof Unit) return a;
  if (isTuple(a) && isTuple(b) && a.length === b.length) return a.map((x, i) => addSens(x, b[i]!));
  if (a instanceof RecordValue && b instanceof RecordValue && a.keys.length === b.keys.length) {
    return new RecordValue(a.keys, a.values.map((x, i) => addSens(x, b.get(a.keys[i]!) ?? 0)));
  }
  if (a instanceof EnvValue && b instanceof EnvValue) {
    if (a.entries.size === 0) return b;
    if (b.entries.size === 0) return a;
    const merged = new Map(a.entries);
    for (const [k, v] of b.entries) merged.set(k, merged.has(k) ? addSens(merged.get(k)!, v) : v);
    return new EnvValue(merged);
  }
  if ((a instanceof Tensor || typeof a === "number") && (b instanceof Tensor || typeof b === "number")) return addNumeric(a, b);
  throw new PrimError(`internal: cannot add sensitivities of types ${typeName(a)} and ${typeName(b)}`);
}

/**
 * Sensitivities of arrays may still carry axes an operation broadcast them over (see
 * numericSensitivity), and two of one value may carry different ones: both are first summed
 * down to the largest shape they both broadcast from, which the value's own shape broadcasts to,
 * so that nothing is counted twice.
 */
export function addNumeric(a: number | Tensor, b: number | Tensor, op: (x: number, y: number) => number = sensSum): Value {
  const [sa, sb] = [shapeOf(a), shapeOf(b)];
  if (sameShape(sa, sb)) return elementwise2(a, b, op);
  const common = meet(sa, sb);
  return elementwise2(unbroadcast(a, common), unbroadcast(b, common), op);
}


/** The largest shape both broadcast from: trailing axes they share, 1 where their sizes differ. */
function meet(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i]!;
    out.push(x === b[b.length - n + i]! ? x : 1);
  }
  return out;
}

/**
 * A sensitivity of a Num or an Array, summed down to the primal's shape. Elementwise rules let a
 * sensitivity keep the shape the operation broadcast its argument to — exact, since summing over
 * those axes commutes with the elementwise steps after — and the sum happens where a shape must
 * be exact: at an array rule that needs it, and where the user gets the gradient. Scalar code
 * thus pays nothing for broadcasting.
 */
export function numericSensitivity(sens: Value, primal: number | Tensor): Value {
  if (typeof sens === "number" && typeof primal === "number") return sens;
  // `()` is the zero of what has no derivative; a structure here would be a bug that zeros would hide.
  if (sens instanceof Unit) return zerosLike(primal);
  if (typeof sens !== "number" && !(sens instanceof Tensor)) throw new PrimError(`internal: ${aTypeName(sens)} as the sensitivity of ${aTypeName(primal)}`);
  const shape = typeof primal === "number" ? [] : primal.shape;
  return sameShape(shapeOf(sens), shape) ? sens : broadcastsTo(shape, shapeOf(sens)) ? unbroadcast(sens, shape) : broadcastTo(sens, shape);
}


/** Why `s` cannot be a cotangent of `y` (vjp's backpropagator needs one shaped like the value), or null. */
export function cotangentMismatch(s: Value, y: Value, at: string): string | null {
  const where = at === "" ? "" : ` at ${at}`;
  const describe = (v: Value): string => (v instanceof Tensor ? `an Array of shape ${formatShape(v.shape)}` : isTuple(v) ? `a ${v.length}-tuple` : aTypeName(v));
  if (typeof y === "number" || y instanceof Tensor) {
    const fits = y instanceof Tensor ? s instanceof Tensor && sameShape(s.shape, y.shape) : typeof s === "number";
    return fits ? null : `expected ${describe(y)}${where}, got ${describe(s)}`;
  }
  if (isTuple(y)) {
    if (!isTuple(s) || s.length !== y.length) return `expected ${describe(y)}${where}, got ${describe(s)}`;
    for (let i = 0; i < y.length; i++) {
      const m = cotangentMismatch(s[i]!, y[i]!, `${at}[${i}]`);
      if (m !== null) return m;
    }
    return null;
  }
  if (y instanceof RecordValue) {
    if (!(s instanceof RecordValue) || s.keys.length !== y.keys.length || y.keys.some((k) => s.get(k) === undefined)) {
      return `expected a Record with fields ${y.keys.join(", ")}${where}, got ${s instanceof RecordValue ? `one with fields ${s.keys.join(", ")}` : describe(s)}`;
    }
    for (const k of y.keys) {
      const m = cotangentMismatch(s.get(k)!, y.get(k)!, `${at}.${k}`);
      if (m !== null) return m;
    }
  }
  // Values without a derivative (Bool, String, (), functions) take any cotangent; it is not used.
  return null;
}


/** A sensitivity as the user sees it: shaped like the argument, `()` where there is no derivative. */
export function userGradient(sens: Value, primal: Value): Value {
  if (typeof primal === "number" || primal instanceof Tensor) return numericSensitivity(sens, primal);
  if (isTuple(primal) && isTuple(sens)) return primal.map((p, i) => userGradient(sens[i]!, p));
  if (primal instanceof RecordValue && sens instanceof RecordValue) {
    return new RecordValue(primal.keys, primal.values.map((p, i) => userGradient(sens.values[i]!, p)));
  }
  return UNIT;
}


/** The inverse of user_gradient: a user-shaped sensitivity back in the shape of `sens`. */
export function fromUserGradient(d: Value, sens: Value): Value {
  if (d instanceof Unit) return zerosLike(sens);
  if (isTuple(d) && isTuple(sens)) return d.map((x, i) => fromUserGradient(x, sens[i]!));
  if (d instanceof RecordValue && sens instanceof RecordValue) return new RecordValue(d.keys, d.values.map((x, i) => fromUserGradient(x, sens.values[i]!)));
  return d;
}

/**
 * `t` with `d` added at the indexed place (whole numbers or slices; one for a tuple, one per axis
 * at most for an array): the sensitivity of indexing, scattered back.
 */
export function addAt(t: Value, indices: readonly Value[], d: Value): Value {
  if (t instanceof Tensor) {
    const at = indices.map((i) => (i instanceof SliceValue ? i : expectNum("index_add", i)));
    const region = indexArray(t, at);
    const scattered = indexScatter(t.shape, at, numericSensitivity(d, typeof region === "number" ? 0 : region) as number | Tensor);
    return addSens(t, scattered);
  }
  if (!isTuple(t) || indices.length !== 1) throw new PrimError(`internal: index_add into ${aTypeName(t)}`);
  const i = indices[0]!;
  const out = t.slice();
  if (i instanceof SliceValue) {
    const [lo, hi] = sliceBounds(i, t.length);
    if (!isTuple(d) || d.length !== hi - lo) throw new PrimError("internal: the sensitivity of a slice has the wrong length");
    for (let k = lo; k < hi; k++) out[k] = addSens(out[k]!, d[k - lo]!);
  } else {
    const k = normalizeIndex("index_add", i, t.length);
    out[k] = addSens(out[k]!, d);
  }
  return out;
}
