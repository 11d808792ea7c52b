// The array builtins of SPEC §4 (array literals are `make_array`, in array.ts). Each primitive
// checks its arguments and hands them to a kernel of ../tensor; `map` and `fold` call back into
// Myx through the host. A 0-d result is a Num, so `sum(a)` and `a[i, j]` give plain numbers.
import { definePrim, PrimError, type PrimSpec, type Primitive } from "../primitive.js";
import * as C from "../tensor/construct.js";
import * as L from "../tensor/linalg.js";
import * as Rnd from "../tensor/random.js";
import * as R from "../tensor/reduce.js";
import { shapeArg, sizeOf, type Numeric } from "../tensor/shape.js";
import { isFunction, isTuple, Tensor, aTypeName, typeName, type Value } from "../values.js";
import { expectNum, expectNumeric, isNumeric, naming } from "./check.js";

/** An array primitive: every failure of its kernel names it (see `naming`). */
function arrayPrim(spec: PrimSpec): Primitive {
  return definePrim({ ...spec, impl: (args, host) => naming(spec.name, () => spec.impl(args, host)) });
}

/** The optional axis of a reduction; absent means over every element. */
function axisArg(prim: string, axis: Value | undefined): number | undefined {
  if (axis === undefined || typeof axis === "number") return axis;
  throw new PrimError(`${prim}: an axis is a Num, got ${typeName(axis)}`);
}

/** `concat((a, b, …))` and `stack(…)` take their arrays as one tuple, as NumPy takes a sequence. */
function itemsArg(prim: string, items: Value): Numeric[] {
  if (!isTuple(items)) throw new PrimError(`${prim} expects a Tuple of arrays, got ${typeName(items)}`);
  return items.map((item, i) => {
    if (isNumeric(item)) return item;
    throw new PrimError(`${prim}: item ${i} is ${aTypeName(item)}, not a Num or Array`);
  });
}

function expectFunction(prim: string, f: Value): Value {
  if (isFunction(f)) return f;
  throw new PrimError(`${prim} expects a function first, got ${typeName(f)}`);
}

// Construction. A shape is a Num or a tuple of Nums; the 0-d shape `()` gives a Num.

export const zerosPrim = arrayPrim({ name: "zeros", args: 1, impl: ([shape]) => C.zeros(shapeArg("zeros", shape!)) });
export const onesPrim = arrayPrim({ name: "ones", args: 1, impl: ([shape]) => C.ones(shapeArg("ones", shape!)) });
export const fullPrim = arrayPrim({ name: "full", args: 2, impl: ([shape, v]) => C.full(shapeArg("full", shape!), expectNum("full", v!)) });
export const arangePrim = arrayPrim({ name: "arange", args: 1, impl: ([n]) => C.arange(expectNum("arange", n!)) });
export const linspacePrim = arrayPrim({
  name: "linspace",
  args: 3,
  impl: ([a, b, n]) => C.linspace(expectNum("linspace", a!), expectNum("linspace", b!), expectNum("linspace", n!)),
});
export const randPrim = arrayPrim({ name: "rand", args: 2, impl: ([shape, seed]) => Rnd.rand(shapeArg("rand", shape!), expectNum("rand", seed!)) });
export const randnPrim = arrayPrim({ name: "randn", args: 2, impl: ([shape, seed]) => Rnd.randn(shapeArg("randn", shape!), expectNum("randn", seed!)) });
/** `concat(items)` joins along axis 0, as NumPy's does without an axis. */
export const concatPrim = arrayPrim({
  name: "concat",
  args: [1, 2],
  impl: ([items, axis]) => C.concat(itemsArg("concat", items!), axisArg("concat", axis) ?? 0),
});
export const stackPrim = arrayPrim({ name: "stack", args: 1, impl: ([items]) => C.stack(itemsArg("stack", items!)) });

// Shape and products.

/** The dimensions as a tuple; a Num is 0-d, so its shape is `()`. */
export const shapePrim = arrayPrim({
  name: "shape",
  args: 1,
  impl: ([a]) => {
    const x = expectNumeric("shape", a!);
    return typeof x === "number" ? [] : x.shape.slice();
  },
});
export const reshapePrim = arrayPrim({ name: "reshape", args: 2, impl: ([a, shape]) => L.reshape(expectNumeric("reshape", a!), shapeArg("reshape", shape!)) });
export const transposePrim = arrayPrim({ name: "transpose", args: 1, impl: ([a]) => L.transpose(expectNumeric("transpose", a!)) });
export const dotPrim = arrayPrim({ name: "dot", args: 2, impl: ([a, b]) => L.dot(expectNumeric("dot", a!), expectNumeric("dot", b!)) });
export const outerPrim = arrayPrim({ name: "outer", args: 2, impl: ([a, b]) => L.outer(expectNumeric("outer", a!), expectNumeric("outer", b!)) });

// Reductions: `sum(a)` over everything gives a Num, `sum(a, axis)` drops that axis.

function reduction(name: string, kernel: (a: Numeric, axis?: number) => Numeric): Primitive {
  return arrayPrim({ name, args: [1, 2], impl: ([a, axis]) => kernel(expectNumeric(name, a!), axisArg(name, axis)) });
}

export const sumPrim = reduction("sum", R.sum);
export const meanPrim = reduction("mean", R.mean);
export const maxPrim = reduction("max", R.max);
export const minPrim = reduction("min", R.min);
export const logsumexpPrim = reduction("logsumexp", R.logsumexp);
/** `softmax(a)` normalizes along the last axis, JAX's default. */
export const softmaxPrim = arrayPrim({
  name: "softmax",
  args: [1, 2],
  impl: ([a, axis]) => R.softmax(expectNumeric("softmax", a!), axisArg("softmax", axis) ?? -1),
});

// Higher order. They call Myx functions, which may print or fail, so they count as acting.

/** `map(f, a)`: f on each element, in row-major order; the result has a's shape. */
export const mapPrim = definePrim({
  name: "map",
  args: 2,
  effect: "io",
  impl: ([f, a], host) => {
    const fn = expectFunction("map", f!);
    if (!(a instanceof Tensor)) throw new PrimError(`map expects an Array second, got ${typeName(a!)}`);
    const out = new Float64Array(a.data.length);
    for (let i = 0; i < out.length; i++) {
      const y = host.call(fn, [a.data[i]!]);
      if (typeof y !== "number") throw new PrimError(`map: the function must return a Num, got ${typeName(y)}`);
      out[i] = y;
    }
    return new Tensor(a.shape, out);
  },
});

/**
 * `fold(f, init, xs)`: `f(… f(f(init, x0), x1) …)` over the items of a tuple, or along the first
 * axis of an array, whose items are Nums (1-d) or arrays of one dimension less.
 */
export const foldPrim = definePrim({
  name: "fold",
  args: 3,
  effect: "io",
  impl: ([f, init, xs], host) => {
    const fn = expectFunction("fold", f!);
    let acc = init!;
    for (const x of foldItems(xs!)) acc = host.call(fn, [acc, x]);
    return acc;
  },
});

/** The items `fold` walks: a tuple's, or the slices along an array's first axis (Nums for 1-d). */
export function foldItems(xs: Value): Value[] {
  if (isTuple(xs)) return xs.slice();
  if (!(xs instanceof Tensor)) throw new PrimError(`fold expects an Array or a Tuple third, got ${typeName(xs)}`);
  const inner = xs.shape.slice(1);
  const size = sizeOf(inner);
  return Array.from({ length: xs.shape[0]! }, (_, i) => (inner.length === 0 ? xs.data[i]! : new Tensor(inner, xs.data.slice(i * size, (i + 1) * size))));
}
