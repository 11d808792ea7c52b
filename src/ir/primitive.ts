// A primitive is data: a name, how many arguments it takes, and its implementation. The
// transformations (AD, jvp, the optimizer's folding) keep their own rule tables keyed by
// primitive, as in JAX's Autodidax, so adding a primitive touches one family file per concern.
import type { Value } from "./values.js";

/** What a primitive may ask of whoever runs it. */
export interface HostContext {
  /** Writes one line of program output (`print`). */
  print(line: string): void;
  /** Calls a Myx function value, for primitives that take functions. */
  call(fn: Value, args: Value[]): Value;
  /** Top-level bindings read from inside functions (SPEC §3); unset until their `let` has run. */
  readGlobal(name: string): Value;
  writeGlobal(name: string, value: Value): void;
  /**
   * The text of a file a program asked for (`read_csv`), the path as the program wrote it; the
   * host decides what it is relative to, and throws an Error saying why it cannot read one.
   * Absent when the host gives programs no file access.
   */
  readFile?(path: string): string;
}

/**
 * A failure a primitive reports to the user ("expected Num, got Tuple"). The VM adds the source
 * location of the Apply that failed and the Myx stack.
 */
export class PrimError extends Error {
  override readonly name = "PrimError";
}

export interface Primitive {
  readonly kind: "primitive";
  readonly name: string;
  readonly minArgs: number;
  /** `Infinity` for variadic primitives such as `print` and `make_tuple`. */
  readonly maxArgs: number;
  /**
   * Pure primitives have no effect other than their result (they may still fail); a call whose
   * result is unused may be dropped only if it is pure and cannot fail. `io` acts: it prints,
   * touches globals or files, or calls a function it is given (`map`, `jvp`, `vjp`, …), which may.
   */
  readonly effect: "none" | "may-fail" | "io";
  readonly impl: (args: Value[], host: HostContext) => Value;
}

export interface PrimSpec {
  name: string;
  args: number | [number, number];
  effect?: Primitive["effect"];
  impl: Primitive["impl"];
}

export function definePrim(spec: PrimSpec): Primitive {
  const [minArgs, maxArgs] = typeof spec.args === "number" ? [spec.args, spec.args] : spec.args;
  return { kind: "primitive", name: spec.name, minArgs, maxArgs, effect: spec.effect ?? "may-fail", impl: spec.impl };
}
