// The optimizer's driver (DESIGN.md § Optimizer): rounds of local rewrites, inlining and common
// subexpression elimination over the graphs it owns, each round on a fresh analysis, until a
// round changes nothing or a bound is reached; at that fixed point, what AD lifts and then
// closures that do not escape are lambda-lifted, and rounds go on. Dead code needs no pass of
// its own: a node no longer reachable from an output is simply gone.
import { idMark, isGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis, type Sealed } from "../ir/manager.js";
import { evaluationOrder } from "../ir/order.js";
import { cse } from "./cse.js";
import { inlinable, inlineCall } from "./inline.js";
import { liftClosures } from "./lambda-lift.js";
import { calleeGraph, primOf } from "../ir/match.js";
import { specializeCall } from "./specialize-args.js";
import { applyRewrite } from "./pattern.js";
import { Rewriter } from "./rewriter.js";
import { Round } from "./round.js";
import { byCallee, rewrites, type RewriteTable } from "./rewrites.js";
import { gradientSpecialization } from "./specialize.js";
import type { Session } from "../ad/session.js";

export interface OptimizeOptions {
  /** The compile session: what the optimizer remembers, and what AD builds with, across runs. */
  readonly session: Session;
  /** Rounds after which the optimizer stops even if it could go on. */
  readonly maxRounds?: number;
  /**
   * Graphs of at most this many applies (their nested graphs included) are inlined anywhere, and
   * owned graphs named only once whatever their size; 0 inlines nothing.
   */
  readonly inlineSize?: number;
  /** Merge common subexpressions (default true). */
  readonly cse?: boolean;
  /** Build `grad(f)` of known functions now (default true). */
  readonly specialize?: boolean;
  /** `program` keeps everything J will see as it is written (see rewrites.ts); default `unit`. */
  readonly level?: "program" | "unit";
  /** Called when a round changes nothing; if it changes the graphs in turn (returns true), rounds go on. */
  readonly atFixedPoint?: () => boolean;
}

/**
 * Optimizes, in place, the graphs of `owned` reachable from `roots`; graphs outside `owned` (the
 * VM may already run them) are only read, and copied where they are inlined.
 */
export function optimize(roots: readonly Graph[], owned: Set<Graph>, options: OptimizeOptions): void {
  const maxRounds = options.maxRounds ?? 32;
  const inlineSize = options.inlineSize ?? 200;
  const level = options.level ?? "unit";
  // The program keeps the closures J will see (see rewrites.ts).
  const liftsClosures = level === "unit" && inlineSize > 0;
  const active = byCallee([...rewrites(level), ...(options.specialize ?? true ? [gradientSpecialization(options.session)] : [])]);
  // The first round walks everything reachable. Graphs it finds that are not owned and do not
  // close over owned nodes cannot change while this runs: later rounds copy what the first
  // learned about them instead of walking them again, and inlining reads them from it.
  let sealed: Sealed | undefined;
  for (let rounds = 0; rounds < maxRounds; rounds++) {
    const analysis = analyze(roots, sealed);
    if (sealed === undefined) sealed = { graphs: sealedGraphs(analysis, roots, owned), from: analysis };
    const { graphs: settled, from: first } = sealed;
    const about = (g: Graph): Analysis => (settled.has(g) ? first : analysis);
    const round = new Round(analysis, level === "program");
    const rw = new Rewriter(round, options.session.captures);
    // Applies made from now on are the round's own: their uses are not in the analysis.
    const made = { from: idMark(), tracked: new Set<Apply>() };
    const context = { recursive: recursionTest(analysis), references: references(analysis), roots, owned, session: options.session };
    // CSE reads a graph in the same order: as computed here, if nothing has changed it since.
    const orders = new Map<Graph, readonly Apply[]>();
    for (const g of analysis.graphs) {
      if (!owned.has(g)) continue;
      const order = evaluationOrder(g, analysis);
      orders.set(g, order);
      for (const a of order) {
        if (rw.current(a) !== a) continue;
        const better = firstRewrite(a, round, active);
        if (better !== null) {
          trackNew(better, made, rw);
          rw.replace(a, better);
          continue;
        }
        const callee = inlineSize > 0 ? calleeGraph(a) : null;
        if (callee === null) continue;
        const source = about(callee);
        const copies =
          inlinable(a, source, context, inlineSize, rw) !== null
            ? inlineCall(a, callee, source, rw)
            : specializeCall(a, analysis, source, (h) => rw.touched.has(h) || h.flags.opaque === true, rw, options.session.specializedCalls);
        for (const g of copies ?? []) owned.add(g);
      }
    }
    if (options.cse ?? true) cse(analysis, owned, rw, (g) => (rw.touched.has(g) ? undefined : orders.get(g)) ?? evaluationOrder(g, analysis));
    if (rw.changed || (options.atFixedPoint?.() ?? false)) continue;
    // Last, closures nothing inlined: each lifted one may let the rewrites go on.
    if (!liftsClosures || liftClosures(roots, owned) === 0) return;
  }
  // Out of rounds: what the caller does at the fixed point must still happen, unoptimized after.
  options.atFixedPoint?.();
}

/** Registers the uses made by Applies a rewrite created (they may nest), so later replacements reach them. */
function trackNew(n: Node, made: { readonly from: number; readonly tracked: Set<Apply> }, rw: Rewriter): void {
  const stack = [n];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (m.kind !== "apply" || m.id < made.from || made.tracked.has(m)) continue;
    made.tracked.add(m);
    rw.track(m);
    stack.push(...m.inputs);
  }
}

function firstRewrite(a: Apply, round: Round, active: RewriteTable): Node | null {
  for (const r of active.get(primOf(a.inputs[0]!)) ?? []) {
    const better = applyRewrite(r, a, round);
    if (better !== null && better !== a) return better;
  }
  return null;
}

function sealedGraphs(analysis: Analysis, roots: readonly Graph[], owned: ReadonlySet<Graph>): Set<Graph> {
  const ownedNode = (n: Node): boolean => n.kind !== "constant" && owned.has(n.graph);
  return new Set(analysis.graphs.filter((g) => !owned.has(g) && !roots.includes(g) && !(analysis.freeVariables.get(g) ?? []).some(ownedNode)));
}


/** How many constants name each graph; counted when first asked, as most rounds never ask. */
function references(analysis: Analysis): (g: Graph) => number {
  let counted: Map<Graph, number> | undefined;
  return (g) => (counted ??= countReferences(analysis)).get(g) ?? 0;
}

function countReferences(analysis: Analysis): Map<Graph, number> {
  const count = new Map<Graph, number>();
  const note = (n: Node): void => {
    if (n.kind === "constant" && isGraph(n.value)) count.set(n.value, (count.get(n.value) ?? 0) + 1);
  };
  for (const g of analysis.graphs) {
    for (const a of analysis.applies.get(g) ?? []) a.inputs.forEach(note);
    if (g.output !== null) note(g.output);
  }
  return count;
}

/** A graph is recursive when it can reach a constant of itself through the graphs it refers to. */
function recursionTest(analysis: Analysis): (g: Graph) => boolean {
  const memo = new Map<Graph, boolean>();
  return (g) => {
    const known = memo.get(g);
    if (known !== undefined) return known;
    const seen = new Set<Graph>();
    const stack = [...(analysis.graphConstants.get(g) ?? [])];
    let found = false;
    while (stack.length > 0 && !found) {
      const h = stack.pop()!;
      if (h === g) found = true;
      else if (!seen.has(h)) {
        seen.add(h);
        stack.push(...(analysis.graphConstants.get(h) ?? []).filter(isGraph));
      }
    }
    memo.set(g, found);
    return found;
  };
}
