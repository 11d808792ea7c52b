// The optimizer's driver (DESIGN.md § Optimizer): rounds of local rewrites, inlining and common
// subexpression elimination over the graphs it owns, each round on a fresh analysis, until a
// round changes nothing or a bound is reached. Dead code needs no pass of its own: a node no
// longer reachable from an output is simply gone.
import { isGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import { evaluationOrder } from "../ir/order.js";
import { cse } from "./cse.js";
import { inlinable, inlineCall } from "./inline.js";
import { Rewriter } from "./rewriter.js";
import { rewrites, type Rewrite } from "./rewrites.js";
import { specializeGradient } from "./specialize.js";

export interface OptimizeOptions {
  /** Rounds after which the optimizer stops even if it could go on. */
  readonly maxRounds?: number;
  /**
   * Graphs of at most this many applies (their nested graphs included) are inlined anywhere;
   * 0 inlines nothing.
   */
  readonly inlineSize?: number;
  /** Merge common subexpressions (default true). */
  readonly cse?: boolean;
  /** Build `grad(f)` of known functions now (default true). */
  readonly specialize?: boolean;
  /** `program` keeps everything J will see as it is written (see rewrites.ts); default `unit`. */
  readonly level?: "program" | "unit";
}

/**
 * Optimizes, in place, the graphs of `owned` reachable from `roots`; graphs outside `owned` (the
 * VM may already run them) are only read, and copied where they are inlined.
 */
export function optimize(roots: readonly Graph[], owned: Set<Graph>, options: OptimizeOptions = {}): void {
  const maxRounds = options.maxRounds ?? 32;
  const inlineSize = options.inlineSize ?? 400;
  const active = [...rewrites(options.level ?? "unit"), ...(options.specialize ?? true ? [specializeGradient] : [])];
  for (let round = 0; round < maxRounds; round++) {
    const analysis = analyze(roots);
    const rw = new Rewriter(analysis);
    const known = new Set<Apply>();
    for (const list of analysis.applies.values()) for (const a of list) known.add(a);
    const recursive = recursionTest(analysis);
    for (const g of analysis.graphs) {
      if (!owned.has(g)) continue;
      for (const a of evaluationOrder(g, analysis)) {
        if (rw.current(a) !== a) continue;
        const better = firstRewrite(a, analysis, active);
        if (better !== null) {
          trackNew(better, known, rw);
          rw.replace(a, better);
          continue;
        }
        const callee = inlineSize > 0 ? inlinable(a, analysis, recursive, inlineSize, rw) : null;
        if (callee !== null) for (const copy of inlineCall(a, callee, analysis, rw)) owned.add(copy);
      }
    }
    if (options.cse ?? true) cse(analysis, owned, rw);
    if (!rw.changed) return;
  }
}

/** Registers the uses made by Applies a rewrite created (they may nest), so later replacements reach them. */
function trackNew(n: Node, known: Set<Apply>, rw: Rewriter): void {
  const stack = [n];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (m.kind !== "apply" || known.has(m)) continue;
    known.add(m);
    rw.track(m);
    stack.push(...m.inputs);
  }
}

function firstRewrite(a: Apply, analysis: Analysis, active: readonly Rewrite[]): Node | null {
  for (const r of active) {
    const better = r(a, analysis);
    if (better !== null && better !== a) return better;
  }
  return null;
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
