// Argument checks shared by the primitive families: each failure names the primitive and the
// types involved, which is what a user needs to find the mistake.
import { formatValue, userName } from "./format-value.js";
import { PrimError } from "./host.js";
import type { Numeric } from "./tensor/shape.js";
import { SliceValue, Tensor, typeName, type Value } from "./values.js";

export function expectNum(prim: string, v: Value): number {
  if (typeof v === "number") return v;
  throw new PrimError(`${prim} expects a Num, got ${typeName(v)}`);
}

export function isNumeric(v: Value): v is Numeric {
  return typeof v === "number" || v instanceof Tensor;
}

/** A Num or an Array: what arithmetic and the array kernels take. */
export function expectNumeric(prim: string, v: Value): Numeric {
  if (isNumeric(v)) return v;
  throw new PrimError(`${prim} expects a Num or Array, got ${typeName(v)}`);
}

/**
 * Runs an array kernel for `prim`. A kernel's message says which shapes or axes do not fit but
 * not always who asked, and a user with several array operations on one line needs to know.
 */
export function naming<T>(prim: string, kernel: () => T): T {
  try {
    return kernel();
  } catch (e) {
    if (e instanceof PrimError && !e.message.startsWith(`${prim} `) && !e.message.startsWith(`${prim}:`)) {
      throw new PrimError(`${prim}: ${e.message}`);
    }
    throw e;
  }
}

export function expectBool(prim: string, v: Value): boolean {
  if (typeof v === "boolean") return v;
  throw new PrimError(`${prim} expects a Bool, got ${typeName(v)}`);
}

export function expectString(prim: string, v: Value): string {
  if (typeof v === "string") return v;
  throw new PrimError(`${prim} expects a String, got ${typeName(v)}`);
}

/** An index must be a whole number; negative ones count from the end of `length`. */
export function normalizeIndex(prim: string, v: Value, length: number): number {
  const i = expectNum(prim, v);
  if (!Number.isInteger(i)) throw new PrimError(`index must be a whole number, got ${formatValue(i)}`);
  const k = i < 0 ? i + length : i;
  if (k < 0 || k >= length) throw new PrimError(`index ${i} is out of range for length ${length}`);
  return k;
}

/** The half-open range `lo:hi` selects in a sequence of `length` items: bounds clamped, negative ones from the end. */
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

/** "f takes 2 arguments, got 3", as a call with the wrong number of arguments fails. */
export function arityMessage(name: string, min: number, max: number, got: number): string {
  const count = (n: number): string => `${n} argument${n === 1 ? "" : "s"}`;
  const wants = min === max ? count(min) : max === Infinity ? `at least ${count(min)}` : `${min} to ${count(max)}`;
  return `${userName(name)} takes ${wants}, got ${got}`;
}
