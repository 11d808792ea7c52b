// J, closure-based reverse mode (DESIGN.md § AD), as Myia builds it. A graph `f(x…) = out`
// becomes `f▶(x…) = (out▶, ◀f)`, node by node:
//
//   forward (φ)   an apply `y = g(a…)`    becomes  `r = J(g)(a▶…)`, `y▶ = r[0]`, `◀y = r[1]`
//                 a constant c            becomes  J(c): the J of a graph or primitive, data itself
//                 a closure of graph G    becomes  a closure of G▶ over the images of what G captures
//   backward (ρ)  ◀f(d) starts from ∂out = d and visits the nodes users first:
//                 an apply `y = g(a…)`    adds     `◀y(∂y)[i]` to ∂(the i-th input), callee included
//                 a closure of graph G    adds     `env_get(∂closure, v)` to ∂v for each v G captures
//                 and returns `(env, ∂x…)`: env holds the sensitivities of f's free variables,
//                 keyed by the nodes they are (`env_set`); sensitivities of one node are summed
//                 with `add_sens`, in the order the sweep meets them, and a node nothing reached
//                 gets `zeros_like`.
//
// ◀f is a graph nested in f▶, so it closes over the ◀y of the forward pass: that closure is the
// tape, and it exists only where the program needs it.
//
// A closure is transformed as a unit with every graph it can reach that closes over something
// (units.ts): its free variables become parameters of a wrapper graph W that is never run, so
// that `J(Closure(G, env)) = Closure(G▶, J(env))` can be built at run time, when `grad` meets it.
//
// Loops, branches and recursion keep that scheme but change where it starts, what it returns and
// how it passes one call, through one protocol (construct.ts; loops.ts, branches.ts,
// recursion.ts); and each lifts its backpropagators once the unit is optimized.
import { addParameter, apply, applyPrim, constant, isGraph, newGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { evaluationOrderWithClosures } from "../ir/order.js";
import { addSensPrim, envGet, envSet, zerosLikePrim } from "../prims/sensitivity.js";
import { makeTuple, tupleGet } from "../prims/structural.js";
import { PrimError } from "../runtime/host.js";
import { EnvKey, EnvValue, isPrimitive } from "../runtime/values.js";
import { Branches } from "./branches.js";
import type { Construct, Core, Order, Passage, Sweep } from "./construct.js";
import { Loops } from "./loops.js";
import { Recursions } from "./recursion.js";
import type { Session } from "./session.js";
import { byDepth, closuresOf } from "./units.js";

export interface TransformedClosure {
  /** G▶: its free variables stand for G's, in the order `envIndex` gives. */
  readonly forward: Graph;
  /** For each free variable of `forward` (in the VM's order), the index of G's free variable it stands for. */
  readonly envIndex: readonly number[];
}

/** J of a graph, with the correspondence of free variables needed to transform its closures. */
export function transformClosure(session: Session, root: Graph): TransformedClosure {
  const known = session.reverse.get(root);
  if (known !== undefined) return known;
  const analysis = analyze([root]);
  const members = closuresOf(root, analysis);
  const unit = new ReverseUnit(session, analysis, members);
  const wrapper = newGraph(`${root.name}/env`, null);
  for (const fv of analysis.freeVariables.get(root) ?? []) {
    unit.map(fv, addParameter(wrapper, fv.kind === "parameter" ? fv.name : `fv${fv.id}`, null));
  }
  const forward = unit.valueOf(root);
  let envIndex: number[] | null = null;
  // The result is cached before the bodies are filled, so recursion through closed graphs ends.
  // Its free variables are known only once it is optimized, so envIndex is computed on first use.
  const result: TransformedClosure = {
    forward,
    get envIndex() {
      if (envIndex === null) {
        const params: readonly Node[] = wrapper.parameters;
        envIndex = (analyze([forward]).freeVariables.get(forward) ?? []).map((n) => params.indexOf(n));
        if (envIndex.some((i) => i < 0)) throw new Error(`internal: J(${root.name}) has a free variable outside its closure`);
      }
      return envIndex;
    },
  };
  session.reverse.set(root, result);
  session.units.fill(
    () => {
      unit.fill();
      if (unit.keepsShape) {
        for (const g of unit.created) g.flags.opaque = true;
        return null;
      }
      return () => session.optimizeUnit([forward], unit.created, unit.atFixedPoint());
    },
    () => session.reverse.delete(root),
  );
  return result;
}

/** The J images of one unit's nodes and graphs, and the per-node scheme that makes them. */
class ReverseUnit implements Core {
  /** Every graph this unit made: the ones an optimizer may change before they first run. */
  readonly created = new Set<Graph>();
  /**
   * Set when the unit differentiates a call of a primitive whose reverse rule maps sensitivities
   * back through the J-world nodes closures captured (Primitive.keepsCaptureKeys): the optimizer
   * would rename those nodes.
   */
  keepsShape = false;
  private readonly images = new Map<Node, Node>();
  private readonly backprops = new Map<Apply, Node>();
  /** The applies whose backpropagator a backward sweep has called. */
  private readonly called = new Set<Apply>();
  /** What the unit's own calls of each member call. */
  private readonly graphs = new Map<Graph, Graph>();
  private readonly constructs: readonly Construct[];
  /** The liftings of the constructs, in the order their graphs were filled. */
  private readonly lifts: (() => Graph[])[] = [];
  /** The graph the unit is for, the first member. */
  private readonly root: Graph;
  /** The members in the order they are filled: parents first, so a graph's free variables are mapped when it is. */
  private readonly fillOrder: readonly Graph[];

  constructor(
    private readonly session: Session,
    readonly analysis: Analysis,
    members: readonly Graph[],
  ) {
    this.root = members[0]!;
    const loops = new Loops(members, analysis);
    const branches = new Branches(members, analysis, loops.parts());
    this.constructs = [loops, new Recursions(members, analysis), branches];
    for (const g of members) {
      const made = this.first((c) => c.image?.(g, this));
      this.graphs.set(g, made ?? this.plainImage(g));
    }
    // An `if`'s arm may read the images of the nodes of the graph that calls it, which need not be its parent.
    this.fillOrder = byDepth(members, analysis, branches.hosts);
  }

  /** `g▶`, its parameters the images of g's. A branch stays a branch: the VM runs it in place. */
  private plainImage(g: Graph): Graph {
    const fg = newGraph(`${g.name}▶`, g.loc, { branch: g.flags.branch });
    for (const p of g.parameters) this.map(p, addParameter(fg, p.name, p.loc));
    this.made(fg);
    return fg;
  }

  imageOf(g: Graph): Graph {
    const image = this.graphs.get(g);
    if (image === undefined) throw new Error(`internal: ${g.name} is not a member of the unit`);
    return image;
  }

  /** What a caller outside the unit calls for member `g`. */
  valueOf(g: Graph): Graph {
    return this.first((c) => c.value?.(g)) ?? this.imageOf(g);
  }

  map(primal: Node, image: Node): void {
    this.images.set(primal, image);
    this.session.standsFor.set(image, primal);
  }

  made(...graphs: Graph[]): void {
    for (const g of graphs) this.created.add(g);
  }

  lift(lift: () => Graph[]): void {
    this.lifts.push(lift);
  }

  swept(n: Apply): boolean {
    return this.called.has(n);
  }

  j(n: Node, calleeArity?: number): Node {
    if (n.kind !== "constant") {
      const m = this.images.get(n);
      if (m === undefined) throw new Error(`internal: no J-image for a node of ${n.graph.name}`);
      return m;
    }
    const v = n.value;
    if (isGraph(v)) {
      const member = this.graphs.has(v) ? (calleeArity === undefined ? this.valueOf(v) : this.imageOf(v)) : undefined;
      return constant(member ?? transformClosure(this.session, v).forward, n.loc);
    }
    if (isPrimitive(v)) {
      if (v.keepsCaptureKeys) this.keepsShape = true;
      const arity = calleeArity ?? (v.minArgs === v.maxArgs ? v.minArgs : null);
      if (arity === null) throw new PrimError(`cannot differentiate through '${v.name}' passed as a value`);
      return constant(this.session.primitiveJ(v, arity), n.loc);
    }
    return n;
  }

  /** Fills every member: φ, then ρ, then g▶'s output `(out▶, ◀g)`, unless a construct fills it. */
  fill(): void {
    for (const g of this.fillOrder) {
      const order = evaluationOrderWithClosures(g, this.analysis);
      if (this.constructs.some((c) => c.fill?.(g, order, this) === true)) continue;
      const fg = this.imageOf(g);
      this.forward(fg, order, new Set());
      for (const c of this.constructs) c.filling?.(g, this);
      const back = this.backward(g, order, this.first((c) => c.sweep?.(g)));
      for (const c of this.constructs) c.filled?.(g, fg, back, order, this);
      fg.output = applyPrim(fg, makeTuple, [this.j(g.output!), constant(back)], g.loc);
    }
  }

  /** The first answer a construct gives. */
  private first<T>(ask: (c: Construct) => T | undefined): T | undefined {
    for (const c of this.constructs) {
      const answer = ask(c);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  forward(fg: Graph, order: Order, skip: ReadonlySet<Node>): void {
    for (const n of order) {
      if (n.kind !== "apply" || skip.has(n)) continue;
      const pair = apply(fg, n.inputs.map((x, i) => this.j(x, i === 0 ? n.inputs.length - 1 : undefined)), n.loc);
      this.map(n, applyPrim(fg, tupleGet, [pair, constant(0)], n.loc));
      this.backprops.set(n, applyPrim(fg, tupleGet, [pair, constant(1)], n.loc));
    }
  }

  backward(g: Graph, order: Order, sweep: Sweep = {}): Graph {
    const back = newGraph(`◀${g.name}`, g.loc);
    this.made(back);
    const d = addParameter(back, sweep.seed === undefined ? "d" : "r", null);
    const sensitivities = new Map<Node, Node[]>();
    const add = (n: Node, s: Node): void => {
      // Constants carry no sensitivity, but for the closures a graph constant makes.
      if (n.kind === "constant" && !(isGraph(n.value) && (this.analysis.freeVariables.get(n.value)?.length ?? 0) > 0)) return;
      const list = sensitivities.get(n);
      if (list === undefined) sensitivities.set(n, [s]);
      else list.push(s);
    };
    const total = (n: Node): Node | null => sensitivities.get(n)?.reduce((a, b) => applyPrim(back, addSensPrim, [a, b], null)) ?? null;
    const zeroFor = (n: Node): Node => applyPrim(back, zerosLikePrim, [this.j(n)], null);
    const item = (t: Node, i: number): Node => applyPrim(back, tupleGet, [t, constant(i)], null);

    if (sweep.seed === undefined) add(g.output!, d);
    for (let k = order.length - 1; k >= 0; k--) {
      const n = order[k]!;
      if (n === sweep.seed?.at) {
        sweep.seed.into.forEach((m, i) => add(m, item(d, i)));
        continue;
      }
      const s = total(n);
      if (s === null) continue;
      if (n.kind === "apply") {
        const passage: Passage | undefined = this.first((c) => c.passage?.(n));
        const b = this.backprops.get(n)!;
        const r = passage?.call?.(back, b, s, n.loc) ?? apply(back, [b, s], n.loc);
        this.called.add(n);
        (passage?.into ?? n.inputs).forEach((m, i) => add(m, item(r, i)));
      } else {
        // The closure made here hands back an environment: unpack it into what it captured.
        const made = n.value as Graph;
        for (const fv of this.analysis.freeVariables.get(made) ?? []) add(fv, applyPrim(back, envGet, [s, this.key(made, fv), zeroFor(fv)], null));
      }
    }
    if (sweep.flat !== undefined) {
      back.output = applyPrim(back, makeTuple, sweep.flat.map((n) => total(n) ?? zeroFor(n)), null);
      return back;
    }
    let env: Node = constant(EnvValue.empty);
    for (const fv of this.analysis.freeVariables.get(g) ?? []) {
      const s = total(fv);
      if (s !== null) env = applyPrim(back, envSet, [env, this.key(g, fv), s], null);
    }
    back.output = applyPrim(back, makeTuple, [env, ...g.parameters.map((p) => total(p) ?? zeroFor(p))], null);
    return back;
  }

  /**
   * The environment key of `fv`, captured by `closure`. The root is differentiated as a closure
   * value: its environment goes back to code that names what a copy's captured nodes stand in
   * for (see ir/captures.ts). Inside the unit, keys need only agree.
   */
  private key(closure: Graph, fv: Node): Node {
    return constant(new EnvKey(closure === this.root ? this.session.captures.capturedAs(closure, fv) : fv));
  }

  /**
   * What the optimizer runs at each fixed point: the first time, the constructs lift their
   * backpropagators, inner ones first (the reverse of the order bodies were filled in, parents
   * first): lifting a loop or a branch must see what it contains final, a branch in a loop body
   * included. Until then, what they will rewrite is held.
   */
  atFixedPoint(): () => boolean {
    for (const c of this.constructs) c.hold();
    let lifted = false;
    return () => {
      if (lifted || this.lifts.length === 0) return false;
      lifted = true;
      for (const run of [...this.lifts].reverse()) this.made(...run());
      return true;
    };
  }
}

/** J of a graph that closes over nothing, such as a top-level def. */
export function transformGraph(session: Session, g: Graph): Graph {
  return transformClosure(session, g).forward;
}
