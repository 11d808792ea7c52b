// J of a primitive: a graph `p▶(x…) = (p(x…), ◀p)` whose backpropagator closure applies p's rule.
// Built once per primitive and arity (variadic primitives get one graph per arity used).
import { addParameter, applyPrim, constant, newGraph, type Graph, type Node } from "../ir/graph.js";
import { PrimError, type Primitive } from "../ir/primitive.js";
import { makeTuple } from "../ir/prims/structural.js";
import { EnvValue, type Value } from "../ir/values.js";
import { backpropRules, type RuleBuilder } from "./backprop-rules.js";

const cache = new Map<Primitive, Map<number, Graph>>();

/** Primitives whose J is not built from a backprop rule (the differentiation builtins). */
const special = new Map<Primitive, (arity: number) => Graph>();

/** Those of them whose backward pass maps a closure's sensitivity back to the primal closure. */
const unmapping = new Set<Primitive>();

export function registerSpecialJ(p: Primitive, build: (arity: number) => Graph, mapsCaptured = false): void {
  special.set(p, build);
  if (mapsCaptured) unmapping.add(p);
}

export function mapsCapturedSensitivities(p: Primitive): boolean {
  return unmapping.has(p);
}

export function primitiveJ(p: Primitive, arity: number): Graph {
  let byArity = cache.get(p);
  if (byArity === undefined) cache.set(p, (byArity = new Map()));
  const known = byArity.get(arity);
  if (known !== undefined) return known;
  const build = special.get(p);
  if (build !== undefined) {
    const g = build(arity);
    byArity.set(arity, g);
    return g;
  }
  const rule = backpropRules.get(p);
  if (rule === undefined) throw new PrimError(`cannot differentiate through '${p.name}' yet`);

  const fwd = newGraph(`${p.name}▶`, null);
  const xs: Node[] = [];
  for (let i = 0; i < arity; i++) xs.push(addParameter(fwd, `x${i}`, null));
  const y = applyPrim(fwd, p, xs, null);
  const back = newGraph(`◀${p.name}`, null);
  const d = addParameter(back, "d", null);
  const b: RuleBuilder = Object.assign((prim: Primitive, ...args: Node[]) => applyPrim(back, prim, args, null), {
    c: (v: Value) => constant(v),
  });
  const sens = rule(b, xs, y, d);
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), ...sens], null);
  fwd.output = applyPrim(fwd, makeTuple, [y, constant(back)], null);
  byArity.set(arity, fwd);
  return fwd;
}
