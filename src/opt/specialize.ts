// `grad(f)` of a function known when compiling — a graph constant that closes over nothing —
// becomes a constant: f's gradient graph, built now and optimized. J and the inliner can then
// see through it, so `grad(grad(f))` and functions that call `grad(f)` need no run-time
// transform, and the gradient of straight-line code is straight-line code.
import { gradientGraph, type GradientSpec } from "../ad/gradient-graph.js";
import { PrimError } from "../runtime/host.js";
import { argnumsOf, grad, valueAndGrad } from "../ad/builtins.js";
import type { Session } from "../ad/session.js";
import { constant, isConstantGraph, isGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { makeTuple } from "../prims/structural.js";
import { isPrimitive, type Value } from "../runtime/values.js";
import type { Rewrite } from "./rewrites.js";

function constantOf(n: Node): Value | undefined {
  return n.kind === "constant" && !isGraph(n.value) ? n.value : undefined;
}

/** The argument numbers of `grad(f, spec)`, when `spec` is absent, a constant, or a tuple of constants. */
function argnums(spec: Node | undefined, arity: number, kind: string): Pick<GradientSpec, "nums" | "single"> | null {
  let value: Value | undefined;
  if (spec === undefined) value = undefined;
  else if (spec.kind === "apply" && spec.inputs[0]!.kind === "constant" && spec.inputs[0]!.value === makeTuple) {
    const ks = spec.inputs.slice(1).map(constantOf);
    if (ks.some((k) => k === undefined)) return null;
    value = ks as Value[];
  } else {
    value = constantOf(spec);
    if (value === undefined) return null;
  }
  const nums = argnumsOf(kind, value, arity);
  return typeof nums === "string" ? null : nums;
}

/** `grad(@f, …)` with f a graph that closes over nothing: what this pass rewrites. */
function candidate(a: Apply, analysis: Analysis): { kind: GradientSpec["kind"]; f: Graph } | null {
  const callee = a.inputs[0]!;
  if (callee.kind !== "constant" || isGraph(callee.value) || !isPrimitive(callee.value)) return null;
  const kind: GradientSpec["kind"] | null = callee.value === grad ? "grad" : callee.value === valueAndGrad ? "value_and_grad" : null;
  const f = a.inputs[1];
  if (kind === null || f === undefined || a.inputs.length > 3 || !isConstantGraph(f)) return null;
  if ((analysis.freeVariables.get(f.value)?.length ?? 0) > 0 || f.value.output === null) return null;
  return { kind, f: f.value };
}

/** Whether f (and what it calls) has no gradient left to build, so that its J is final. */
function settled(f: Graph, analysis: Analysis): boolean {
  const seen = new Set<Graph>([f]);
  const stack = [f];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if ((analysis.applies.get(g) ?? []).some((a) => candidate(a, analysis) !== null)) return false;
    for (const h of analysis.graphConstants.get(g) ?? []) {
      if (!seen.has(h)) {
        seen.add(h);
        stack.push(h);
      }
    }
  }
  return true;
}

/** As a rewrite (rewrites.ts): it looks at calls of `grad` and `value_and_grad`. */
export function gradientSpecialization(session: Session): Rewrite {
  return { on: [grad, valueAndGrad], rewrite: (a, analysis) => specializeGradient(session, a, analysis) };
}

/** The optimized gradient graphs are built once per function and argument numbers, and kept in the session. */
function specializeGradient(session: Session, a: Apply, analysis: Analysis): Node | null {
  const c = candidate(a, analysis);
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
