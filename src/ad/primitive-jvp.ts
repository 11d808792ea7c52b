// J⊳ of a primitive: a graph `p⊳(x…, dx…) = (y, dy)` whose tangent is built by p's forward rule,
// `zeros_like(y)` where the rule gives none. An augmented rule computes the result too.
import { addParameter, applyPrim, newGraph, type Graph, type Node } from "../ir/graph.js";
import type { Primitive } from "../prims/primitive.js";
import { zerosLikePrim } from "../prims/sensitivity.js";
import { makeTuple } from "../prims/structural.js";
import { PrimError } from "../runtime/host.js";
import { arityMessage } from "../runtime/check.js";
import { builder } from "./builder.js";

/** J⊳ of `p` for `arity` arguments; `transformed` brings a value into the J⊳ world (`forward_value`). */
export function primitiveJvp(p: Primitive, arity: number, transformed: Primitive): Graph {
  const rule = p.jvp;
  if (rule === null) throw new PrimError(`jvp cannot differentiate through '${p.name}' yet`);
  if (arity < p.minArgs || arity > p.maxArgs) throw new PrimError(arityMessage(p.name, p.minArgs, p.maxArgs, arity));
  const g = newGraph(`${p.name}⊳`, null);
  const xs: Node[] = [];
  for (let i = 0; i < arity; i++) xs.push(addParameter(g, `x${i}`, null));
  const dxs = xs.map((_, i) => addParameter(g, `dx${i}`, null));
  const b = builder(g, transformed);
  let y: Node;
  let dy: Node | null;
  if (typeof rule === "function") {
    y = applyPrim(g, p, xs, null);
    dy = rule(b, xs, y, dxs);
  } else {
    ({ y, dy } = rule.augmented(b, xs, dxs));
  }
  g.output = applyPrim(g, makeTuple, [y, dy ?? applyPrim(g, zerosLikePrim, [y], null)], null);
  return g;
}
