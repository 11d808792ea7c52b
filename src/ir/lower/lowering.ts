// What all of one program's lowering shares.
import type { Diagnostics } from "./context.js";

export interface Lowering {
  readonly diags: Diagnostics;
  /** Top-level lets some function reads through globals; main must publish them. */
  readonly usedGlobals: Set<string>;
  /** In the REPL every top-level binding is published, for the inputs that follow. */
  readonly repl: boolean;
}
