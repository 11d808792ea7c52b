// Tuples, records, indexing and the two control primitives. `switch` only chooses between two
// values; the lowering of `if` makes those values nullary branch graphs and calls the result, so
// that only the taken branch runs.
import { formatValue } from "../format-value.js";
import { definePrim, PrimError } from "../primitive.js";
import { index as indexArray, type Index } from "../tensor/indexing.js";
import { RecordValue, SliceValue, Tensor, aTypeName, typeName, UNIT, Unit, type Value } from "../values.js";
import { expectBool, expectNum, expectString, normalizeIndex } from "./check.js";

export const makeTuple = definePrim({ name: "make_tuple", args: [0, Infinity], effect: "none", impl: (args) => args.slice() });

/** Checks that `t` is a tuple of exactly `n` items before a `let (a, b, …) = t` takes it apart. */
export const destructure = definePrim({
  name: "destructure",
  args: 2,
  impl: ([t, n]) => {
    const want = expectNum("destructure", n!);
    if (!Array.isArray(t)) throw new PrimError(`cannot destructure ${aTypeName(t!)} into a ${want}-tuple pattern`);
    if (t.length !== want) throw new PrimError(`cannot destructure a ${t.length}-tuple into a ${want}-tuple pattern`);
    return t;
  },
});

export const tupleGet = definePrim({
  name: "tuple_get",
  args: 2,
  impl: ([t, i]) => {
    if (!Array.isArray(t)) throw new PrimError(`expected a Tuple, got ${typeName(t!)}`);
    return t[normalizeIndex("tuple_get", i!, t.length)]!;
  },
});

/** `make_record(("a", "b"), va, vb)`: the field names come first, as one constant tuple. */
export const makeRecord = definePrim({
  name: "make_record",
  args: [1, Infinity],
  effect: "none",
  impl: ([keys, ...values]) => new RecordValue((keys as readonly Value[]).map((k) => expectString("make_record", k)), values),
});

export const recordGet = definePrim({
  name: "record_get",
  args: 2,
  impl: ([r, key]) => {
    const name = expectString("record_get", key!);
    if (!(r instanceof RecordValue)) throw new PrimError(`cannot read field .${name} of ${aTypeName(r!)}`);
    const v = r.get(name);
    if (v === undefined) {
      const fields = r.keys.length === 0 ? "it has none" : `it has ${r.keys.join(", ")}`;
      throw new PrimError(`the record has no field '${name}' (${fields})`);
    }
    return v;
  },
});

export const makeSlice = definePrim({
  name: "make_slice",
  args: 2,
  effect: "none",
  impl: ([lo, hi]) => new SliceValue(lo instanceof Unit ? null : expectNum("slice", lo!), hi instanceof Unit ? null : expectNum("slice", hi!)),
});

export function sliceBounds(s: SliceValue, length: number): [number, number] {
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (!Number.isInteger(v)) throw new PrimError(`slice bounds must be whole numbers, got ${formatValue(v)}`);
    const k = v < 0 ? v + length : v;
    return Math.min(Math.max(k, 0), length);
  };
  const lo = clamp(s.lo, 0);
  return [lo, Math.max(lo, clamp(s.hi, length))];
}

/** `x[i]`, `x[i, j]`, `x[lo:hi]`, `a[:, j]` on tuples and arrays. */
export const index = definePrim({
  name: "index",
  args: [2, Infinity],
  impl: ([target, ...indices]) => {
    if (Array.isArray(target)) {
      if (indices.length !== 1) throw new PrimError(`a Tuple takes one index, got ${indices.length}`);
      const i = indices[0]!;
      if (i instanceof SliceValue) {
        const [lo, hi] = sliceBounds(i, target.length);
        return target.slice(lo, hi);
      }
      return target[normalizeIndex("index", i, target.length)]!;
    }
    if (target instanceof Tensor) return indexArray(target, indices.map(arrayIndex));
    throw new PrimError(`cannot index ${aTypeName(target!)}`);
  },
});

function arrayIndex(i: Value): Index {
  if (typeof i === "number" || i instanceof SliceValue) return i;
  throw new PrimError(`an array index is a Num or a slice, got ${typeName(i)}`);
}

export const len = definePrim({
  name: "len",
  args: 1,
  impl: ([x]) => {
    if (Array.isArray(x)) return x.length;
    if (x instanceof Tensor) {
      if (x.shape.length === 0) throw new PrimError("len of a 0-d Array");
      return x.shape[0]!;
    }
    throw new PrimError(`len expects a Tuple or Array, got ${typeName(x!)}`);
  },
});

export const switchPrim = definePrim({
  name: "switch",
  args: 3,
  impl: ([c, a, b]) => {
    if (typeof c !== "boolean") throw new PrimError(`a condition must be a Bool, got ${typeName(c!)}`);
    return c ? a! : b!;
  },
});

/** Whether a value is `()`: how the backward pass of a loop sees that its saved records are used up. */
export const isUnit = definePrim({ name: "is_unit", args: 1, effect: "none", impl: ([x]) => x instanceof Unit });

/**
 * `seq(e1, …, en, v)` is `v` once `e1 … en` have run: it keeps the statements of a block in source
 * order, since a graph otherwise orders only what its output depends on.
 */
export const seq = definePrim({ name: "seq", args: [1, Infinity], effect: "none", impl: (args) => args[args.length - 1]! });

export const assertPrim = definePrim({
  name: "assert",
  args: [1, 2],
  impl: ([c, msg]) => {
    if (expectBool("assert", c!)) return UNIT;
    throw new PrimError(msg === undefined ? "assertion failed" : `assertion failed: ${expectString("assert", msg)}`);
  },
});
