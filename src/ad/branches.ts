// Reverse mode for `if`. J of `switch(c, A, B)()` runs A▶ or B▶, which returns its value and its
// backpropagator as a closure; in a loop body that is a closure per iteration, held in the
// iteration's record. Once the unit is optimized, each branch's backpropagator is lambda-lifted
// as a loop's is (loops.ts): the branch returns a tuple of the values its backpropagator reads,
// and the backward pass, instead of calling a closure, switches on the same condition to a
// branch that calls the lifted graph with them — a known graph, which the optimizer inlines.
import { addParameter, apply, applyPrim, constant, isConstantGraph, newGraph, type Graph, type Node, type Parameter } from "../ir/graph.js";
import { analyze } from "../ir/manager.js";
import { makeTuple, switchPrim, tupleGet } from "../prims/structural.js";
import { readersOf, replaceWithin } from "../ir/lifting.js";
import { branchCall, callOf, constValue } from "../ir/match.js";

/** A call of a two-branch switch in J-world code, and the images of its branches. */
export interface BranchSite {
  /** The graph that makes the call, and its backpropagator, where the branch's is called. */
  readonly host: Graph;
  readonly back: Graph;
  /** A▶ and ◀A, B▶ and ◀B: filled after the host (they nest in it), so found on first use. */
  readonly arms: () => readonly [Arm, Arm] | null;
}

interface Arm {
  readonly image: Graph;
  readonly step: Graph;
}

function graphsOf(site: BranchSite): Graph[] {
  return [site.host, site.back, ...(site.arms() ?? []).flatMap((a) => [a.image, a.step])];
}

/** Keeps the optimizer from copying what liftBranch rewrites, until it has. */
export function holdBranch(site: BranchSite): void {
  for (const g of graphsOf(site)) g.flags.opaque = true;
}

/**
 * Replaces the backpropagator closure each branch returns by a tuple of what it reads, and the
 * call of that closure by a switch to calls of the lifted graphs. Returns the graphs it made;
 * leaves everything as it was when the optimizer has changed the shape it looks for.
 */
export function liftBranch(site: BranchSite): Graph[] {
  const arms = site.arms();
  for (const g of graphsOf(site)) g.flags.opaque = false;
  if (arms === null) return [];
  const analysis = analyze([site.host, site.back]);
  const hostApplies = analysis.applies.get(site.host) ?? [];
  const branch = hostApplies.map(branchCall).find((b) => b !== null && b.arms[0] === arms[0].image && b.arms[1] === arms[1].image);
  if (branch === undefined || branch === null) return [];
  const { call } = branch;
  const bp = hostApplies.find((a) => callOf(a, tupleGet)?.inputs[1] === call && constValue(a.inputs[2]!) === 1);
  const consumer = bp === undefined ? undefined : (analysis.applies.get(site.back) ?? []).find((a) => a.inputs.length === 2 && a.inputs[0] === bp);
  // The closure must be called there and nowhere else, and each ◀ made only where its branch returns it.
  if (bp === undefined || consumer === undefined || (analysis.users.get(bp) ?? []).some(({ user }) => user !== consumer)) return [];
  const outputs = arms.map((arm) => {
    const out = arm.image.output;
    const made = out === null ? null : callOf(out, makeTuple);
    return made !== null && made.graph === arm.image && made.inputs.length === 3 && names(made.inputs[2], arm.step) ? made : null;
  });
  const elsewhere = (step: Graph): boolean => analysis.graphs.some((h) => (analysis.graphConstants.get(h) ?? []).includes(step) && !arms.some((a) => a.image === h));
  if (outputs.some((o) => o === null) || arms.some((a) => elsewhere(a.step))) return [];

  // Both arms are checked before either is changed: lifting one alone would break the call.
  const lifts = arms.map((arm) => {
    const saved = (analysis.freeVariables.get(arm.step) ?? []).filter((n) => n.kind !== "constant" && n.graph === arm.image);
    return { arm, saved, readers: readersOf(arm.step, new Set(saved), analysis) };
  });
  if (lifts.some((l) => l.readers === null)) return [];

  const s = consumer.inputs[1]!;
  const made = lifts.map(({ arm, saved, readers }, i) => {
    const params = saved.map((n, k) => addParam(arm.step, n, k));
    replaceWithin(readers!, analysis, new Map(saved.map((n, k) => [n, params[k]!])));
    const out = outputs[i]!;
    arm.image.output = applyPrim(arm.image, makeTuple, [out.inputs[1]!, applyPrim(arm.image, makeTuple, saved, null)], out.loc);
    const caller = newGraph(`◀${arm.image.name}/call`, null, { branch: true });
    caller.output = apply(caller, [constant(arm.step), s, ...saved.map((_, k) => applyPrim(caller, tupleGet, [bp, constant(k)], null))], null);
    return caller;
  });
  consumer.inputs = [applyPrim(site.back, switchPrim, [branch.cond, constant(made[0]!), constant(made[1]!)], null)];
  return made;
}

/** Whether `n` is a constant of graph `g`. */
function names(n: Node | undefined, g: Graph): boolean {
  return n !== undefined && isConstantGraph(n) && n.value === g;
}

function addParam(g: Graph, n: Node, k: number): Parameter {
  return addParameter(g, n.kind === "parameter" ? n.name : `saved${k}`, null);
}
