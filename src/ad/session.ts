// A compile session: what one compile (or one REPL) keeps while it differentiates and optimizes.
// Transforms are cached per graph and optimized as they are built, at run time too — `grad` meets
// closures only when the program runs — so the session travels with the program: the front end
// hands it to the optimizer, and the VM to primitives, in the host context (`host.session`).
// Nothing of it is global: two modules compiled with different options in one process each keep
// their own.
import { Captures } from "../ir/captures.js";
import type { Graph, Node } from "../ir/graph.js";
import type { Primitive } from "../prims/primitive.js";
import type { ForwardClosure } from "./forward.js";
import type { KnownGradient } from "./builtins.js";
import { jValuePrim } from "./j-value.js";
import { forwardValuePrim } from "./jvp.js";
import { primitiveJ } from "./primitive-j.js";
import { primitiveJvp } from "./primitive-jvp.js";
import type { TransformedClosure } from "./reverse.js";
import { UnitQueue } from "./units.js";

/**
 * Optimizes the graphs of `owned` reachable from `roots`. `atFixedPoint` is called whenever the
 * graphs stop changing; if it changes them in turn (it returns true), optimizing goes on.
 */
export type UnitOptimizer = (roots: readonly Graph[], owned: Set<Graph>, atFixedPoint?: () => boolean) => void;

export class Session {
  /** What the copies the optimizer makes of closures capture in place of the originals' nodes. */
  readonly captures = new Captures();
  /** Units being filled, and those waiting to be optimized once no transform is filling one. */
  readonly units = new UnitQueue();

  /** Reverse mode (reverse.ts): J of each graph transformed as a closure. */
  readonly reverse = new WeakMap<Graph, TransformedClosure>();
  /** For each J-world node a transformed closure may capture, the primal node it stands for. */
  readonly standsFor = new WeakMap<Node, Node>();
  /** Forward mode (forward.ts): J⊳ of each graph, and the source of each graph J⊳ made. */
  readonly forward = new WeakMap<Graph, ForwardClosure>();
  readonly forwardSources = new WeakMap<Graph, Graph>();
  /** Each J⊳ graph of a primitive, its primitive: a transformed primitive handed back to the user is the primitive again. */
  readonly jvpPrimitives = new WeakMap<Graph, Primitive>();

  /** The gradient and vjp graphs given so far per J(f) graph (builtins.ts), and each shape of gradient graph (gradient-graph.ts). */
  readonly gradients = new WeakMap<Graph, KnownGradient[]>();
  readonly vjps = new WeakMap<Graph, Graph>();
  readonly gradientGraphs = new Map<string, Graph>();

  /** The optimizer's own: gradients built when compiling (opt/specialize.ts) and copies specialized on function arguments (opt/specialize-args.ts). */
  readonly specializedGradients = new WeakMap<Graph, Map<string, Graph>>();
  readonly specializedCalls = new WeakMap<Graph, Map<string, Graph>>();

  private readonly js = new Map<Primitive, Map<number, Graph>>();
  private readonly jvps = new Map<Primitive, Map<number, Graph>>();

  /** With no optimizer (`--no-opt`), transformed graphs run as they are built. */
  constructor(private readonly optimizer: UnitOptimizer | null) {}

  get optimizing(): boolean {
    return this.optimizer !== null;
  }

  /** Optimizes a unit just transformed; without an optimizer, `atFixedPoint` still runs once. */
  optimizeUnit(roots: readonly Graph[], owned: Set<Graph>, atFixedPoint?: () => boolean): void {
    if (this.optimizer !== null) this.optimizer(roots, owned, atFixedPoint);
    else atFixedPoint?.();
  }

  /** J of a primitive applied to `arity` arguments, built from its reverse rule. */
  primitiveJ(p: Primitive, arity: number): Graph {
    return cached(this.js, p, arity, () => primitiveJ(p, arity, jValuePrim));
  }

  /** J⊳ of a primitive applied to `arity` arguments, built from its forward rule. */
  primitiveJvp(p: Primitive, arity: number): Graph {
    return cached(this.jvps, p, arity, () => {
      const g = primitiveJvp(p, arity, forwardValuePrim);
      this.jvpPrimitives.set(g, p);
      return g;
    });
  }
}

function cached(cache: Map<Primitive, Map<number, Graph>>, p: Primitive, arity: number, build: () => Graph): Graph {
  let byArity = cache.get(p);
  if (byArity === undefined) cache.set(p, (byArity = new Map()));
  let g = byArity.get(arity);
  if (g === undefined) byArity.set(arity, (g = build()));
  return g;
}
