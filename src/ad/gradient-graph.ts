// `grad(f, …)` as a graph: call J(f), check the value is a Num, seed its backpropagator with 1 and
// pick the sensitivities asked for. Because the gradient is an ordinary graph over an ordinary
// closure J(f), it can itself be transformed: that is all `grad(grad(f))` needs.
import { addParameter, apply, applyPrim, constant, newGraph, type Graph, type Node } from "../ir/graph.js";
import { expectCotangent, expectNumOutput, userGradientPrim } from "../prims/sensitivity.js";
import { makeTuple, seq, tupleGet } from "../prims/structural.js";
import { jValuePrim } from "./j-value.js";
import { transformGraph } from "./reverse.js";
import type { Session } from "./session.js";

export interface GradientSpec {
  readonly kind: "grad" | "value_and_grad";
  /** The argument numbers the gradient is taken with respect to. */
  readonly nums: readonly number[];
  /** `grad(f, k)` gives one gradient; `grad(f, (i, j))` a tuple of them. */
  readonly single: boolean;
}

/** `jf(j_value(x)…)`: functions among the arguments must be called in the J world too. */
function callJ(g: Graph, jf: Node, xs: readonly Node[]): Node {
  return apply(g, [jf, ...xs.map((x) => applyPrim(g, jValuePrim, [x], null))], null);
}

/** The body has no place in the source: an error in it is reported where the gradient is called. */
function gradientBody(g: Graph, jf: Node, xs: readonly Node[], spec: GradientSpec, label: string): Node {
  const pair = callJ(g, jf, xs);
  const y = applyPrim(g, expectNumOutput, [applyPrim(g, tupleGet, [pair, constant(0)], null), constant(label)], null);
  const sens = apply(g, [applyPrim(g, tupleGet, [pair, constant(1)], null), constant(1)], null);
  const gs = spec.nums.map((k) => applyPrim(g, userGradientPrim, [applyPrim(g, tupleGet, [sens, constant(k + 1)], null), xs[k]!], null));
  const gradient = spec.single ? gs[0]! : applyPrim(g, makeTuple, gs, null);
  const out = spec.kind === "grad" ? gradient : applyPrim(g, makeTuple, [y, gradient], null);
  return applyPrim(g, seq, [y, out], null);
}

/**
 * The graph of `grad(f, …)` for an f of `arity` parameters. It closes over one value, J(f), so
 * the gradient of any function is `Closure(graph, [J(f)])`.
 */
export function gradientClosureGraph(session: Session, spec: GradientSpec, arity: number, label: string): Graph {
  const key = `${spec.kind}|${spec.nums.join(",")}|${spec.single}|${arity}|${label}`;
  const known = session.gradientGraphs.get(key);
  if (known !== undefined) return known;
  const env = newGraph(`${label}/env`, null);
  const jf = addParameter(env, "jf", null);
  const name = `${spec.kind}(${label})`;
  const g = newGraph(name, null);
  const xs = Array.from({ length: arity }, (_, i) => addParameter(g, `x${i}`, null));
  g.output = gradientBody(g, jf, xs, spec, name);
  session.gradientGraphs.set(key, g);
  return g;
}

/**
 * The gradient of a graph that closes over nothing, as a graph of its own: by default
 * `grad(f, (0, …, n-1))`, as `myx ir --grad` and the REPL's `:grad` show it.
 */
export function gradientGraph(session: Session, f: Graph, spec?: GradientSpec): Graph {
  const all = f.parameters.map((_, i) => i);
  const s = spec ?? { kind: "grad", nums: all, single: all.length === 1 };
  const g = newGraph(spec === undefined ? `${f.name}/grad` : `${s.kind}(${f.name})`, f.loc);
  const xs = f.parameters.map((p) => addParameter(g, p.name, p.loc));
  g.output = gradientBody(g, constant(transformGraph(session, f)), xs, s, `${s.kind}(${f.name})`);
  return g;
}

/**
 * The graph of `vjp(f, ·)` for an f of `arity` parameters, closing over J(f): it returns the
 * value and a backpropagator closure whose result has one gradient per argument.
 */
export function vjpClosureGraph(session: Session, arity: number, label: string): Graph {
  const key = `vjp|${arity}|${label}`;
  const known = session.gradientGraphs.get(key);
  if (known !== undefined) return known;
  const env = newGraph(`${label}/env`, null);
  const jf = addParameter(env, "jf", null);
  const g = newGraph(`vjp(${label})`, null);
  const xs = Array.from({ length: arity }, (_, i) => addParameter(g, `x${i}`, null));
  const pair = callJ(g, jf, xs);
  const back = applyPrim(g, tupleGet, [pair, constant(1)], null);
  const bp = newGraph(`vjp(${label}).backprop`, null);
  const s = addParameter(bp, "sens", null);
  const value = applyPrim(g, tupleGet, [pair, constant(0)], null);
  const all = apply(bp, [back, applyPrim(bp, expectCotangent, [s, value], null)], null);
  const gs = xs.map((x, i) => applyPrim(bp, userGradientPrim, [applyPrim(bp, tupleGet, [all, constant(i + 1)], null), x], null));
  bp.output = applyPrim(bp, makeTuple, gs, null);
  g.output = applyPrim(g, makeTuple, [value, constant(bp)], null);
  session.gradientGraphs.set(key, g);
  return g;
}
