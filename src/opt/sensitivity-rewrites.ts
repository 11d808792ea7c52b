// Rewrites of what reverse mode builds its sensitivities with: sums with a zero, environments
// read right after being written, and the few sums that have a cheaper primitive of their own.
// A zero sensitivity adds nothing, −0 included: `add_sens` of two numbers gives the other back
// when one is +0 (see runtime/sensitivity.ts, sensSum), as JAX's symbolic zeros are never added.
import { jValuePrim } from "../ad/j-value.js";
import { apply, constant } from "../ir/graph.js";
import { constValue } from "../ir/match.js";
import type { Primitive } from "../prims/primitive.js";
import * as S from "../prims/scalar.js";
import * as D from "../prims/sensitivity.js";
import * as U from "../prims/updates.js";
import { EnvKey, EnvValue, type Value } from "../runtime/values.js";
import { numeric } from "./arithmetic.js";
import { anything, call, constantThat, either, graphConstant, node, rewrite, value, type Rewrite } from "./pattern.js";

const isEmptyEnv = (v: Value): v is EnvValue => v instanceof EnvValue && v.entries.size === 0;
const isKey = (v: Value): v is EnvKey => v instanceof EnvKey;

/** A sensitivity known to be zero: `newenv`, or `zeros_like` of anything. */
const zero = either(constantThat(isEmptyEnv), call(D.zerosLikePrim, anything));

/**
 * `add_sens(acc, set(zeros_like(y), k, v))` adds v at one place of acc: `record_add` and
 * `tuple_add` do that without making a structure of zeros and adding it whole (reverse mode makes
 * one for each field read, in every iteration of a loop that reads a model's parameters).
 */
function addAtOnePlace(set: Primitive, add: Primitive, accFirst: boolean): Rewrite {
  const scattered = call(set, call(D.zerosLikePrim, node("y")), node("k"), node("v"));
  const pattern = accFirst ? call(D.addSensPrim, node("acc"), scattered) : call(D.addSensPrim, scattered, node("acc"));
  return rewrite(pattern, ({ acc, y, k, v }, a) => apply(a.graph, [constant(add), acc, y, k, v], a.loc));
}

export const sensitivityRewrites: readonly Rewrite[] = [
  // The zero of a function is an empty environment, whatever it closes over.
  rewrite(call(D.zerosLikePrim, graphConstant("g")), (_, a) => constant(EnvValue.empty, a.loc)),
  rewrite(call(D.addSensPrim, node("x"), zero), ({ x }) => x),
  rewrite(call(D.addSensPrim, zero, node("y")), ({ y }) => y),
  addAtOnePlace(U.recordSet, U.recordAdd, true),
  addAtOnePlace(U.tupleSet, U.tupleAdd, true),
  addAtOnePlace(U.recordSet, U.recordAdd, false),
  addAtOnePlace(U.tupleSet, U.tupleAdd, false),
  // a + −b is sub_sens(a, b), which sums arrays down as add_sens does.
  // Not −a + −b → −(a + b): −1 + 1 is +0 but −(1 + −1) is −0.
  rewrite(call(D.addSensPrim, node("x"), call(S.neg, node("y"))), ({ x, y }, a) => apply(a.graph, [constant(D.subSens), x, y], a.loc)),
  rewrite(call(D.addSensPrim, call(S.neg, node("x")), node("y")), ({ x, y }, a) => apply(a.graph, [constant(D.subSens), y, x], a.loc)),
  // J of a Num (or an Array) is the value itself. (Its gradient as the user sees it is not
  // always the sensitivity: that may still carry axes broadcasting added.)
  rewrite(call(jValuePrim, node("x")), ({ x }, a, r) => (numeric(a, a, r.analysis) ? x : null)),
  rewrite(call(D.envGet, constantThat(isEmptyEnv), anything, node("zero")), ({ zero }) => zero),
  rewrite(
    call(D.envGet, call(D.envSet, node("env"), value("k1", isKey), node("v")), value("k2", isKey), node("zero")),
    ({ env, k1, k2, v, zero }, a) => {
      if (k1.node !== k2.node) return apply(a.graph, [a.inputs[0]!, env, a.inputs[2]!, zero], a.loc);
      const e = constValue(env);
      return e !== undefined && isEmptyEnv(e) ? v : null;
    },
  ),
];
