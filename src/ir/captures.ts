// What the nodes a closure captures stand in for. Reverse mode keys the sensitivity of a closure
// (an environment) by the nodes it captures, and the code that reads that environment names them
// as the closure's graph had them when it was differentiated. Inlining copies closures with the
// caller's nodes in place of the callee's, and rewrites then replace those nodes in turn: a copy
// captures other nodes than that code names. The copy remembers which, so that when it is
// differentiated at run time (J of a closure value, as `vjp` or `j_value` do) its environment is
// keyed as the code reading it expects.
import type { Graph, Node } from "./graph.js";

/** For a node some copies capture: per copy, the node it stands in for there. One per compile session. */
export class Captures {
  private readonly standIns = new WeakMap<Node, Map<Graph, Node>>();

  /** The node that `n`, captured by `g`, stands in for: n itself unless g is a copy. */
  capturedAs(g: Graph, n: Node): Node {
    return this.standIns.get(n)?.get(g) ?? n;
  }

  /** Records that `copy` is `original` with each node `p` it captured replaced by `image(p)`. */
  noteCopy(original: Graph, copy: Graph, captured: readonly Node[], image: (n: Node) => Node): void {
    for (const p of captured) this.standIn(image(p), copy, this.capturedAs(original, p));
  }

  /** `old` was replaced by `by` everywhere: by stands in for what old did. */
  noteReplaced(old: Node, by: Node): void {
    for (const [copy, was] of this.standIns.get(old) ?? []) this.standIn(by, copy, was);
  }

  private standIn(n: Node, copy: Graph, was: Node): void {
    // A constant is captured by nothing (and may be shared by every program).
    if (n === was || n.kind === "constant") return;
    let m = this.standIns.get(n);
    if (m === undefined) this.standIns.set(n, (m = new Map()));
    // Two captured nodes may become one (an argument passed twice); it stands in for the first:
    // whatever reads the environment adds what it finds under either name into that one node anyway.
    if (!m.has(copy)) m.set(copy, was);
  }
}
