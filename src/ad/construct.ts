// The protocol by which loops, branches and recursion plug into reverse mode's per-node scheme
// (reverse.ts). Each is a Construct of a unit: it may make the images of some member graphs,
// fill some itself, change how a backpropagator starts and what it returns (a Sweep), change how
// the backward sweep passes some applies (a Passage), and lift backpropagators once the unit is
// optimized. The unit offers them the scheme itself (Core).
import type { Apply, Constant, Graph, Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";

/** A graph's applies, and the closures it makes, in evaluation order: what φ and ρ visit. */
export type Order = readonly (Apply | Constant)[];

/** How one backpropagator differs from `◀g(d) = (env, ∂params…)`. */
export interface Sweep {
  /**
   * Where it starts instead of at g's output: its parameter `r` is a flat tuple of the
   * sensitivities of `into`, given at the apply `at`, which the sweep does not pass (a loop
   * body's tail call, whose backward pass is the next iteration's).
   */
  readonly seed?: { readonly at: Apply; readonly into: readonly Node[] };
  /** What it returns instead: the sensitivities of these nodes as one flat tuple. */
  readonly flat?: readonly Node[];
}

/** How the backward sweep passes an apply of a construct's own. */
export interface Passage {
  /** How it calls the apply's backpropagator `b` with `d`; by default `b(d)`. */
  readonly call?: (back: Graph, b: Node, d: Node, loc: Apply["loc"]) => Node;
  /** The nodes the items of that call's result are the sensitivities of; by default the apply's inputs. */
  readonly into?: readonly Node[];
}

/** What the per-node scheme offers the constructs that plug into it. */
export interface Core {
  readonly analysis: Analysis;
  /** The J-world node standing for primal node `n`; `calleeArity` when `n` is called. */
  j(n: Node, calleeArity?: number): Node;
  /** Records that J-world node `image` stands for primal node `primal`. */
  map(primal: Node, image: Node): void;
  /** The image of member graph g: what the unit's own calls of it call. */
  imageOf(g: Graph): Graph;
  /** φ: the applies of `order` (those of `skip` aside), transformed into `fg`. */
  forward(fg: Graph, order: Order, skip: ReadonlySet<Node>): void;
  /** ρ: the backpropagator of g. */
  backward(g: Graph, order: Order, sweep?: Sweep): Graph;
  /** Whether a backward sweep called the backpropagator of apply n (it had a sensitivity). */
  swept(n: Apply): boolean;
  /** Graphs the unit made, which its optimizer may change. */
  made(...graphs: Graph[]): void;
  /** Runs `lift` when the unit's graphs are as small as the optimizer makes them (inner constructs first). */
  lift(lift: () => Graph[]): void;
}

/**
 * A loop, branch or recursion construct of a unit. Each hook is asked about every member graph
 * or apply; one that is not the construct's own answers undefined (or false).
 */
export interface Construct {
  /** Makes the J images of member g, mapping its parameters; returns what the unit's calls of g call. */
  image?(g: Graph, core: Core): Graph | undefined;
  /** What g is as a value, when not its image (a recursive graph's wrapper). */
  value?(g: Graph): Graph | undefined;
  /** Fills member g itself; false if g is not the construct's to fill. */
  fill?(g: Graph, order: Order, core: Core): boolean;
  /** How g's backpropagator differs from the default. */
  sweep?(g: Graph): Sweep | undefined;
  /** How the backward sweep passes apply n. */
  passage?(n: Apply): Passage | undefined;
  /** Told that member g is being filled: its applies have images, its backpropagator is next. */
  filling?(g: Graph, core: Core): void;
  /** Told of g's image and backpropagator, once built. */
  filled?(g: Graph, image: Graph, back: Graph, order: Order, core: Core): void;
  /** Keeps the optimizer from copying what lifting will rewrite. */
  hold(): void;
}
