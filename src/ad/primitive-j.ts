// J of a primitive: a graph `p▶(x…) = (y, ◀p)` whose backpropagator closure `◀p(d)` returns
// `(newenv, ∂x…)` as p's reverse rule gives them, with `zeros_like(x)` where the rule gives none.
// A rule computes the sensitivities from the arguments, the result and its sensitivity; an
// augmented one computes the result too, and what its backward pass reads of it.
import { addParameter, applyPrim, constant, newGraph, type Graph, type Node } from "../ir/graph.js";
import type { Primitive, Sensitivities } from "../prims/primitive.js";
import { zerosLikePrim } from "../prims/sensitivity.js";
import { makeTuple } from "../prims/structural.js";
import { PrimError } from "../runtime/host.js";
import { EnvValue } from "../runtime/values.js";
import { arityMessage } from "../runtime/check.js";
import { builder } from "./builder.js";

/** J of `p` for `arity` arguments; `transformed` brings a value into the J world (`j_value`). */
export function primitiveJ(p: Primitive, arity: number, transformed: Primitive): Graph {
  const rule = p.vjp;
  if (rule === null) throw new PrimError(`cannot differentiate through '${p.name}' yet`);
  if (arity < p.minArgs || arity > p.maxArgs) throw new PrimError(arityMessage(p.name, p.minArgs, p.maxArgs, arity));
  const fwd = newGraph(`${p.name}▶`, null);
  const xs: Node[] = [];
  for (let i = 0; i < arity; i++) xs.push(addParameter(fwd, `x${i}`, null));
  const back = newGraph(`◀${p.name}`, null);
  const d = addParameter(back, "d", null);
  let y: Node;
  let sens: Sensitivities;
  if (typeof rule === "function") {
    y = applyPrim(fwd, p, xs, null);
    sens = rule(builder(back, transformed), xs, y, d);
  } else {
    const augmented = rule.augmented(builder(fwd, transformed), xs);
    y = augmented.y;
    sens = augmented.back(builder(back, transformed), d);
  }
  const filled = xs.map((x, i) => sens[i] ?? applyPrim(back, zerosLikePrim, [x], null));
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), ...filled], null);
  fwd.output = applyPrim(fwd, makeTuple, [y, constant(back)], null);
  return fwd;
}
