// Functional updates of tuples, records and arrays: a structure with one place replaced, or added
// into. They are what the sensitivity of taking one item out of a structure is (the transpose of
// `tuple_get`, `record_get`, `index`), and each is linear in its structure and its item, so its
// own derivatives are updates and selections again: derivatives of any order close over them.
import { expectNum, expectString, normalizeIndex } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import { addAt, addSens, zerosLike } from "../runtime/sensitivity.js";
import { isTuple, RecordValue, aTypeName, type Value } from "../runtime/values.js";
import { definePrim } from "./primitive.js";

/** `r` with its k-th field replaced by `v`. */
function withField(r: RecordValue, k: number, v: Value): RecordValue {
  return new RecordValue(r.keys, r.values.map((x, j) => (j === k ? v : x)));
}

function expectRecord(prim: string, r: Value): RecordValue {
  if (r instanceof RecordValue) return r;
  throw new PrimError(`internal: ${prim} of ${aTypeName(r)}`);
}

/** `tuple_set(t, i, v)`: `t` with item `i` replaced. */
export const tupleSet = definePrim({
  name: "tuple_set",
  args: 3,
  impl: ([t, i, v]) => {
    if (!isTuple(t)) throw new PrimError(`internal: tuple_set of ${aTypeName(t)}`);
    const out = t.slice();
    out[normalizeIndex("tuple_set", i, t.length)] = v;
    return out;
  },
  vjp: (b, [, i, v], _, d) => [b.tuple_set(d, i, b.zeros_like(v)), null, b.tuple_get(d, i)],
  jvp: (b, [, i], _, [dt, , dv]) => b.tuple_set(dt, i, dv),
});

/** `record_set(r, name, v)`: `r` with one field replaced. */
export const recordSet = definePrim({
  name: "record_set",
  args: 3,
  impl: ([r, key, v]) => {
    const record = expectRecord("record_set", r);
    return withField(record, record.keys.indexOf(expectString("record_set", key)), v);
  },
  vjp: (b, [, key, v], _, d) => [b.record_set(d, key, b.zeros_like(v)), null, b.record_get(d, key)],
  jvp: (b, [, key], _, [dr, , dv]) => b.record_set(dr, key, dv),
});

/** `record_at(r, i)`: the value of the i-th field, for the derivative of a record literal. */
export const recordAt = definePrim({
  name: "record_at",
  args: 2,
  impl: ([r, i]) => expectRecord("record_at", r).values[expectNum("record_at", i)],
  vjp: (b, [r, i], _, d) => [b.record_set_at(b.zeros_like(r), i, d)],
  jvp: (b, [, i], _, [dr]) => b.record_at(dr, i),
});

/** `record_set_at(r, i, v)`: `r` with its i-th field replaced: the transpose of record_at. */
export const recordSetAt = definePrim({
  name: "record_set_at",
  args: 3,
  impl: ([r, i, v]) => withField(expectRecord("record_set_at", r), expectNum("record_set_at", i), v),
  vjp: (b, [, i, v], _, d) => [b.record_set_at(d, i, b.zeros_like(v)), null, b.record_at(d, i)],
  jvp: (b, [, i], _, [dr, , dv]) => b.record_set_at(dr, i, dv),
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
    const name = expectString("record_add", key);
    if (x instanceof RecordValue && y instanceof RecordValue && x.keys.length === y.keys.length) {
      const i = x.keys.indexOf(name);
      if (i >= 0) return withField(x, i, addSens(x.values[i], v));
    }
    const zero = zerosLike(y);
    if (!(zero instanceof RecordValue)) throw new PrimError(`internal: record_add into ${aTypeName(y)}`);
    return addSens(x, withField(zero, zero.keys.indexOf(name), v));
  },
  vjp: (b, [, , key], _, d) => [d, null, null, b.record_get(d, key)],
  jvp: (b, [, y, key], _, [dx, , , dv]) => b.record_add(dx, y, key, dv),
});

/** `tuple_add(x, y, i, v)` is `add_sens(x, tuple_set(zeros_like(y), i, v))`, as record_add is for records. */
export const tupleAdd = definePrim({
  name: "tuple_add",
  args: 4,
  impl: ([x, y, i, v]) => {
    if (!isTuple(y)) throw new PrimError(`internal: tuple_add into ${aTypeName(y)}`);
    const k = normalizeIndex("tuple_add", i, y.length);
    if (isTuple(x) && x.length === y.length) return x.map((u, j) => (j === k ? addSens(u, v) : u));
    return addSens(x, y.map((u, j) => (j === k ? v : zerosLike(u))));
  },
  vjp: (b, [, , i], _, d) => [d, null, null, b.tuple_get(d, i)],
  jvp: (b, [, y, i], _, [dx, , , dv]) => b.tuple_add(dx, y, i, dv),
});

/**
 * `index_add(t, i…, d)`: `t` with `d` added at the indexed place (whole numbers or slices; one
 * for a tuple, one per axis at most for an array): the sensitivity of indexing scattered back.
 */
export const indexAdd = definePrim({
  name: "index_add",
  args: [3, Infinity],
  impl: ([t, ...rest]) => addAt(t, rest.slice(0, -1), rest[rest.length - 1]),
  // Picking an element of d is only right once d is summed to the array's shape; and v, a
  // sensitivity itself, may still have broadcast axes, over which its own one is spread back.
  vjp: (b, [, ...rest], y, d) => {
    const indices = rest.slice(0, -1);
    return [d, ...indices.map(() => null), b.sens_like(b.index(b.sens_like(d, y), ...indices), rest[rest.length - 1])];
  },
  jvp: (b, [, ...rest], _, [dt, ...drest]) => b.index_add(dt, ...rest.slice(0, -1), drest[drest.length - 1]),
});
