// Tuples, records, indexing and the two control primitives, with their derivatives: the
// sensitivity of a container is a container of sensitivities, built and taken apart by the
// functional updates of updates.ts. `switch` only chooses between two values; the lowering of
// `if` makes those values nullary branch graphs and calls the result, so that only the taken
// branch runs.
import { expectBool, expectNum, expectString, normalizeIndex, sliceBounds } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import { index as indexArray, type Index } from "../runtime/tensor/indexing.js";
import { RecordValue, SliceValue, Tensor, aTypeName, typeName, UNIT, Unit, type Value } from "../runtime/values.js";
import { constantResult, definePrim } from "./primitive.js";

export const makeTuple = definePrim({
  name: "make_tuple",
  args: [0, Infinity],
  effect: "none",
  impl: (args) => args.slice(),
  vjp: (b, x, _, d) => x.map((__, i) => b.tuple_get(d, i)),
  jvp: (b, _, __, dx) => b.make_tuple(...dx),
});

/** Checks that `t` is a tuple of exactly `n` items before a `let (a, b, …) = t` takes it apart. */
export const destructure = definePrim({
  name: "destructure",
  args: 2,
  impl: ([t, n]) => {
    const want = expectNum("destructure", n);
    if (!Array.isArray(t)) throw new PrimError(`cannot destructure ${aTypeName(t)} into a ${want}-tuple pattern`);
    if (t.length !== want) throw new PrimError(`cannot destructure a ${t.length}-tuple into a ${want}-tuple pattern`);
    return t;
  },
  vjp: (_, __, ___, d) => [d],
  jvp: (_, __, ___, [dt]) => dt,
});

export const tupleGet = definePrim({
  name: "tuple_get",
  args: 2,
  impl: ([t, i]) => {
    if (!Array.isArray(t)) throw new PrimError(`expected a Tuple, got ${typeName(t)}`);
    return t[normalizeIndex("tuple_get", i, t.length)];
  },
  vjp: (b, [t, i], _, d) => [b.tuple_set(b.zeros_like(t), i, d)],
  jvp: (b, [, i], _, [dt]) => b.tuple_get(dt, i),
});

/** `make_record(("a", "b"), va, vb)`: the field names come first, as one constant tuple. */
export const makeRecord = definePrim({
  name: "make_record",
  args: [1, Infinity],
  effect: "none",
  impl: ([keys, ...values]) => new RecordValue((keys as readonly Value[]).map((k) => expectString("make_record", k)), values),
  vjp: (b, [, ...values], _, d) => [null, ...values.map((__, i) => b.record_at(d, i))],
  jvp: (b, [keys], _, [, ...dvalues]) => b.make_record(keys, ...dvalues),
});

export const recordGet = definePrim({
  name: "record_get",
  args: 2,
  impl: ([r, key]) => {
    const name = expectString("record_get", key);
    if (!(r instanceof RecordValue)) throw new PrimError(`cannot read field .${name} of ${aTypeName(r)}`);
    const v = r.get(name);
    if (v === undefined) {
      const fields = r.keys.length === 0 ? "it has none" : `it has ${r.keys.join(", ")}`;
      throw new PrimError(`the record has no field '${name}' (${fields})`);
    }
    return v;
  },
  vjp: (b, [r, key], _, d) => [b.record_set(b.zeros_like(r), key, d)],
  jvp: (b, [, key], _, [dr]) => b.record_get(dr, key),
});

export const makeSlice = definePrim({
  name: "make_slice",
  args: 2,
  effect: "none",
  impl: ([lo, hi]) => new SliceValue(lo instanceof Unit ? null : expectNum("slice", lo), hi instanceof Unit ? null : expectNum("slice", hi)),
  ...constantResult,
});

/** `x[i]`, `x[i, j]`, `x[lo:hi]`, `a[:, j]` on tuples and arrays. */
export const index = definePrim({
  name: "index",
  args: [2, Infinity],
  impl: ([target, ...indices]) => {
    if (Array.isArray(target)) {
      if (indices.length !== 1) throw new PrimError(`a Tuple takes one index, got ${indices.length}`);
      const i = indices[0];
      if (i instanceof SliceValue) {
        const [lo, hi] = sliceBounds(i, target.length);
        return target.slice(lo, hi);
      }
      return target[normalizeIndex("index", i, target.length)];
    }
    if (target instanceof Tensor) return indexArray(target, indices.map(arrayIndex));
    throw new PrimError(`cannot index ${aTypeName(target)}`);
  },
  vjp: (b, [t, ...indices], _, d) => [b.index_add(b.zeros_like(t), ...indices, d)],
  jvp: (b, [, ...indices], _, [dt]) => b.index(dt, ...indices),
});

function arrayIndex(i: Value): Index {
  if (typeof i === "number" || i instanceof SliceValue) return i;
  throw new PrimError(`an array index is a Num or a slice, got ${typeName(i)}`);
}

export const len = definePrim({
  name: "len",
  args: 1,
  builtin: true,
  impl: ([x]) => {
    if (Array.isArray(x)) return x.length;
    if (x instanceof Tensor) {
      if (x.shape.length === 0) throw new PrimError("len of a 0-d Array");
      return x.shape[0];
    }
    throw new PrimError(`len expects a Tuple or Array, got ${typeName(x)}`);
  },
  ...constantResult,
});

export const switchPrim = definePrim({
  name: "switch",
  args: 3,
  impl: ([c, a, b]) => {
    if (typeof c !== "boolean") throw new PrimError(`a condition must be a Bool, got ${typeName(c)}`);
    return c ? a : b;
  },
  vjp: (b, [c, x, y], _, d) => [null, b.switch(c, d, b.zeros_like(x)), b.switch(c, b.zeros_like(y), d)],
  jvp: (b, [c], _, [, da, db]) => b.switch(c, da, db),
});

/** Whether a value is `()`: how the backward pass of a loop sees that its saved records are used up. */
export const isUnit = definePrim({ name: "is_unit", args: 1, effect: "none", impl: ([x]) => x instanceof Unit, ...constantResult });

/**
 * `seq(e1, …, en, v)` is `v` once `e1 … en` have run: it keeps the statements of a block in source
 * order, since a graph otherwise orders only what its output depends on.
 */
export const seq = definePrim({
  name: "seq",
  args: [1, Infinity],
  effect: "none",
  impl: (args) => args[args.length - 1],
  vjp: (_, x, __, d) => [...x.slice(0, -1).map(() => null), d],
  jvp: (_, __, ___, dx) => dx[dx.length - 1],
});

export const assertPrim = definePrim({
  name: "assert",
  args: [1, 2],
  builtin: true,
  impl: ([c, msg]) => {
    if (expectBool("assert", c)) return UNIT;
    throw new PrimError(msg === undefined ? "assertion failed" : `assertion failed: ${expectString("assert", msg)}`);
  },
  ...constantResult,
});
