// Argument checks shared by the primitive families: each failure names the primitive and the
// types involved, which is what a user needs to find the mistake.
import { formatValue } from "../format-value.js";
import { PrimError } from "../primitive.js";
import type { Numeric } from "../tensor/shape.js";
import { Tensor, typeName, type Value } from "../values.js";

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
