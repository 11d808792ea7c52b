// `grad(f)` of a function known when compiling — a graph constant that closes over nothing —
// becomes a constant: f's gradient graph, built now and optimized. J and the inliner can then
// see through it, so `grad(grad(f))` and functions that call `grad(f)` need no run-time
// transform, and the gradient of straight-line code is straight-line code.
import { argnumsOf, grad, valueAndGrad } from "../ad/builtins.js";
import { gradientGraph, type GradientSpec } from "../ad/gradient-graph.js";
import type { Session } from "../ad/session.js";
import { constant, type Apply, type Graph, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { callOf, constValue, primOf } from "../ir/match.js";
import { makeTuple } from "../prims/structural.js";
import { PrimError } from "../runtime/host.js";
import type { Value } from "../runtime/values.js";
import { call, graphConstant, matches, rest, rewrite, type Rewrite } from "./pattern.js";

/** The argument numbers of `grad(f, spec)`, when `spec` is absent, a constant, or a tuple of constants. */
function argnums(spec: Node | undefined, arity: number, kind: string): Pick<GradientSpec, "nums" | "single"> | null {
  let value: Value | undefined;
  const tuple = spec === undefined ? null : callOf(spec, makeTuple);
  if (spec === undefined) value = undefined;
  else if (tuple !== null) {
    const ks = tuple.inputs.slice(1).map(constValue);
    if (ks.some((k) => k === undefined)) return null;
    value = ks as Value[];
  } else {
    value = constValue(spec);
    if (value === undefined) return null;
  }
  const nums = argnumsOf(kind, value, arity);
  return typeof nums === "string" ? null : nums;
}

/** `grad(@f, …)`, `value_and_grad(@f, …)`: what this pass rewrites, when f closes over nothing. */
const gradientOfGraph = call([grad, valueAndGrad], graphConstant("f"), rest("spec"));

function closedGradient(a: Apply, analysis: Analysis): { kind: GradientSpec["kind"]; f: Graph } | null {
  const bound = matches(gradientOfGraph, a);
  if (bound === null || bound.spec.length > 1) return null;
  const { f } = bound;
  if ((analysis.freeVariables.get(f)?.length ?? 0) > 0 || f.output === null) return null;
  return { kind: primOf(a.inputs[0]!) === grad ? "grad" : "value_and_grad", f };
}

/** Whether f (and what it calls) has no gradient left to build, so that its J is final. */
function settled(f: Graph, analysis: Analysis): boolean {
  const seen = new Set<Graph>([f]);
  const stack = [f];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if ((analysis.applies.get(g) ?? []).some((a) => closedGradient(a, analysis) !== null)) return false;
    for (const h of analysis.graphConstants.get(g) ?? []) {
      if (!seen.has(h)) {
        seen.add(h);
        stack.push(h);
      }
    }
  }
  return true;
}

/**
 * As a rewrite (rewrites.ts). The optimized gradient graphs are built once per function and
 * argument numbers, and kept in the session.
 */
export function gradientSpecialization(session: Session): Rewrite {
  return rewrite(gradientOfGraph, (_, a, round) => specializeGradient(session, a, round.analysis));
}

function specializeGradient(session: Session, a: Apply, analysis: Analysis): Node | null {
  const c = closedGradient(a, analysis);
  if (c === null || !settled(c.f, analysis)) return null;
  const { kind, f } = c;
  const nums = argnums(a.inputs[2], f.parameters.length, kind);
  if (nums === null) return null;
  const key = `${kind}|${nums.nums.join(",")}|${nums.single}`;
  let byKey = session.specializedGradients.get(f);
  if (byKey === undefined) session.specializedGradients.set(f, (byKey = new Map()));
  let g = byKey.get(key);
  if (g === undefined) {
    try {
      g = gradientGraph(session, f, { kind, ...nums });
    } catch (e) {
      // f cannot be differentiated (say, it calls a primitive without a rule): grad(f) is left to
      // run time, which reports that where the program calls it.
      if (e instanceof PrimError) return null;
      throw e;
    }
    session.optimizeUnit([g], new Set([g]));
    byKey.set(key, g);
  }
  return constant(g, a.loc);
}
