// J of a runtime value: functions become their transformed selves (closures are transformed with
// the graphs they reach, see reverse.ts), data is its own J. The gradient and vjp graphs apply it
// to their arguments, so a function passed as an argument is called in the J world too.
import { addParameter, applyPrim, constant, newGraph } from "../ir/graph.js";
import { definePrim, PrimError } from "../ir/primitive.js";
import { globalGet } from "../ir/prims/program.js";
import { zerosLikePrim } from "../ir/prims/sensitivity.js";
import { makeTuple } from "../ir/prims/structural.js";
import { Closure, EnvValue, isPrimitive, isTuple, RecordValue, type Value } from "../ir/values.js";
import { primitiveJ, registerSpecialJ } from "./primitive-j.js";
import { backpropRules } from "./backprop-rules.js";
import { reJ, transformClosure, unJ } from "./reverse.js";

export function jValue(v: Value): Value {
  if (v instanceof Closure) {
    const t = transformClosure(v.graph);
    return new Closure(t.forward, t.envIndex.map((i) => jValue(v.env[i]!)));
  }
  if (isPrimitive(v)) {
    if (v.minArgs !== v.maxArgs) throw new PrimError(`cannot differentiate '${v.name}' passed as a value`);
    return new Closure(primitiveJ(v, v.minArgs), []);
  }
  if (isTuple(v)) return v.map(jValue);
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map(jValue));
  return v;
}

export const jValuePrim = definePrim({ name: "j_value", args: 1, impl: ([v]) => jValue(v!) });

/** The sensitivity of J(x) as one of x: J-world environment keys mapped back to x's own. */
const unJPrim = definePrim({ name: "un_j", args: 1, impl: ([d]) => unJ(d!) });
const reJPrim = definePrim({ name: "re_j", args: 2, impl: ([d, like]) => reJ(d!, like!) });

// Each is linear in its sensitivity and the other's transpose, so any order of derivative closes.
backpropRules.set(unJPrim, (b, [x], _, d) => [b(reJPrim, d, x!)]);
backpropRules.set(reJPrim, (b, [, like], _, d) => [b(unJPrim, d), b(zerosLikePrim, like!)]);

// Differentiated again, `j_value(x)` is J(J(x)) given J(x); its sensitivity goes back through unJ.
registerSpecialJ(jValuePrim, () => {
  const fwd = newGraph("j_value▶", null);
  const x = addParameter(fwd, "x", null);
  const back = newGraph("◀j_value", null);
  const d = addParameter(back, "d", null);
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), applyPrim(back, unJPrim, [d], null)], null);
  fwd.output = applyPrim(fwd, makeTuple, [applyPrim(fwd, jValuePrim, [x], null), constant(back)], null);
  return fwd;
}, true);

// A top-level `let` read inside a differentiated function is a constant of it; if it holds a
// function, the J world needs that function's J.
registerSpecialJ(globalGet, () => {
  const fwd = newGraph("global_get▶", null);
  const name = addParameter(fwd, "name", null);
  const back = newGraph("◀global_get", null);
  addParameter(back, "d", null);
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), applyPrim(back, zerosLikePrim, [name], null)], null);
  const value = applyPrim(fwd, jValuePrim, [applyPrim(fwd, globalGet, [name], null)], null);
  fwd.output = applyPrim(fwd, makeTuple, [value, constant(back)], null);
  return fwd;
});
