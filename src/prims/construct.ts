// Making arrays (SPEC §4): literals, filled and ranged arrays, random ones, and joining arrays with
// `concat` and `stack` — with what cutting them apart again takes (`pieces`, `unstack`), their
// transposes. A shape is a Num or a tuple of Nums; the 0-d shape `()` gives a Num.
import { expectNum, expectNumeric } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import * as C from "../runtime/tensor/construct.js";
import { index as indexArray } from "../runtime/tensor/indexing.js";
import * as Rnd from "../runtime/tensor/random.js";
import { formatShape, normalizeAxis, shapeArg, shapeOf } from "../runtime/tensor/shape.js";
import { isTuple, SliceValue, Tensor, typeName, type Value } from "../runtime/values.js";
import { arrayPrim, axisArg, itemsArg } from "./array-args.js";
import { constantResult, definePrim } from "./primitive.js";

/** `[a, b, …]`: Nums make a 1-d array; arrays of one shape stack into one more dimension. */
export const makeArray = definePrim({
  name: "make_array",
  args: [0, Infinity],
  impl: (items) => stackItems(items),
  vjp: (b, x, y, d) => {
    const exact = b.sens_like(d, y);
    return x.map((_, i) => b.index(exact, i));
  },
  jvp: (b, _, __, dx) => b.make_array(...dx),
});

function stackItems(items: readonly Value[]): Tensor {
  if (items.length === 0) return new Tensor([0], new Float64Array(0));
  const first = items[0];
  if (typeof first === "number") {
    const data = new Float64Array(items.length);
    items.forEach((v, i) => {
      if (typeof v !== "number") throw new PrimError(`ragged array literal: item ${i} is of type ${typeName(v)}, item 0 is a Num`);
      data[i] = v;
    });
    return new Tensor([items.length], data);
  }
  if (!(first instanceof Tensor)) throw new PrimError(`an array literal holds Nums or arrays, got ${typeName(first)}`);
  const inner = first.shape;
  const size = first.data.length;
  const data = new Float64Array(size * items.length);
  items.forEach((v, i) => {
    if (!(v instanceof Tensor) || v.shape.length !== inner.length || v.shape.some((d, k) => d !== inner[k])) {
      const got = v instanceof Tensor ? `shape ${formatShape(v.shape)}` : `type ${typeName(v)}`;
      throw new PrimError(`ragged array literal: item ${i} has ${got}, item 0 has shape ${formatShape(inner)}`);
    }
    data.set(v.data, i * size);
  });
  return new Tensor([items.length, ...inner], data);
}

export const zerosPrim = arrayPrim({ name: "zeros", args: 1, builtin: true, impl: ([shape]) => C.zeros(shapeArg("zeros", shape)), ...constantResult });
export const onesPrim = arrayPrim({ name: "ones", args: 1, builtin: true, impl: ([shape]) => C.ones(shapeArg("ones", shape)), ...constantResult });
export const arangePrim = arrayPrim({ name: "arange", args: 1, builtin: true, impl: ([n]) => C.arange(expectNum("arange", n)), ...constantResult });
export const randPrim = arrayPrim({ name: "rand", args: 2, builtin: true, impl: ([shape, seed]) => Rnd.rand(shapeArg("rand", shape), expectNum("rand", seed)), ...constantResult });
export const randnPrim = arrayPrim({ name: "randn", args: 2, builtin: true, impl: ([shape, seed]) => Rnd.randn(shapeArg("randn", shape), expectNum("randn", seed)), ...constantResult });

export const fullPrim = arrayPrim({
  name: "full",
  args: 2,
  builtin: true,
  impl: ([shape, v]) => C.full(shapeArg("full", shape), expectNum("full", v)),
  vjp: (b, _, y, d) => [null, b.sum(b.sens_like(d, y))],
  jvp: (b, [shape], _, [, dv]) => b.full(shape, dv),
});

export const linspacePrim = arrayPrim({
  name: "linspace",
  args: 3,
  builtin: true,
  impl: ([a, b, n]) => C.linspace(expectNum("linspace", a), expectNum("linspace", b), expectNum("linspace", n)),
  // Element k is lo·(1 − t_k) + hi·t_k, with t the same points from 0 to 1.
  vjp: (b, [, , n], y, d) => {
    const exact = b.sens_like(d, y);
    const t = b.linspace(0, 1, n);
    return [b.sum(b.mul(exact, b.sub(1, t))), b.sum(b.mul(exact, t))];
  },
  jvp: (b, [, , n], _, [dlo, dhi]) => b.linspace(dlo, dhi, n),
});

/** `concat(items)` joins along axis 0, as NumPy's does without an axis. */
export const concatPrim = arrayPrim({
  name: "concat",
  args: [1, 2],
  builtin: true,
  impl: ([items, axis]) => C.concat(itemsArg("concat", items), axisArg("concat", axis) ?? 0),
  vjp: (b, [items, axis], y, d) => [b.pieces(b.sens_like(d, y), items, axis ?? 0)],
  jvp: (b, [, axis], _, [ditems]) => (axis === undefined ? b.concat(ditems) : b.concat(ditems, axis)),
});

export const stackPrim = arrayPrim({
  name: "stack",
  args: 1,
  builtin: true,
  impl: ([items]) => C.stack(itemsArg("stack", items)),
  vjp: (b, _, y, d) => [b.unstack(b.sens_like(d, y))],
  jvp: (b, _, __, [ditems]) => b.stack(ditems),
});

/** `pieces(d, items, axis)`: d cut along `axis` into pieces shaped like `items` (a tuple): the transpose of concat. */
export const pieces = definePrim({
  name: "pieces",
  args: 3,
  impl: ([d, items, axis]) => {
    if (!isTuple(items)) throw new PrimError("internal: pieces of a non-tuple");
    const g = expectNumeric("pieces", d);
    let at = 0;
    return items.map((item) => {
      const shape = shapeOf(expectNumeric("pieces", item));
      const k = normalizeAxis(typeof axis === "number" ? axis : 0, shape.length);
      const at0 = at;
      at += shape[k];
      return indexArray(g, shape.map((_, i) => (i === k ? new SliceValue(at0, at) : new SliceValue(null, null))));
    });
  },
  vjp: (b, [, , axis], _, d) => [b.concat(d, axis)],
  jvp: (b, [, items, axis], _, [dd]) => b.pieces(dd, items, axis),
});

/** `unstack(d)`: the items along d's first axis, as a tuple: the transpose of stack. */
export const unstack = definePrim({
  name: "unstack",
  args: 1,
  impl: ([d]) => {
    const g = expectNumeric("unstack", d);
    if (typeof g === "number") throw new PrimError("internal: unstack of a Num");
    return Array.from({ length: g.shape[0] }, (_, i) => indexArray(g, [i]));
  },
  vjp: (b, _, __, d) => [b.stack(d)],
  jvp: (b, _, __, [dd]) => b.unstack(dd),
});
