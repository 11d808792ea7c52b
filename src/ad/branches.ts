// Reverse mode for `if`. J of `switch(c, A, B)()` runs A▶ or B▶, which returns its value and its
// backpropagator as a closure. Two things make that cheap, when both arms are this `if`'s alone
// (as lowering makes them):
//
// - Flat sensitivities. An arm's backpropagator hands back the sensitivities of what the arm
//   closes over. As environments, the caller would pass them to `switch`'s backpropagator and
//   read each free variable out of the one it gets; instead each arm returns a flat tuple over
//   the free variables of both arms (zeros for those it does not read), and the caller adds the
//   items to their sensitivities directly: no environment is built, and the optimizer sees tuples.
// - Lifting. In a loop body, the closure would be one per iteration, held in its record. Once the
//   unit is optimized, each arm's backpropagator is lambda-lifted as a loop's is (loops.ts): the
//   arm returns a tuple of the values its backpropagator reads, and the backward pass, instead of
//   calling a closure, switches on the same condition to a branch that calls the lifted graph
//   with them — a known graph, which the optimizer inlines.
import { addParameter, apply, applyPrim, constant, isConstantGraph, newGraph, type Apply, type Graph, type Node, type Parameter } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { makeTuple, switchPrim, tupleGet } from "../prims/structural.js";
import { readersOf, replaceWithin } from "../ir/lifting.js";
import { branchCall, callOf, constValue } from "../ir/match.js";
import type { Construct, Core, Order, Passage, Sweep } from "./construct.js";

/** The `if`s of a unit whose arms are theirs alone: differentiated with flat sensitivities, and lifted. */
export class Branches implements Construct {
  /** For each arm of such an `if`: the free variables of both arms, whose sensitivities its backpropagator returns. */
  private readonly flatArms = new Map<Graph, readonly Node[]>();
  /** For each call of such an `if`: its arms, and the nodes the items of its backpropagator's result are the sensitivities of. */
  private readonly calls = new Map<Apply, { readonly arms: readonly [Graph, Graph]; readonly into: readonly Node[] }>();
  /** The graph that calls each arm: a closed one is filled after it. */
  readonly hosts = new Map<Graph, Graph>();
  /** Each arm's image and backpropagator, once filled. */
  private readonly filledArms = new Map<Graph, Arm>();
  private readonly sites: BranchSite[] = [];

  /** `loopParts`: the bodies and exits of loops, whose `if` loops.ts differentiates. */
  constructor(members: readonly Graph[], analysis: Analysis, loopParts: ReadonlySet<Graph>) {
    const callers = new Map<Graph, Apply[]>();
    const found: [Apply, readonly [Graph, Graph]][] = [];
    for (const g of members) {
      for (const n of analysis.applies.get(g) ?? []) {
        const arms = branchCall(n)?.arms;
        if (arms === undefined || !arms.every((h) => h.flags.branch && members.includes(h) && !loopParts.has(h))) continue;
        found.push([n, arms]);
        for (const arm of arms) callers.set(arm, [...(callers.get(arm) ?? []), n]);
      }
    }
    for (const [n, arms] of found) {
      if (arms.some((arm) => callers.get(arm)!.length !== 1)) continue;
      const into = [...new Set(arms.flatMap((arm) => analysis.freeVariables.get(arm) ?? []))].sort((a, b) => a.id - b.id);
      this.calls.set(n, { arms, into });
      for (const arm of arms) {
        this.flatArms.set(arm, into);
        this.hosts.set(arm, n.graph);
      }
    }
  }

  sweep(g: Graph): Sweep | undefined {
    const flat = this.flatArms.get(g);
    return flat === undefined ? undefined : { flat };
  }

  passage(n: Apply): Passage | undefined {
    return this.calls.get(n);
  }

  /**
   * An arm's image and backpropagator are recorded; a host's `if`s whose backpropagator its
   * sweep called become sites to lift (users first, as the sweep met them).
   */
  filled(g: Graph, image: Graph, back: Graph, order: Order, core: Core): void {
    if (this.flatArms.has(g)) this.filledArms.set(g, { image, step: back });
    for (let k = order.length - 1; k >= 0; k--) {
      const n = order[k]!;
      const call = n.kind === "apply" && core.swept(n) ? this.calls.get(n) : undefined;
      if (call === undefined) continue;
      const site: BranchSite = {
        host: image,
        back,
        arms: () => {
          const [a, b] = call.arms.map((arm) => this.filledArms.get(arm));
          return a === undefined || b === undefined ? null : [a, b];
        },
      };
      this.sites.push(site);
      core.lift(() => liftBranch(site));
    }
  }

  /** Keeps the optimizer from copying what liftBranch rewrites, until it has. */
  hold(): void {
    for (const site of this.sites) for (const g of graphsOf(site)) g.flags.opaque = true;
  }
}

/** A call of a two-branch switch in J-world code, and the images of its branches. */
interface BranchSite {
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

/**
 * Replaces the backpropagator closure each branch returns by a tuple of what it reads, and the
 * call of that closure by a switch to calls of the lifted graphs. Returns the graphs it made;
 * leaves everything as it was when the optimizer has changed the shape it looks for.
 */
function liftBranch(site: BranchSite): Graph[] {
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
