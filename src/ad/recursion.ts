// Reverse mode for recursion that is not a loop. J of a recursive graph f, done as for any graph,
// returns a backpropagator closure per call: ◀f closes over the values of its call, among them
// the backpropagator of the recursive call — a linked list of closures as long as the recursion.
// Instead (docs/ad.md § Recursion), J of f is split into a worker and a wrapper:
//
//   f▶w(x…) = (out, ◀f)                 the body, as J makes it; the unit's own calls of f call this
//   f▶(x…)  = (r[0], d ↦ f◀call(r[1], d))   where r = f▶w(x…): what everyone else calls
//   f◀call(b, d) = b(d)
//
// and the backward pass of a call of f inside the unit is `f◀call(b, d)`, never `b(d)`. Once the
// unit is optimized, ◀f is lambda-lifted: f▶w returns the tuple of the values ◀f reads in place
// of the closure, and f◀call becomes `◀f(d, b[0], b[1], …)`. Only f◀call and f▶w had to change,
// however many callers there are: the wrapper keeps the face every other unit expects, and
// inlined into a caller that calls its result right away it leaves no closure either. The
// records nest as the calls did; the backward pass is one recursive graph, as the forward is.
import { addParameter, apply, applyPrim, constant, isConstantGraph, newGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { makeTuple, tupleGet } from "../prims/structural.js";
import { readersOf, replaceWithin } from "../ir/lifting.js";
import { callOf } from "../ir/match.js";
import type { Construct, Core, Passage } from "./construct.js";

/** The recursive graphs of a unit (not loops, which loops.ts takes first), each split into worker and wrapper. */
export class Recursions implements Construct {
  private readonly images = new Map<Graph, RecursionImages>();

  constructor(
    private readonly members: readonly Graph[],
    private readonly analysis: Analysis,
  ) {}

  /** The worker f▶w is what the unit's own calls of f call; the wrapper is made beside it. */
  image(g: Graph, core: Core): Graph | undefined {
    if (g.flags.branch || !callsItself(g, this.members, this.analysis)) return undefined;
    const worker = newGraph(`${g.name}▶w`, g.loc);
    for (const p of g.parameters) core.map(p, addParameter(worker, p.name, p.loc));
    const images = recursionImages(g, worker);
    this.images.set(g, images);
    core.made(worker, ...images.made);
    return worker;
  }

  value(g: Graph): Graph | undefined {
    return this.images.get(g)?.wrapper;
  }

  /** The backward pass calls the backpropagator of a call of f through f◀call. */
  passage(n: Apply): Passage | undefined {
    const callee = n.inputs[0]!;
    const images = isConstantGraph(callee) ? this.images.get(callee.value) : undefined;
    return images === undefined ? undefined : { call: (back, b, d, loc) => apply(back, [constant(images.call), b, d], loc) };
  }

  /** Before f's backpropagator is built, and so before the branches in f are met: ◀f is lifted after theirs. */
  filling(g: Graph, core: Core): void {
    const images = this.images.get(g);
    if (images === undefined) return;
    core.lift(() => {
      liftRecursion(images);
      return [];
    });
  }

  filled(g: Graph, _image: Graph, back: Graph): void {
    const images = this.images.get(g);
    if (images !== undefined) images.back = back;
  }

  /** Keeps the optimizer from copying what liftRecursion rewrites (or inlining f◀call's first body), until it has. */
  hold(): void {
    for (const images of this.images.values()) for (const g of held(images)) g.flags.opaque = true;
  }
}

/** Whether some call of `g`, by name, is in `g` or in a graph of `members` it reaches. */
function callsItself(g: Graph, members: readonly Graph[], analysis: Analysis): boolean {
  const reached = [g];
  for (let i = 0; i < reached.length; i++) {
    const h = reached[i]!;
    if ((analysis.applies.get(h) ?? []).some((a) => isConstantGraph(a.inputs[0]!) && a.inputs[0].value === g)) return true;
    for (const k of analysis.graphConstants.get(h) ?? []) if (members.includes(k) && !reached.includes(k)) reached.push(k);
  }
  return false;
}

/** The J-world graphs of one recursive graph f. */
interface RecursionImages {
  /** f▶w, filled as J fills any graph. */
  readonly worker: Graph;
  /** f▶, built here. */
  readonly wrapper: Graph;
  /** f◀call(b, d): how a backward pass calls the backpropagator of a call of f. */
  readonly call: Graph;
  /** ◀f, once the worker is filled. */
  back: Graph | null;
  /** The graphs made here, for the unit's optimizer. */
  readonly made: readonly Graph[];
}

function recursionImages(g: Graph, worker: Graph): RecursionImages {
  const call = newGraph(`${g.name}◀call`, g.loc);
  const b = addParameter(call, "b", null);
  const d = addParameter(call, "d", null);
  call.output = apply(call, [b, d], null);

  const wrapper = newGraph(`${g.name}▶`, g.loc);
  const params = g.parameters.map((p) => addParameter(wrapper, p.name, p.loc));
  const r = apply(wrapper, [constant(worker), ...params], g.loc);
  const wrapped = newGraph(`◀${g.name}`, g.loc);
  const dw = addParameter(wrapped, "d", null);
  wrapped.output = apply(wrapped, [constant(call), applyPrim(wrapper, tupleGet, [r, constant(1)], null), dw], null);
  wrapper.output = applyPrim(wrapper, makeTuple, [applyPrim(wrapper, tupleGet, [r, constant(0)], null), constant(wrapped)], g.loc);
  return { worker, wrapper, call, back: null, made: [call, wrapper, wrapped] };
}

function held(images: RecursionImages): Graph[] {
  return [images.worker, images.call, ...(images.back === null ? [] : [images.back])];
}

/**
 * Replaces the closure ◀f that f▶w returns by the tuple of the values of f▶w it reads, which
 * become ◀f's parameters after d, and makes f◀call call ◀f with them. Leaves everything as it
 * was when the optimizer has changed the shape it looks for; releases what Recursions.hold held.
 */
function liftRecursion(images: RecursionImages): void {
  for (const g of held(images)) g.flags.opaque = false;
  const { worker, back, call } = images;
  if (back === null) return;
  const analysis = analyze([worker, call]);
  const out = worker.output;
  const returnsBack = (n: Node | undefined): boolean => n !== undefined && isConstantGraph(n) && n.value === back;
  if (out?.kind !== "apply" || out.graph !== worker || callOf(out, makeTuple) === null || out.inputs.length !== 3 || !returnsBack(out.inputs[2])) return;
  // ◀f must be made there and nowhere else: each place that makes it would have to pass the record.
  const makers = analysis.graphs.filter((h) => (analysis.graphConstants.get(h) ?? []).includes(back));
  if (makers.length !== 1 || (analysis.applies.get(worker) ?? []).some((a) => a !== out && a.inputs.some(returnsBack))) return;

  const saved = (analysis.freeVariables.get(back) ?? []).filter((n) => n.kind !== "constant" && n.graph === worker);
  const readers = readersOf(back, new Set(saved), analysis);
  if (readers === null) return;
  const params = saved.map((n, k) => addParameter(back, n.kind === "parameter" ? n.name : `saved${k}`, null));
  replaceWithin(readers, analysis, new Map(saved.map((n, k) => [n, params[k]!])));
  worker.output = applyPrim(worker, makeTuple, [out.inputs[1]!, applyPrim(worker, makeTuple, saved, null)], out.loc);
  const [b, d] = call.parameters as [Node, Node];
  call.output = apply(call, [constant(back), d, ...saved.map((_, k) => applyPrim(call, tupleGet, [b, constant(k)], null))], null);
}
