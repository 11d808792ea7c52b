// In-place rewriting of graphs the optimizer owns: replacing a node redirects every use of it
// (inputs and graph outputs). The users come from the manager's analysis at the start of a round
// and are kept current as the round rewrites, so a round never sees a stale use.
import type { Captures } from "../ir/captures.js";
import type { Apply, Graph, Node } from "../ir/graph.js";
import { replacedIn } from "./effects.js";
import type { Round } from "./round.js";

interface Use {
  readonly user: Apply;
  readonly index: number;
}

export class Rewriter {
  /** The uses that changed this round; any other node's are still the analysis's. */
  private readonly users = new Map<Node, Use[]>();
  private readonly outputs = new Map<Node, Graph[]>();
  private readonly replaced = new Map<Node, Node>();
  /** Graphs whose body changed this round: the analysis no longer describes them. */
  readonly touched = new Set<Graph>();
  changed = false;

  constructor(
    readonly round: Round,
    /** What the copies inlining makes capture in place of the originals' nodes (see ir/captures.ts). */
    readonly captures: Captures,
  ) {
    for (const g of round.analysis.graphs) if (g.output !== null) this.outputOf(g.output).push(g);
  }

  private outputOf(n: Node): Graph[] {
    let gs = this.outputs.get(n);
    if (gs === undefined) this.outputs.set(n, (gs = []));
    return gs;
  }

  /** What `n` has been replaced by this round, if anything (following chains of replacements). */
  current(n: Node): Node {
    let m = n;
    for (let next = this.replaced.get(m); next !== undefined; next = this.replaced.get(m)) m = next;
    return m;
  }

  /** The uses of `n`, copied from the analysis the first time they change. */
  private usesOf(n: Node): Use[] {
    let list = this.users.get(n);
    if (list === undefined) this.users.set(n, (list = [...(this.round.analysis.users.get(n) ?? [])]));
    return list;
  }

  /** Registers the inputs of an Apply the optimizer just made. */
  track(a: Apply): void {
    this.touched.add(a.graph);
    a.inputs.forEach((input, index) => this.usesOf(input).push({ user: a, index }));
  }

  replace(old: Node, by: Node): void {
    if (old === by) return;
    this.changed = true;
    this.captures.noteReplaced(old, by);
    this.replaced.set(old, by);
    const moved = this.users.get(old) ?? this.round.analysis.users.get(old) ?? [];
    const list = this.usesOf(by);
    if (old.kind !== "constant") {
      this.touched.add(old.graph);
      replacedIn(this.round, old.graph, old);
    }
    for (const use of moved) {
      if (use.user.inputs[use.index] !== old) continue;
      this.touched.add(use.user.graph);
      replacedIn(this.round, use.user.graph, old);
      use.user.inputs[use.index] = by;
      list.push(use);
    }
    this.users.set(old, []);
    const graphs = this.outputs.get(old) ?? [];
    for (const g of graphs) {
      if (g.output !== old) continue;
      g.output = by;
      this.touched.add(g);
      replacedIn(this.round, g, old);
    }
    this.outputOf(by).push(...graphs);
    this.outputs.set(old, []);
  }
}
