// What one round of the optimizer knows besides the graphs: the analysis it started from, and
// what the questions of effects.ts have learned in it. Made fresh each round: the graphs change
// between rounds, and with them every answer.
import type { Graph, Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import type { Walk } from "./effects.js";

export class Round {
  /** Where evaluatedBefore's walk of each graph has been (effects.ts). */
  readonly walks = new Map<Graph, Walk>();
  /** Whether evaluating each node may act (effects.ts, actsIn). */
  readonly acting = new Map<Node, boolean>();

  constructor(
    readonly analysis: Analysis,
    /** `program` keeps everything J will see as it is written (see rewrites.ts); `unit` is what AD builds. */
    readonly strict: boolean,
  ) {}
}
