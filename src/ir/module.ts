// What lowering a program produces: the graph of its top-level statements and its named defs.
import type { Graph } from "./graph.js";

export interface Module {
  /** The top-level statements, in order; its output is the program's last value (or `()`). */
  readonly main: Graph;
  /** Top-level `def`s by name, in source order. */
  readonly defs: ReadonlyMap<string, Graph>;
}
