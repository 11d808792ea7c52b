// What a primitive may ask of whoever runs it, and how it reports a mistake of the program.
import type { Session } from "../ad/session.js";
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
  /**
   * The compile session the running graphs belong to (src/ad/session.ts): differentiation
   * primitives transform closures met at run time with its caches and its optimizer.
   */
  readonly session: Session;
}

/**
 * A failure a primitive reports to the user ("expected Num, got Tuple"). The VM adds the source
 * location of the Apply that failed and the Myx stack.
 */
export class PrimError extends Error {
  override readonly name = "PrimError";
}
