// J, closure-based reverse mode (DESIGN.md § AD): graph `f(x…) = out` becomes
// `f▶(x…) = (out▶, ◀f)`. Each Apply `y = g(a…)` becomes `(y▶, ◀y) = J(g)(a▶…)`; the
// backpropagator ◀f is a graph nested in f▶, so it closes over the ◀y of the forward pass — that
// closure is the tape, and it exists only where the program needs it. ◀f(d) sweeps the Applies
// in reverse and returns `(env, ∂x…)`, where env holds the sensitivities of f's free variables.
//
// A closure is transformed as a unit with every graph it can reach that closes over something:
// its free variables become parameters of a wrapper graph W that is never run, so that
// `J(Closure(G, env)) = Closure(G▶, J(env))` can be built at run time, when `grad` meets it.
import { addParameter, apply, applyPrim, constant, isConstantGraph, isGraph, newGraph, type Apply, type Constant, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { evaluationOrderWithClosures } from "../ir/order.js";
import { PrimError } from "../runtime/host.js";
import { addSensPrim, envGet, envSet, zerosLikePrim } from "../prims/sensitivity.js";
import { makeTuple, seq, tupleGet } from "../prims/structural.js";
import { branchCall } from "../ir/match.js";
import { EnvKey, EnvValue, isPrimitive } from "../runtime/values.js";
import { holdBranch, liftBranch, type BranchSite } from "./branches.js";
import { holdForLifting, liftSavedRecords, loopImages, loopShape, type LoopImages, type LoopShape } from "./loops.js";
import { callBackpropagator, callsItself, holdRecursion, liftRecursion, recursionImages, type RecursionImages } from "./recursion.js";
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
  const rootFvs = analysis.freeVariables.get(root) ?? [];
  const members = closuresOf(root, analysis);
  const unit = new Unit(session, analysis, members);
  const wrapper = newGraph(`${root.name}/env`, null);
  for (const fv of rootFvs) {
    unit.map(fv, addParameter(wrapper, fv.kind === "parameter" ? fv.name : `fv${fv.id}`, null));
  }
  const forward = unit.entry(root);
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
      for (const g of byDepth(members, analysis, unit.hosts)) unit.fill(g);
      if (unit.keepsShape) {
        for (const g of unit.created) g.flags.opaque = true;
        return null;
      }
      for (const images of unit.loops) holdForLifting(images);
      for (const site of unit.branches) holdBranch(site);
      for (const images of unit.recursions.values()) holdRecursion(images);
      let lifted = false;
      // Backpropagators are lifted once they are as small as the optimizer makes them, inner
      // ones first (the reverse of the order bodies were filled in, parents first): lifting a
      // loop or a branch must see what it contains final, a branch in a loop body included.
      const lift = (): boolean => {
        if (lifted || unit.lifts.length === 0) return false;
        lifted = true;
        for (const run of [...unit.lifts].reverse()) for (const g of run()) unit.created.add(g);
        return true;
      };
      return () => session.optimizeUnit([forward], unit.created, lift);
    },
    () => session.reverse.delete(root),
  );
  return result;
}

class Unit {
  readonly graphs = new Map<Graph, Graph>();
  /** Every graph this unit made: the ones an optimizer may change before they first run. */
  readonly created = new Set<Graph>();
  /**
   * Set when the unit differentiates a call of a builtin whose J maps sensitivities back through
   * the J-world nodes closures captured (see unJ): the optimizer would rename those nodes.
   */
  keepsShape = false;
  /** The loops of this unit that J turns into a forward and a backward loop (see loops.ts), outer ones first. */
  readonly loops: LoopImages[] = [];
  /** The calls of `if` branches in this unit, whose backpropagators are lifted (see branches.ts). */
  readonly branches: BranchSite[] = [];
  /** The recursive graphs of this unit, split into worker and wrapper (see recursion.ts). */
  readonly recursions = new Map<Graph, RecursionImages>();
  /** The liftings of loops, branches and recursive graphs, in the order their bodies were filled; each returns the graphs it made. */
  readonly lifts: (() => Graph[])[] = [];
  /**
   * For each branch graph whose `if` is differentiated as a whole (see flatBranches): the free
   * variables of both arms, whose sensitivities its backpropagator returns as a flat tuple.
   */
  private readonly flatArms = new Map<Graph, readonly Node[]>();
  /** The graph that calls each arm of flatCalls: a closed one is filled after it. */
  readonly hosts = new Map<Graph, Graph>();
  /** The calls `switch(c, A, B)()` whose arms return flat tuples. */
  private readonly flatCalls = new Map<Apply, readonly Node[]>();
  /** Each branch graph's backpropagator. */
  private readonly backs = new Map<Graph, Graph>();
  private readonly nodes = new Map<Node, Node>();
  private readonly bprops = new Map<Apply, Node>();
  /** The calls of recursive graphs of this unit: their backpropagators are called through f◀call. */
  private readonly recursiveCalls = new Map<Apply, RecursionImages>();
  /** For a loop graph, its body and its exit branch: the shape and images of their loop. */
  private readonly loopOf = new Map<Graph, { readonly shape: LoopShape; readonly images: LoopImages }>();

  /** The graph the unit is for, the first member. */
  private readonly root: Graph;

  constructor(
    private readonly session: Session,
    private readonly analysis: Analysis,
    members: readonly Graph[],
  ) {
    this.root = members[0]!;
    for (const g of members) {
      const shape = loopShape(g, analysis);
      if (shape !== null && members.includes(shape.body) && members.includes(shape.exit)) {
        const forward = newGraph(`${g.name}▶loop`, g.loc, { loop: true });
        for (const p of g.parameters) this.map(p, addParameter(forward, p.name, p.loc));
        const images = loopImages(shape, analysis.freeVariables.get(g) ?? [], forward, addParameter(forward, "saved", null));
        for (const h of [shape.loop, shape.body, shape.exit]) this.loopOf.set(h, { shape, images });
        this.loops.push(images);
        this.graphs.set(g, images.entry);
        for (const h of [forward, ...images.made]) this.created.add(h);
        continue;
      }
      // A branch stays a branch (the VM runs it in place); a loop not recognized above is no tail call any more.
      const recursive = !g.flags.branch && callsItself(g, members, analysis);
      const fg = newGraph(recursive ? `${g.name}▶w` : `${g.name}▶`, g.loc, { branch: g.flags.branch });
      for (const p of g.parameters) this.map(p, addParameter(fg, p.name, p.loc));
      this.graphs.set(g, fg);
      this.created.add(fg);
      if (recursive) {
        const images = recursionImages(g, fg);
        this.recursions.set(g, images);
        for (const h of images.made) this.created.add(h);
      }
    }
    this.flatBranches(members);
  }

  /**
   * An `if`'s arms hand back the sensitivities of what they close over. As environments, the
   * caller would pass them to `switch`'s backpropagator and read each free variable out of the
   * one it gets; instead, when both arms are this `if`'s alone, each returns a flat tuple over the
   * free variables of both (zeros for those it does not read) and the caller adds them up
   * directly — no environment is built, and the optimizer sees plain tuples.
   */
  private flatBranches(members: readonly Graph[]): void {
    const sites = new Map<Graph, Apply[]>();
    const calls: [Apply, readonly [Graph, Graph]][] = [];
    for (const g of members) {
      for (const n of this.analysis.applies.get(g) ?? []) {
        const arms = this.branchesCalled(n);
        if (arms === null) continue;
        calls.push([n, arms]);
        for (const arm of arms) sites.set(arm, [...(sites.get(arm) ?? []), n]);
      }
    }
    for (const [n, arms] of calls) {
      if (arms.some((arm) => sites.get(arm)!.length !== 1)) continue;
      const fvs = [...new Set(arms.flatMap((arm) => this.analysis.freeVariables.get(arm) ?? []))].sort((a, b) => a.id - b.id);
      this.flatCalls.set(n, fvs);
      for (const arm of arms) {
        this.flatArms.set(arm, fvs);
        this.hosts.set(arm, n.graph);
      }
    }
  }

  /** What a caller outside the unit calls for member `g`: its J image, or its wrapper when recursive. */
  entry(g: Graph): Graph {
    return this.recursions.get(g)?.wrapper ?? this.graphs.get(g)!;
  }

  /**
   * The environment key of `fv`, captured by `closure`. The root is differentiated as a closure
   * value: its environment goes back to code that names what a copy's captured nodes stand in
   * for (see captures.ts). Inside the unit, keys need only agree.
   */
  private key(closure: Graph, fv: Node): Node {
    return constant(new EnvKey(closure === this.root ? this.session.captures.capturedAs(closure, fv) : fv));
  }

  map(primal: Node, j: Node): void {
    this.nodes.set(primal, j);
    this.session.standsFor.set(j, primal);
  }

  /** The J-world node standing for primal node `n`; `calleeArity` is set when `n` is called. */
  private j(n: Node, calleeArity: number | null): Node {
    if (n.kind !== "constant") {
      const m = this.nodes.get(n);
      if (m === undefined) throw new Error(`internal: no J-image for a node of ${n.graph.name}`);
      return m;
    }
    const v = n.value;
    if (isGraph(v)) {
      // The unit's own calls of a recursive graph call its worker; the graph as a value is its wrapper.
      const member = calleeArity === null && this.graphs.has(v) ? this.entry(v) : this.graphs.get(v);
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

  fill(g: Graph): void {
    const loop = this.loopOf.get(g);
    if (loop !== undefined) return this.fillLoopPart(g, loop.shape, loop.images);
    const fg = this.graphs.get(g)!;
    const order = evaluationOrderWithClosures(g, this.analysis);
    this.fillApplies(fg, order, new Set());
    const recursion = this.recursions.get(g);
    // Pushed before the branches in g are met: f's backpropagator is lifted after theirs.
    if (recursion !== undefined) {
      this.lifts.push(() => {
        liftRecursion(recursion);
        return [];
      });
    }
    const back = this.backpropagator(g, order);
    if (recursion !== undefined) recursion.back = back;
    if (g.flags.branch) this.backs.set(g, back);
    fg.output = applyPrim(fg, makeTuple, [this.j(g.output!, null), constant(back)], g.loc);
  }

  /** The branches `n` calls, when it is `switch(c, A, B)()` of two branch graphs of this unit that are no loop's parts. */
  private branchesCalled(n: Apply): readonly [Graph, Graph] | null {
    const arms = branchCall(n)?.arms;
    return arms !== undefined && arms.every((h) => h.flags.branch && this.graphs.has(h) && !this.loopOf.has(h)) ? arms : null;
  }

  private fillApplies(fg: Graph, order: readonly (Apply | Constant)[], skip: ReadonlySet<Node>): void {
    for (const n of order) {
      if (n.kind !== "apply" || skip.has(n)) continue;
      const inputs = n.inputs.map((x, i) => this.j(x, i === 0 ? n.inputs.length - 1 : null));
      const pair = apply(fg, inputs, n.loc);
      const callee = n.inputs[0]!;
      const recursion = isConstantGraph(callee) ? this.recursions.get(callee.value) : undefined;
      if (recursion !== undefined) this.recursiveCalls.set(n, recursion);
      this.map(n, applyPrim(fg, tupleGet, [pair, constant(0)], n.loc));
      this.bprops.set(n, applyPrim(fg, tupleGet, [pair, constant(1)], n.loc));
    }
  }

  /**
   * The forward loop's part of a loop graph, body or exit: each returns `(out, ◀exit, saved)` from
   * the last iteration, the body by a tail call that pushes its backpropagator.
   */
  private fillLoopPart(g: Graph, shape: LoopShape, images: LoopImages): void {
    const order = evaluationOrderWithClosures(g, this.analysis);
    if (g === shape.loop) {
      const call = g.output as Apply;
      this.fillApplies(images.forward, order, new Set([call]));
      images.forward.output = apply(images.forward, [this.j(call.inputs[0]!, 0)], g.loc);
      return;
    }
    const fg = this.graphs.get(g)!;
    const out = g.output!;
    if (g === shape.exit) {
      this.fillApplies(fg, order, new Set());
      const back = this.backpropagator(g, order, { as: shape.loop });
      fg.output = applyPrim(fg, makeTuple, [this.j(out, null), constant(back), images.saved], g.loc);
      return;
    }
    const { tail } = shape;
    this.fillApplies(fg, order, new Set([tail, out]));
    // Before the backpropagator is built: the branches in the body are to be lifted first.
    this.lifts.push(() => {
      liftSavedRecords(images);
      return [];
    });
    const step = this.backpropagator(g, order, { as: shape.loop, tail });
    images.bodyImage = fg;
    images.step = step;
    const push = applyPrim(fg, makeTuple, [constant(step), images.saved], null);
    const call = apply(fg, [constant(images.forward), ...tail.inputs.slice(1).map((x) => this.j(x, null)), push], tail.loc);
    // The statements `seq` orders before the call have their images too; keep them ordered.
    fg.output = out === tail ? call : applyPrim(fg, seq, [...(out as Apply).inputs.slice(1, -1).map((x) => this.j(x, null)), call], out.loc);
  }

  /**
   * ◀g(d): contributions flow from each node to its inputs, users before what they use. For a
   * part of a loop, the result is r = (∂fv…, ∂p…) for the free variables and parameters of the
   * loop graph `as`; a loop body's `tail` call is not differentiated through: its
   * backpropagator's result is the parameter, the next iteration's r.
   */
  private backpropagator(g: Graph, order: readonly (Apply | Constant)[], loop?: { readonly as: Graph; readonly tail?: Apply }): Graph {
    const back = newGraph(`◀${g.name}`, g.loc);
    this.created.add(back);
    const tail = loop?.tail;
    const d = addParameter(back, tail === undefined ? "d" : "r", null);
    const contributions = new Map<Node, Node[]>();
    const contribute = (n: Node, s: Node): void => {
      if (n.kind === "constant" && !(isGraph(n.value) && (this.analysis.freeVariables.get(n.value)?.length ?? 0) > 0)) return;
      const list = contributions.get(n);
      if (list === undefined) contributions.set(n, [s]);
      else list.push(s);
    };
    const total = (n: Node): Node | null => {
      const list = contributions.get(n);
      if (list === undefined) return null;
      return list.reduce((a, b) => applyPrim(back, addSensPrim, [a, b], null));
    };
    const zeroFor = (n: Node): Node => applyPrim(back, zerosLikePrim, [this.j(n, null)], null);

    if (tail === undefined) contribute(g.output!, d);
    for (let k = order.length - 1; k >= 0; k--) {
      const n = order[k]!;
      if (n === tail) {
        // r holds the next iteration's sensitivities of L's free variables, then of its parameters.
        const fvs = this.analysis.freeVariables.get(loop!.as) ?? [];
        const at = (i: number): Node => applyPrim(back, tupleGet, [d, constant(i)], null);
        fvs.forEach((fv, i) => contribute(fv, at(i)));
        n.inputs.slice(1).forEach((x, i) => contribute(x, at(fvs.length + i)));
        continue;
      }
      const s = total(n);
      if (s === null) continue;
      if (n.kind === "apply") {
        const r = callBackpropagator(back, this.recursiveCalls.get(n), this.bprops.get(n)!, s, n.loc);
        const flat = this.flatCalls.get(n);
        // Lifting rewrites the arms in place: only an `if` whose arms no other call shares (flatCalls).
        const arms = flat === undefined ? null : this.branchesCalled(n);
        if (arms !== null) {
          const host = this.graphs.get(g)!;
          const site: BranchSite = {
            host,
            back,
            arms: () => {
              const [a, b] = arms.map((h) => ({ image: this.graphs.get(h)!, step: this.backs.get(h) }));
              return a!.step === undefined || b!.step === undefined ? null : [{ image: a!.image, step: a!.step }, { image: b!.image, step: b!.step }];
            },
          };
          this.branches.push(site);
          this.lifts.push(() => liftBranch(site));
        }
        if (flat === undefined) n.inputs.forEach((x, i) => contribute(x, applyPrim(back, tupleGet, [r, constant(i)], null)));
        else flat.forEach((fv, i) => contribute(fv, applyPrim(back, tupleGet, [r, constant(i)], null)));
      } else {
        // The closure made here hands back an environment: unpack it into what it captured.
        const made = n.value as Graph;
        for (const fv of this.analysis.freeVariables.get(made) ?? []) {
          contribute(fv, applyPrim(back, envGet, [s, this.key(made, fv), zeroFor(fv)], null));
        }
      }
    }
    if (loop !== undefined) {
      // One iteration's result has the type of its argument r, flat: no environment to rebuild per iteration.
      const fvs = this.analysis.freeVariables.get(loop.as) ?? [];
      const all = [...fvs, ...loop.as.parameters].map((n) => total(n) ?? zeroFor(n));
      back.output = applyPrim(back, makeTuple, all, null);
      return back;
    }
    const flat = this.flatArms.get(g);
    if (flat !== undefined) {
      back.output = applyPrim(back, makeTuple, flat.map((fv) => total(fv) ?? zeroFor(fv)), null);
      return back;
    }
    let env: Node = constant(EnvValue.empty);
    for (const fv of this.analysis.freeVariables.get(g) ?? []) {
      const s = total(fv);
      if (s !== null) env = applyPrim(back, envSet, [env, this.key(g, fv), s], null);
    }
    const dparams = g.parameters.map((p) => total(p) ?? zeroFor(p));
    back.output = applyPrim(back, makeTuple, [env, ...dparams], null);
    return back;
  }
}

/** J of a graph that closes over nothing, such as a top-level def. */
export function transformGraph(session: Session, g: Graph): Graph {
  return transformClosure(session, g).forward;
}
