// Reverse mode for loops. J of a tail-recursive loop, done as for any graph, makes iteration k's
// backpropagator a closure over iteration k+1's: the forward pass is no longer a tail call and
// every iteration allocates closures. Instead (docs/ad.md § Loops), J of a loop graph
//
//   L(p…) = switch(c, B, E)()        B = { …; L(q…) }        E = { …; out }
//
// is two loops. The forward loop L▶loop(p▶…, saved) runs B▶ and E▶ and tail-calls itself with
// `saved` grown by one record per iteration; the backward loop L◀loop(saved, r) pops the records
// and applies one iteration's backpropagator to r = (∂ of L's free variables…, ∂p…), a flat
// tuple of the same type before and after an iteration. Once the unit is optimized, that per-iteration
// backpropagator is lambda-lifted (liftSavedRecords): the record holds only the values it reads,
// and the backward loop calls it as a known graph, which the optimizer then inlines — no closure
// per iteration remains unless the loop body makes one.
import { addParameter, apply, applyPrim, constant, newGraph, type Apply, type Graph, type Node, type Parameter } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { readersOf, replaceWithin } from "../ir/lifting.js";
import { branchCall, callOf, constValue } from "../ir/match.js";
import { isUnit, makeTuple, seq, switchPrim, tupleGet } from "../prims/structural.js";
import { envSet } from "../prims/sensitivity.js";
import { EnvKey, EnvValue, UNIT } from "../runtime/values.js";
import type { Construct, Core, Order } from "./construct.js";

/** A loop graph as the lowering builds it, recognized before J transforms it. */
interface LoopShape {
  readonly loop: Graph;
  readonly body: Graph;
  readonly exit: Graph;
  /** The call `L(q…)` that ends the body. */
  readonly tail: Apply;
}

/** The shape of `g` if it is a loop J can turn into two loops; null otherwise (J then treats it as any graph). */
function loopShape(g: Graph, analysis: Analysis): LoopShape | null {
  if (!g.flags.loop) return null;
  const branch = g.output === null ? null : branchCall(g.output);
  if (branch === null || branch.call.graph !== g || branch.choice.graph !== g) return null;
  const [body, exit] = branch.arms;
  if (!body.flags.branch || !exit.flags.branch) return null;
  const tail = tailCall(body, g);
  if (tail === null) return null;
  // One iteration's backpropagator answers for L's parameters and free variables only: a branch
  // reading a node L computed (other than through its parameters) would need L's own backward pass.
  for (const b of [body, exit]) {
    const fvs = analysis.freeVariables.get(b) ?? [];
    if (fvs.length === 0) return null;
    if (fvs.some((n) => n.kind === "apply" && n.graph === g)) return null;
  }
  // L must be named only by the tail call inside the body, so that every iteration is counted.
  for (const a of analysis.applies.get(body) ?? []) {
    if (a.inputs.some((x, i) => !(a === tail && i === 0) && x.kind === "constant" && x.value === g)) return null;
  }
  return { loop: g, body, exit, tail };
}

/** `L(q…)` as the body's output, or as the last operand of a `seq` that is. */
function tailCall(body: Graph, loop: Graph): Apply | null {
  let out = body.output;
  const ordered = out === null ? null : callOf(out, seq);
  if (ordered !== null && ordered.graph === body) out = ordered.inputs[ordered.inputs.length - 1]!;
  if (out?.kind !== "apply" || out.graph !== body) return null;
  const callee = out.inputs[0]!;
  return callee.kind === "constant" && callee.value === loop && out.inputs.length - 1 === loop.parameters.length ? out : null;
}

/** The J-world graphs of one loop, kept so that the saved records can be lifted once optimized. */
interface LoopImages {
  /** L▶(p…) = (out, ◀L): what callers of L call. */
  readonly entry: Graph;
  /** L▶loop(p…, saved): the forward loop. */
  readonly forward: Graph;
  /** Its last parameter: the records of the iterations so far, newest first; () when none. */
  readonly saved: Parameter;
  /** L◀loop(saved, r): the backward loop. */
  readonly backward: Graph;
  /** The branch of the backward loop that pops one record. */
  readonly pop: Graph;
  /** B▶, where each iteration pushes its record. */
  bodyImage: Graph | null;
  /** ◀B: one iteration's backpropagator, r ↦ r. */
  step: Graph | null;
  /** The graphs made here, for the unit's optimizer. */
  readonly made: readonly Graph[];
}

/** The graphs around the forward loop: the entry that starts it and the backward loop. */
function loopImages(shape: LoopShape, fvs: readonly Node[], forward: Graph, saved: Parameter): LoopImages {
  const { loop } = shape;
  const entry = newGraph(`${loop.name}▶`, loop.loc);
  const params = loop.parameters.map((p) => addParameter(entry, p.name, p.loc));

  const backward = newGraph(`${loop.name}◀loop`, loop.loc, { loop: true });
  const records = addParameter(backward, "saved", null);
  const r = addParameter(backward, "r", null);
  const done = newGraph(`${loop.name}◀done`, loop.loc, { branch: true });
  done.output = r;
  const pop = newGraph(`${loop.name}◀pop`, loop.loc, { branch: true });
  const top = applyPrim(pop, tupleGet, [records, constant(0)], null);
  const rest = applyPrim(pop, tupleGet, [records, constant(1)], null);
  pop.output = apply(pop, [constant(backward), rest, apply(pop, [top, r], null)], null);
  const chosen = applyPrim(backward, switchPrim, [applyPrim(backward, isUnit, [records], null), constant(done), constant(pop)], null);
  backward.output = apply(backward, [chosen], null);

  const res = apply(entry, [constant(forward), ...params, constant(UNIT)], loop.loc);
  const back = newGraph(`◀${loop.name}`, loop.loc);
  const d = addParameter(back, "d", null);
  const last = apply(back, [applyPrim(entry, tupleGet, [res, constant(1)], null), d], null);
  const first = apply(back, [constant(backward), applyPrim(entry, tupleGet, [res, constant(2)], null), last], null);
  // The loops carry r = (∂fv…, ∂p…) flat; a backpropagator returns (env of the free variables, ∂p…).
  const at = (i: number): Node => applyPrim(back, tupleGet, [first, constant(i)], null);
  const env = fvs.reduce<Node>((e, fv, i) => applyPrim(back, envSet, [e, constant(new EnvKey(fv)), at(i)], null), constant(EnvValue.empty));
  back.output = applyPrim(back, makeTuple, [env, ...loop.parameters.map((_, i) => at(fvs.length + i))], null);
  entry.output = applyPrim(entry, makeTuple, [applyPrim(entry, tupleGet, [res, constant(0)], null), constant(back)], loop.loc);
  return { entry, forward, saved, backward, pop, bodyImage: null, step: null, made: [entry, back, backward, done, pop] };
}

/** The graphs lifting rewrites: until then the optimizer must not copy them (inlining a graph they nest in would). */
function liftedGraphs(images: LoopImages): Graph[] {
  return [images.forward, images.backward, images.pop, ...(images.bodyImage === null ? [] : [images.bodyImage]), ...(images.step === null ? [] : [images.step])];
}


/** The loops of a unit, each a loop graph L with its body B and exit E, which J fills as two loops. */
export class Loops implements Construct {
  /** For a loop graph, its body and its exit branch: the shape and images of their loop. */
  private readonly of = new Map<Graph, { readonly shape: LoopShape; readonly images: LoopImages }>();
  /** The images of every loop, outer ones first. */
  private readonly all: LoopImages[] = [];
  private readonly shapes = new Map<Graph, LoopShape>();

  constructor(members: readonly Graph[], analysis: Analysis) {
    for (const g of members) {
      const shape = loopShape(g, analysis);
      if (shape !== null && members.includes(shape.body) && members.includes(shape.exit)) this.shapes.set(g, shape);
    }
  }

  /** The bodies and exits of the loops: their `if` is the loop's, not one branches.ts differentiates. */
  parts(): ReadonlySet<Graph> {
    return new Set([...this.shapes.values()].flatMap((s) => [s.body, s.exit]));
  }

  /** For L, the forward loop `L▶loop(p…, saved)` and what is around it; callers call the entry `L▶`. */
  image(g: Graph, core: Core): Graph | undefined {
    const shape = this.shapes.get(g);
    if (shape === undefined) return undefined;
    const forward = newGraph(`${g.name}▶loop`, g.loc, { loop: true });
    for (const p of g.parameters) core.map(p, addParameter(forward, p.name, p.loc));
    const images = loopImages(shape, core.analysis.freeVariables.get(g) ?? [], forward, addParameter(forward, "saved", null));
    for (const h of [shape.loop, shape.body, shape.exit]) this.of.set(h, { shape, images });
    this.all.push(images);
    core.made(forward, ...images.made);
    return images.entry;
  }

  /**
   * The loop's three graphs: L's image is the forward loop, which runs B▶ or E▶; B▶ pushes its
   * backpropagator and tail-calls the forward loop; E▶ returns `(out, ◀E, saved)`. ◀B maps one
   * iteration's r to the one before it; ◀E starts the backward loop from the exit's d.
   */
  fill(g: Graph, order: Order, core: Core): boolean {
    const loop = this.of.get(g);
    if (loop === undefined) return false;
    const { shape, images } = loop;
    if (g === shape.loop) {
      const call = g.output as Apply;
      core.forward(images.forward, order, new Set([call]));
      images.forward.output = apply(images.forward, [core.j(call.inputs[0]!, 0)], g.loc);
      return true;
    }
    const image = core.imageOf(g);
    // One iteration's result has the type of its argument r, flat: no environment to rebuild per iteration.
    const fvs = core.analysis.freeVariables.get(shape.loop) ?? [];
    const flat = [...fvs, ...shape.loop.parameters];
    const out = g.output!;
    if (g === shape.exit) {
      core.forward(image, order, new Set());
      const back = core.backward(g, order, { flat });
      image.output = applyPrim(image, makeTuple, [core.j(out), constant(back), images.saved], g.loc);
      return true;
    }
    const { tail } = shape;
    core.forward(image, order, new Set([tail, out]));
    // Before the backpropagator is built: the branches in the body are to be lifted first.
    core.lift(() => {
      liftSavedRecords(images);
      return [];
    });
    const step = core.backward(g, order, { seed: { at: tail, into: [...fvs, ...tail.inputs.slice(1)] }, flat });
    images.bodyImage = image;
    images.step = step;
    const push = applyPrim(image, makeTuple, [constant(step), images.saved], null);
    const call = apply(image, [constant(images.forward), ...tail.inputs.slice(1).map((x) => core.j(x)), push], tail.loc);
    // The statements `seq` orders before the call have their images too; keep them ordered.
    image.output = out === tail ? call : applyPrim(image, seq, [...(out as Apply).inputs.slice(1, -1).map((x) => core.j(x)), call], out.loc);
    return true;
  }

  hold(): void {
    for (const images of this.all) for (const g of liftedGraphs(images)) g.flags.opaque = true;
  }
}

/**
 * Replaces the closure each iteration pushes by a record of the per-iteration values ◀B reads,
 * and its call in the backward loop by a call of ◀B as a known graph. Values from outside the
 * loop stay free variables of ◀B: they are the same in every iteration. Releases the graphs
 * Loops.hold held.
 */
function liftSavedRecords(images: LoopImages): void {
  for (const g of liftedGraphs(images)) g.flags.opaque = false;
  const { bodyImage, step, pop } = images;
  if (bodyImage === null || step === null) return;
  const analysis = analyze([images.forward, images.backward]);
  const push = (analysis.applies.get(bodyImage) ?? []).find(
    (a) => callOf(a, makeTuple) !== null && a.inputs.length === 3 && a.inputs[1]!.kind === "constant" && a.inputs[1].value === step,
  );
  const popApplies = analysis.applies.get(pop) ?? [];
  const call = popApplies.find((a) => callOf(a.inputs[0]!, tupleGet)?.inputs[1] === images.backward.parameters[0]);
  const rest = popApplies.find((a) => callOf(a, tupleGet) !== null && constValue(a.inputs[2]!) === 1);
  const pushUsers = push === undefined ? [] : (analysis.users.get(push) ?? []);
  if (push === undefined || call === undefined || rest === undefined || pushUsers.length !== 1) return;

  const perIteration = (n: Node): boolean => n.kind !== "constant" && (n.graph === bodyImage || n.graph === images.forward);
  const lifted = (analysis.freeVariables.get(step) ?? []).filter(perIteration);
  const readers = readersOf(step, new Set(lifted), analysis);
  if (readers === null) return;
  const params = lifted.map((n, i) => addParameter(step, n.kind === "parameter" ? n.name : `saved${i}`, null));
  replaceWithin(readers, analysis, new Map(lifted.map((n, i) => [n, params[i]!])));

  const record = applyPrim(bodyImage, makeTuple, [...lifted, push.inputs[2]!], null);
  const use = pushUsers[0]!;
  use.user.inputs[use.index] = record;
  const records = images.backward.parameters[0]!;
  call.inputs = [constant(step), call.inputs[1]!, ...lifted.map((_, i) => applyPrim(pop, tupleGet, [records, constant(i)], null))];
  rest.inputs[2] = constant(lifted.length);
}
