// The primitives reverse-mode graphs are built from, beyond the program's own: zeros and sums of
// sensitivities of any structure, environments (the sensitivities of closures), and functional
// updates of tuples and records that scatter a sensitivity back into one place.
import { definePrim, PrimError } from "../primitive.js";
import { Closure, EnvKey, EnvValue, isPrimitive, isTuple, RecordValue, SliceValue, Tensor, aTypeName, typeName, UNIT, Unit, type Value } from "../values.js";
import { sliceBounds } from "./structural.js";
import { expectNum, expectString, normalizeIndex } from "./check.js";
import { broadcastsTo, broadcastTo, elementwise2, unbroadcast } from "../tensor/broadcast.js";
import { index as indexArray, indexScatter } from "../tensor/indexing.js";
import { formatShape, sameShape, shapeOf } from "../tensor/shape.js";

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
function addNumeric(a: number | Tensor, b: number | Tensor, op: (x: number, y: number) => number = sensSum): Value {
  const [sa, sb] = [shapeOf(a), shapeOf(b)];
  if (sameShape(sa, sb)) return elementwise2(a, b, op);
  const common = meet(sa, sb);
  return elementwise2(unbroadcast(a, common), unbroadcast(b, common), op);
}

/**
 * `sub_sens(a, b)`: add_sens(a, −b), summed down like add_sens. The optimizer writes it for
 * `add_sens(a, neg(b))`, which `sub` would not be for arrays, nor for zeros.
 */
export const subSens = definePrim({
  name: "sub_sens",
  args: 2,
  impl: ([a, b]) => {
    if (typeof a === "number" && typeof b === "number") return sensSum(a, -b);
    if ((a instanceof Tensor || typeof a === "number") && (b instanceof Tensor || typeof b === "number")) return addNumeric(a, b, (x, y) => sensSum(x, -y));
    throw new PrimError(`internal: cannot subtract sensitivities of types ${typeName(a!)} and ${typeName(b!)}`);
  },
});

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

/** `sens_like(d, y)`: d summed (or spread) to y's shape, where a rule needs it exact. */
export const sensLike = definePrim({
  name: "sens_like",
  args: 2,
  // Sensitivities of other values (tuples, environments) carry no broadcast axes: d as it is.
  impl: ([d, y]) => (typeof y === "number" || y instanceof Tensor ? numericSensitivity(d!, y) : d!),
});

export const zerosLikePrim = definePrim({ name: "zeros_like", args: 1, effect: "none", impl: ([v]) => zerosLike(v!) });
export const addSensPrim = definePrim({ name: "add_sens", args: 2, impl: ([a, b]) => addSens(a!, b!) });

function expectEnv(v: Value): EnvValue {
  if (v instanceof EnvValue) return v;
  throw new PrimError(`internal: expected an environment, got ${typeName(v)}`);
}

function expectKey(v: Value): EnvKey {
  if (v instanceof EnvKey) return v;
  throw new PrimError(`internal: expected an environment key, got ${typeName(v)}`);
}

/** `env_set(env, key, sens)`: a new environment; sensitivities of one key add up. */
export const envSet = definePrim({
  name: "env_set",
  args: 3,
  impl: ([env, key, sens]) => {
    const e = expectEnv(env!);
    const k = expectKey(key!).node;
    const merged = new Map(e.entries);
    merged.set(k, merged.has(k) ? addSens(merged.get(k)!, sens!) : sens!);
    return new EnvValue(merged);
  },
});

/** `env_get(env, key, zero)`: the sensitivity of one free variable, `zero` if the closure did not add one. */
export const envGet = definePrim({
  name: "env_get",
  args: 3,
  impl: ([env, key, zero]) => expectEnv(env!).entries.get(expectKey(key!).node) ?? zero!,
});

/** `tuple_set(t, i, v)`: `t` with item `i` replaced. */
export const tupleSet = definePrim({
  name: "tuple_set",
  args: 3,
  impl: ([t, i, v]) => {
    if (!isTuple(t!)) throw new PrimError(`internal: tuple_set of ${aTypeName(t!)}`);
    const out = t.slice();
    out[normalizeIndex("tuple_set", i!, t.length)] = v!;
    return out;
  },
});

/** `r` with its k-th field replaced by `v`. */
function withField(r: RecordValue, k: number, v: Value): RecordValue {
  return new RecordValue(r.keys, r.values.map((x, j) => (j === k ? v : x)));
}

/** `record_set(r, name, v)`: `r` with one field replaced. */
export const recordSet = definePrim({
  name: "record_set",
  args: 3,
  impl: ([r, key, v]) => {
    if (!(r instanceof RecordValue)) throw new PrimError(`internal: record_set of ${aTypeName(r!)}`);
    const name = expectString("record_set", key!);
    return withField(r, r.keys.indexOf(name), v!);
  },
});

/**
 * `record_add(x, y, name, v)` is `add_sens(x, record_set(zeros_like(y), name, v))`: a
 * sensitivity of the record y with v added to one field, without making a record of zeros and
 * adding it whole. The optimizer writes it for that sum, which reverse mode makes for each field
 * read (a model's parameters in a record, read in a loop, make one per field per iteration).
 */
export const recordAdd = definePrim({
  name: "record_add",
  args: 4,
  impl: ([x, y, key, v]) => {
    const name = expectString("record_add", key!);
    if (x instanceof RecordValue && y instanceof RecordValue && x.keys.length === y.keys.length) {
      const i = x.keys.indexOf(name);
      if (i >= 0) return withField(x, i, addSens(x.values[i]!, v!));
    }
    const zero = zerosLike(y!);
    if (!(zero instanceof RecordValue)) throw new PrimError(`internal: record_add into ${aTypeName(y!)}`);
    return addSens(x!, withField(zero, zero.keys.indexOf(name), v!));
  },
});

/** `tuple_add(x, y, i, v)` is `add_sens(x, tuple_set(zeros_like(y), i, v))`, as record_add is for records. */
export const tupleAdd = definePrim({
  name: "tuple_add",
  args: 4,
  impl: ([x, y, i, v]) => {
    if (!isTuple(y!)) throw new PrimError(`internal: tuple_add into ${aTypeName(y!)}`);
    const k = normalizeIndex("tuple_add", i!, y.length);
    if (isTuple(x!) && x.length === y.length) return x.map((u, j) => (j === k ? addSens(u, v!) : u));
    const zero = y.map((u, j) => (j === k ? v! : zerosLike(u)));
    return addSens(x!, zero);
  },
});

/** `record_at(r, i)`: the value of the i-th field, for the derivative of a record literal. */
export const recordAt = definePrim({
  name: "record_at",
  args: 2,
  impl: ([r, i]) => {
    if (!(r instanceof RecordValue)) throw new PrimError(`internal: record_at of ${aTypeName(r!)}`);
    return r.values[expectNum("record_at", i!)]!;
  },
});

/** `record_set_at(r, i, v)`: `r` with its i-th field replaced: the transpose of record_at. */
export const recordSetAt = definePrim({
  name: "record_set_at",
  args: 3,
  impl: ([r, i, v]) => {
    if (!(r instanceof RecordValue)) throw new PrimError(`internal: record_set_at of ${aTypeName(r!)}`);
    return withField(r, expectNum("record_set_at", i!), v!);
  },
});

/** The value of `x`, with derivative zero (SPEC §4). */
export const stopGradient = definePrim({ name: "stop_gradient", args: 1, effect: "none", impl: ([x]) => x! });

/** Why `s` cannot be a cotangent of `y` (vjp's backpropagator needs one shaped like the value), or null. */
function cotangentMismatch(s: Value, y: Value, at: string): string | null {
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

/** `expect_cotangent(s, y)`: `s`, which vjp's backpropagator needs shaped like the value `y`. */
export const expectCotangent = definePrim({
  name: "expect_cotangent",
  args: 2,
  impl: ([s, y]) => {
    const m = cotangentMismatch(s!, y!, "");
    if (m !== null) throw new PrimError(`vjp: the cotangent must have the structure and shape of the value: ${m}`);
    return s!;
  },
});

/** `expect_num(y, label)`: `y`, which `grad` needs to be a Num. */
export const expectNumOutput = definePrim({
  name: "expect_num",
  args: 2,
  impl: ([y, label]) => {
    if (typeof y === "number") return y;
    throw new PrimError(
      `${expectString("expect_num", label!)} needs a function that returns a Num, but it returned ${aTypeName(y!)}; use vjp (or jacobian) for other results`,
    );
  },
});

/** A sensitivity as the user sees it: shaped like the argument, `()` where there is no derivative. */
export function userGradient(sens: Value, primal: Value): Value {
  if (typeof primal === "number" || primal instanceof Tensor) return numericSensitivity(sens, primal);
  if (isTuple(primal) && isTuple(sens)) return primal.map((p, i) => userGradient(sens[i]!, p));
  if (primal instanceof RecordValue && sens instanceof RecordValue) {
    return new RecordValue(primal.keys, primal.values.map((p, i) => userGradient(sens.values[i]!, p)));
  }
  return UNIT;
}

/** `user_gradient(sens, primal)`. */
export const userGradientPrim = definePrim({ name: "user_gradient", args: 2, impl: ([s, p]) => userGradient(s!, p!) });

/** The inverse of user_gradient: a user-shaped sensitivity back in the shape of `sens`. */
export function fromUserGradient(d: Value, sens: Value): Value {
  if (d instanceof Unit) return zerosLike(sens);
  if (isTuple(d) && isTuple(sens)) return d.map((x, i) => fromUserGradient(x, sens[i]!));
  if (d instanceof RecordValue && sens instanceof RecordValue) return new RecordValue(d.keys, d.values.map((x, i) => fromUserGradient(x, sens.values[i]!)));
  return d;
}

export const fromUserGradientPrim = definePrim({ name: "from_user_gradient", args: 2, impl: ([d, s]) => fromUserGradient(d!, s!) });

/**
 * `index_add(t, i…, d)`: `t` with `d` added at the indexed place (whole numbers or slices; one
 * for a tuple, one per axis at most for an array): the sensitivity of indexing scattered back.
 */
export const indexAdd = definePrim({
  name: "index_add",
  args: [3, Infinity],
  impl: (args) => {
    const t = args[0]!;
    const d = args[args.length - 1]!;
    const indices = args.slice(1, -1);
    if (t instanceof Tensor) return indexAddArray(t, indices, d);
    if (!isTuple(t) || indices.length !== 1) throw new PrimError(`internal: index_add into ${aTypeName(t)}`);
    const i = indices[0]!;
    const out = t.slice();
    if (i instanceof SliceValue) {
      const [lo, hi] = sliceBounds(i, t.length);
      if (!isTuple(d!) || d.length !== hi - lo) throw new PrimError("internal: the sensitivity of a slice has the wrong length");
      for (let k = lo; k < hi; k++) out[k] = addSens(out[k]!, d[k - lo]!);
    } else {
      const k = normalizeIndex("index_add", i, t.length);
      out[k] = addSens(out[k]!, d);
    }
    return out;
  },
});

function indexAddArray(t: Tensor, indices: readonly Value[], d: Value): Value {
  const at = indices.map((i) => (i instanceof SliceValue ? i : expectNum("index_add", i)));
  const region = indexArray(t, at);
  const scattered = indexScatter(t.shape, at, numericSensitivity(d, typeof region === "number" ? 0 : region) as number | Tensor);
  return addSens(t, scattered);
}
