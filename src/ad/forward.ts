// J⊳, forward mode (DESIGN.md § AD, docs/ad.md): graph `f(x…) = out` becomes
// `f⊳(x…, dx…) = (out, dout)` — the parameters doubled, primals first and then one tangent per
// primal, and the result a (primal, tangent) pair. Every node n of f has two images in f⊳, its
// primal and its tangent; each Apply `y = g(a, b)` becomes `r = J⊳(g)(a, b, da, db)` with
// `y = r[0]`, `dy = r[1]`. Constants have zero tangents. A function value is its transformed self
// with tangent `()`: a closure made in f⊳ closes over the primal *and* tangent images of what it
// captures, so a closure's derivative travels in its environment, never in its tangent.
//
// When f's output is a call, f⊳ returns that call's pair as it is, so tail calls stay tail calls
// and a loop (a tail-recursive graph) still runs in constant stack.
//
// As in reverse.ts, a closure is transformed as a unit with every graph it can reach that closes
// over something: its free variables become parameters — a primal and a tangent each — of a
// wrapper graph that is never run, so `J⊳(Closure(G, env)) = Closure(G⊳, env')` can be built
// at run time, when `jvp` meets the closure.
import { addParameter, apply, applyPrim, constant, isConstantGraph, isGraph, newGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { evaluationOrder } from "../ir/order.js";
import { PrimError } from "../runtime/host.js";
import { makeTuple, seq, switchPrim, tupleGet } from "../prims/structural.js";
import { callOf } from "../ir/match.js";
import { isPrimitive, UNIT } from "../runtime/values.js";
import { zeroTangent } from "../runtime/tangents.js";
import type { Session } from "./session.js";
import { byDepth, closuresOf } from "./units.js";

/** Where one free variable of G⊳ comes from: the primal or the tangent of G's free variable `index`. */
export interface EnvSlot {
  readonly index: number;
  readonly tangent: boolean;
}

export interface ForwardClosure {
  /** G⊳: its free variables stand for the primals and tangents of G's, as `env` says. */
  readonly forward: Graph;
  /** For each free variable of `forward` (in the VM's order), what it stands for. */
  readonly env: readonly EnvSlot[];
}

/** The graph `forward` was made from by J⊳, if it was. */
export function sourceOf(session: Session, forward: Graph): Graph | undefined {
  return session.forwardSources.get(forward);
}

/** J⊳ of a graph, with the correspondence of free variables needed to transform its closures. */
export function transformForward(session: Session, root: Graph): ForwardClosure {
  const known = session.forward.get(root);
  if (known !== undefined) return known;
  const analysis = analyze([root]);
  const members = closuresOf(root, analysis);
  const unit = new ForwardUnit(session, analysis, members);
  const wrapper = newGraph(`${root.name}/env`, null);
  const slots = new Map<Node, EnvSlot>();
  (analysis.freeVariables.get(root) ?? []).forEach((fv, index) => {
    const name = fv.kind === "parameter" ? fv.name : `fv${fv.id}`;
    const primal = addParameter(wrapper, name, null);
    const tangent = addParameter(wrapper, `d${name}`, null);
    unit.primals.set(fv, primal);
    unit.tangents.set(fv, tangent);
    slots.set(primal, { index, tangent: false });
    slots.set(tangent, { index, tangent: true });
  });
  // The result is cached before the bodies are filled, so recursion through closed graphs ends.
  // Its free variables are known only once it is optimized, so env is computed on first use.
  const forward = unit.graphs.get(root)!;
  let env: EnvSlot[] | null = null;
  const result: ForwardClosure = {
    forward,
    get env() {
      if (env === null) {
        env = (analyze([forward]).freeVariables.get(forward) ?? []).map((fv) => {
          const slot = slots.get(fv);
          if (slot === undefined) throw new Error(`internal: J⊳(${root.name}) has a free variable outside its closure`);
          return slot;
        });
      }
      return env;
    },
  };
  session.forward.set(root, result);
  session.units.fill(
    () => {
      for (const g of byDepth(members, analysis)) unit.fill(g);
      return () => session.optimizeUnit([forward], unit.created);
    },
    () => session.forward.delete(root),
  );
  return result;
}

class ForwardUnit {
  readonly graphs = new Map<Graph, Graph>();
  /** Every graph this unit made: the ones an optimizer may change before they first run. */
  readonly created = new Set<Graph>();
  readonly primals = new Map<Node, Node>();
  readonly tangents = new Map<Node, Node>();
  /** The (primal, tangent) pair each Apply's call returns. */
  private readonly pairs = new Map<Apply, Node>();

  constructor(
    private readonly session: Session,
    private readonly analysis: Analysis,
    members: readonly Graph[],
  ) {
    for (const g of members) {
      // A loop stays a loop and a branch a branch: J⊳ keeps tail calls, and the VM runs branches in place.
      const fg = newGraph(`${g.name}⊳`, g.loc, { loop: g.flags.loop, branch: g.flags.branch });
      for (const p of g.parameters) this.primals.set(p, addParameter(fg, p.name, p.loc));
      for (const p of g.parameters) this.tangents.set(p, addParameter(fg, `d${p.name}`, p.loc));
      this.graphs.set(g, fg);
      this.created.add(fg);
      session.forwardSources.set(fg, g);
    }
  }

  private image(images: ReadonlyMap<Node, Node>, n: Node): Node {
    const m = images.get(n);
    if (m === undefined) throw new Error(`internal: no J⊳-image for a node of ${n.kind === "constant" ? "a constant" : n.graph.name}`);
    return m;
  }

  /** The primal image of `n`; `calleeArity` is set when `n` is called. */
  private primal(n: Node, calleeArity: number | null): Node {
    if (n.kind !== "constant") return this.image(this.primals, n);
    const v = n.value;
    if (isGraph(v)) return constant(this.graphs.get(v) ?? transformForward(this.session, v).forward, n.loc);
    if (isPrimitive(v)) {
      const arity = calleeArity ?? (v.minArgs === v.maxArgs ? v.minArgs : null);
      if (arity === null) throw new PrimError(`jvp cannot differentiate through '${v.name}' passed as a value`);
      return constant(this.session.primitiveJvp(v, arity), n.loc);
    }
    return n;
  }

  private tangent(n: Node): Node {
    if (n.kind !== "constant") return this.image(this.tangents, n);
    return constant(isGraph(n.value) ? UNIT : zeroTangent(n.value), n.loc);
  }

  fill(g: Graph): void {
    const fg = this.graphs.get(g)!;
    for (const n of evaluationOrder(g, this.analysis)) {
      const args = n.inputs.slice(1);
      // `switch(c, A, B)` between two graphs (an `if`, before its call): a function value's
      // tangent is (), so the choice needs no pair, and `switch(c, A⊳, B⊳)()` is still an `if`
      // that a loop runs in place.
      if (callOf(n, switchPrim) !== null && args.length === 3 && isConstantGraph(args[1]!) && isConstantGraph(args[2]!)) {
        this.primals.set(n, applyPrim(fg, switchPrim, args.map((a) => this.primal(a, null)), n.loc));
        this.tangents.set(n, constant(UNIT, n.loc));
        continue;
      }
      const callee = this.primal(n.inputs[0]!, args.length);
      const pair = apply(fg, [callee, ...args.map((a) => this.primal(a, null)), ...args.map((a) => this.tangent(a))], n.loc);
      this.pairs.set(n, pair);
      this.primals.set(n, applyPrim(fg, tupleGet, [pair, constant(0)], n.loc));
      this.tangents.set(n, applyPrim(fg, tupleGet, [pair, constant(1)], n.loc));
    }
    fg.output = this.outputPair(g, fg, g.output!);
  }

  /**
   * The pair f⊳ returns for f's output `out`: a call's own pair, through `seq` (which only orders
   * effects before it), so that a call in tail position stays one; else a new pair. A primitive
   * was no call in f, so its J⊳ is not made a tail call: the frame of f⊳ stays on the stack, and
   * with it the source location of an error the primitive raises.
   */
  private outputPair(g: Graph, fg: Graph, out: Node): Node {
    if (out.kind === "apply" && out.graph === g) {
      const callee = out.inputs[0]!;
      if (callee.kind !== "constant" || !isPrimitive(callee.value)) return this.pairs.get(out)!;
      if (callee.value === seq) {
        const effects = out.inputs.slice(1, -1).map((e) => this.primal(e, null));
        return applyPrim(fg, seq, [...effects, this.outputPair(g, fg, out.inputs[out.inputs.length - 1]!)], out.loc);
      }
    }
    return applyPrim(fg, makeTuple, [this.primal(out, null), this.tangent(out)], g.loc);
  }
}

/** J⊳ of a graph that closes over nothing, such as a top-level def. */
export function transformForwardGraph(session: Session, g: Graph): Graph {
  return transformForward(session, g).forward;
}
