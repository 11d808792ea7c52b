// What the array families share: the arguments their builtins take (an optional axis, a tuple of
// arrays, a function), and the naming of a kernel's failures after the builtin that called it.
import { isNumeric, naming } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import type { Numeric } from "../runtime/tensor/shape.js";
import { isFunction, isTuple, aTypeName, typeName, type Value } from "../runtime/values.js";
import { definePrim, type Arity, type Primitive, type PrimSpec } from "./primitive.js";

/** An array primitive: every failure of its kernel names it (see `naming`). */
export function arrayPrim<const A extends Arity>(spec: PrimSpec<A>): Primitive {
  return definePrim({ ...spec, impl: (args, host) => naming(spec.name, () => spec.impl(args, host)) });
}

/** The optional axis of a reduction; absent means over every element. */
export function axisArg(prim: string, axis: Value | undefined): number | undefined {
  if (axis === undefined || typeof axis === "number") return axis;
  throw new PrimError(`${prim}: an axis is a Num, got ${typeName(axis)}`);
}

/** `concat((a, b, …))` and `stack(…)` take their arrays as one tuple, as NumPy takes a sequence. */
export function itemsArg(prim: string, items: Value): Numeric[] {
  if (!isTuple(items)) throw new PrimError(`${prim} expects a Tuple of arrays, got ${typeName(items)}`);
  return items.map((item, i) => {
    if (isNumeric(item)) return item;
    throw new PrimError(`${prim}: item ${i} is ${aTypeName(item)}, not a Num or Array`);
  });
}

export function expectFunction(prim: string, f: Value): Value {
  if (isFunction(f)) return f;
  throw new PrimError(`${prim} expects a function first, got ${typeName(f)}`);
}
