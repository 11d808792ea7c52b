// J⊳ of a primitive: a graph `p⊳(x…, dx…) = (p(x…), dy)` whose tangent is built by p's rule.
// Built once per primitive and arity (variadic primitives get one graph per arity used).
import { addParameter, applyPrim, constant, newGraph, type Graph, type Node } from "../ir/graph.js";
import { PrimError, type Primitive } from "../ir/primitive.js";
import { makeTuple } from "../ir/prims/structural.js";
import type { Value } from "../ir/values.js";
import type { RuleBuilder } from "./backprop-rules.js";
import { tangentRules } from "./tangent-rules.js";

const cache = new Map<Primitive, Map<number, Graph>>();
/** Each J⊳ graph's primitive, so a transformed primitive handed back to the user is the primitive again. */
const primitives = new WeakMap<Graph, Primitive>();

export function primitiveOf(g: Graph): Primitive | undefined {
  return primitives.get(g);
}

export function primitiveJvp(p: Primitive, arity: number): Graph {
  let byArity = cache.get(p);
  if (byArity === undefined) cache.set(p, (byArity = new Map()));
  const known = byArity.get(arity);
  if (known !== undefined) return known;
  const rule = tangentRules.get(p);
  if (rule === undefined) throw new PrimError(`jvp cannot differentiate through '${p.name}' yet`);

  const g = newGraph(`${p.name}⊳`, null);
  const xs: Node[] = [];
  for (let i = 0; i < arity; i++) xs.push(addParameter(g, `x${i}`, null));
  const dxs = xs.map((_, i) => addParameter(g, `dx${i}`, null));
  const b: RuleBuilder = Object.assign((prim: Primitive, ...args: Node[]) => applyPrim(g, prim, args, null), {
    c: (v: Value) => constant(v),
  });
  const y = applyPrim(g, p, xs, null);
  const out = rule(b, xs, y, dxs);
  const [primal, tangent] = "tangent" in out ? [out.primal, out.tangent] : [y, out];
  g.output = applyPrim(g, makeTuple, [primal, tangent], null);
  byArity.set(arity, g);
  primitives.set(g, p);
  return g;
}
