// Reverse-mode rules, one per primitive, as in Autodidax: given the builder of the backpropagator
// graph, the primal arguments `x`, the primal result `y` and the output sensitivity `d`, a rule
// returns the sensitivity of each argument. Rules build IR, so backpropagators are ordinary
// graphs that can themselves be differentiated.
import type { Node } from "../ir/graph.js";
import type { Primitive } from "../ir/primitive.js";
import * as P from "../ir/prims/program.js";
import * as S from "../ir/prims/scalar.js";
import * as D from "../ir/prims/sensitivity.js";
import * as T from "../ir/prims/structural.js";
import { EnvValue, type Value } from "../ir/values.js";
import { registerArrayBackpropRules } from "./array-rules.js";
import { elementaryDerivatives, type Derivative } from "./derivatives.js";

export interface RuleBuilder {
  /** `prim(args…)` in the backpropagator. */
  (prim: Primitive, ...args: Node[]): Node;
  /** A constant. */
  c(value: Value): Node;
}

export type BackpropRule = (b: RuleBuilder, x: readonly Node[], y: Node, d: Node) => Node[];

/**
 * log(x) where x > 0 and log(1) = 0 elsewhere: ∂(x ** y)/∂y has no real value for x ≤ 0, and
 * taken as 0 there it must not be nan either, or the derivative of this derivative (which
 * multiplies it by zero, unless an optimizer has removed it) would be nan.
 */
export const safeLog = (b: RuleBuilder, x: Node): Node => b(S.log, b(S.where, b(S.gt, x, b.c(0)), x, b.c(1)));

export const backpropRules = new Map<Primitive, BackpropRule>();

const rule = (p: Primitive, r: BackpropRule): void => void backpropRules.set(p, r);
const zeros = (b: RuleBuilder, x: readonly Node[]): Node[] => x.map((a) => b(D.zerosLikePrim, a));
/** Rules for f(x) whose derivative is f'(x) = k(x, y). */
const unary = (p: Primitive, k: Derivative): void =>
  rule(p, (b, [x], y, d) => [b(S.mul, d, k(b, x!, y))]);

rule(S.add, (_, __, ___, d) => [d, d]);
rule(S.sub, (b, _, __, d) => [d, b(S.neg, d)]);
rule(S.mul, (b, [x, y], _, d) => [b(S.mul, d, y!), b(S.mul, d, x!)]);
// ∂(x/y)/∂y = −(x/y)/y: with d/y computed once, both sensitivities share it.
rule(S.div, (b, [, y], out, d) => {
  const dx = b(S.div, d, y!);
  return [dx, b(S.neg, b(S.mul, dx, out))];
});
rule(S.mod, (b, [x, y], _, d) => [d, b(S.neg, b(S.mul, d, b(S.floor, b(S.div, x!, y!))))]);
// At x = 0 the factors log(x) and x ** (y - 1) are infinite where the derivative is 0, as in JAX.
// (`where` on a Num condition picks where it is non-zero, elementwise on arrays.) A sensitivity
// is never smaller than its value: the zero of an array is an array (see numericSensitivity).
rule(S.pow, (b, [x, y], out, d) => [
  b(S.where, y!, b(S.mul, d, b(S.mul, y!, b(S.pow, x!, b(S.sub, y!, b.c(1))))), b(D.zerosLikePrim, x!)),
  b(S.where, b(S.gt, x!, b.c(0)), b(S.mul, d, b(S.mul, out, safeLog(b, x!))), b(D.zerosLikePrim, y!)),
]);
rule(S.neg, (b, _, __, d) => [b(S.neg, d)]);
rule(S.atan2, (b, [y, x], _, d) => {
  const r2 = b(S.add, b(S.mul, x!, x!), b(S.mul, y!, y!));
  return [b(S.div, b(S.mul, d, x!), r2), b(S.neg, b(S.div, b(S.mul, d, y!), r2))];
});
/**
 * At a tie each argument takes half the sensitivity, as JAX's balanced rule does: x's share.
 * Built from comparisons, which work elementwise on arrays (`==` does not).
 */
export const tieShare = (b: RuleBuilder, x: Node, y: Node, wins: Primitive, loses: Primitive): Node =>
  b(S.where, b(wins, x, y), b.c(1), b(S.where, b(loses, x, y), b.c(0), b.c(0.5)));
rule(S.maximum, (b, [x, y], _, d) => [b(S.mul, d, tieShare(b, x!, y!, S.gt, S.lt)), b(S.mul, d, tieShare(b, y!, x!, S.gt, S.lt))]);
rule(S.minimum, (b, [x, y], _, d) => [b(S.mul, d, tieShare(b, x!, y!, S.lt, S.gt)), b(S.mul, d, tieShare(b, y!, x!, S.lt, S.gt))]);
rule(S.where, (b, [c, x, y], _, d) => [
  b(D.zerosLikePrim, c!),
  b(S.where, c!, d, b(D.zerosLikePrim, x!)),
  b(S.where, c!, b(D.zerosLikePrim, y!), d),
]);
rule(D.subSens, (b, [x, y], out, d) => {
  const exact = b(D.sensLike, d, out);
  return [b(D.sensLike, exact, x!), b(S.neg, b(D.sensLike, exact, y!))];
});

for (const [p, k] of elementaryDerivatives) unary(p, k);
for (const p of [S.sign, S.floor, S.ceil, S.round, S.lt, S.le, S.gt, S.ge, S.eq, S.ne, S.not]) rule(p, (b, x) => zeros(b, x));

// Structure: sensitivities of containers are containers of sensitivities.
rule(T.makeTuple, (b, x, _, d) => x.map((__, i) => b(T.tupleGet, d, b.c(i))));
rule(T.tupleGet, (b, [t, i], _, d) => [b(D.tupleSet, b(D.zerosLikePrim, t!), i!, d), b(D.zerosLikePrim, i!)]);
rule(T.destructure, (b, [, n], _, d) => [d, b(D.zerosLikePrim, n!)]);
rule(T.makeRecord, (b, [keys, ...values], _, d) => [b(D.zerosLikePrim, keys!), ...values.map((__, i) => b(D.recordAt, d, b.c(i)))]);
rule(T.recordGet, (b, [r, key], _, d) => [b(D.recordSet, b(D.zerosLikePrim, r!), key!, d), b(D.zerosLikePrim, key!)]);
rule(T.index, (b, [t, ...indices], _, d) => [
  b(D.indexAdd, b(D.zerosLikePrim, t!), ...indices, d),
  ...indices.map((i) => b(D.zerosLikePrim, i)),
]);
rule(D.indexAdd, (b, [, ...rest], y, d) => {
  const indices = rest.slice(0, -1);
  const v = rest[rest.length - 1]!;
  // Picking an element of d is only right once d is summed to the array's shape; and v, a
  // sensitivity itself, may still have broadcast axes, over which its own one is spread back.
  return [d, ...indices.map((i) => b(D.zerosLikePrim, i)), b(D.sensLike, b(T.index, b(D.sensLike, d, y), ...indices), v)];
});
rule(T.switchPrim, (b, [c, x, y], _, d) => [
  b(D.zerosLikePrim, c!),
  b(T.switchPrim, c!, d, b(D.zerosLikePrim, x!)),
  b(T.switchPrim, c!, b(D.zerosLikePrim, y!), d),
]);
rule(T.seq, (b, x, _, d) => [...zeros(b, x.slice(0, -1)), d]);
for (const p of [T.makeSlice, T.len, T.isUnit, T.assertPrim, P.print, P.readCsv, P.globalGet, P.globalSet, D.stopGradient]) rule(p, (b, x) => zeros(b, x));

// The sensitivity primitives themselves, so that backpropagators can be differentiated again.
// add_sens sums arrays down to a common shape: its transpose spreads d back out to each operand's.
rule(D.addSensPrim, (b, x, out, d) => {
  const exact = b(D.sensLike, d, out);
  return x.map((a) => b(D.sensLike, exact, a));
});
rule(D.zerosLikePrim, (b, x) => zeros(b, x));
rule(D.tupleSet, (b, [, i, v], _, d) => [b(D.tupleSet, d, i!, b(D.zerosLikePrim, v!)), b(D.zerosLikePrim, i!), b(T.tupleGet, d, i!)]);
// An environment sums what is set under one key, so its sensitivity passes through whole.
rule(D.envSet, (b, [, key, v], _, d) => [d, b(D.zerosLikePrim, key!), b(D.envGet, d, key!, b(D.zerosLikePrim, v!))]);
rule(D.envGet, (b, [, key, zero], _, d) => [b(D.envSet, b.c(EnvValue.empty), key!, d), b(D.zerosLikePrim, key!), b(D.zerosLikePrim, zero!)]);
rule(D.expectNumOutput, (b, [, label], _, d) => [d, b(D.zerosLikePrim, label!)]);
rule(D.expectCotangent, (b, [, y], _, d) => [d, b(D.zerosLikePrim, y!)]);
rule(D.userGradientPrim, (b, [s, x], _, d) => [b(D.fromUserGradientPrim, d, s!), b(D.zerosLikePrim, x!)]);
rule(D.fromUserGradientPrim, (b, [u, s], _, d) => [b(D.userGradientPrim, d, u!), b(D.zerosLikePrim, s!)]);
rule(D.recordAt, (b, [r, i], _, d) => [b(D.recordSetAt, b(D.zerosLikePrim, r!), i!, d), b(D.zerosLikePrim, i!)]);
rule(D.recordSetAt, (b, [, i, v], _, d) => [b(D.recordSetAt, d, i!, b(D.zerosLikePrim, v!)), b(D.zerosLikePrim, i!), b(D.recordAt, d, i!)]);
rule(D.recordAdd, (b, [, y, key], _, d) => [d, b(D.zerosLikePrim, y!), b(D.zerosLikePrim, key!), b(T.recordGet, d, key!)]);
rule(D.tupleAdd, (b, [, y, i], _, d) => [d, b(D.zerosLikePrim, y!), b(D.zerosLikePrim, i!), b(T.tupleGet, d, i!)]);
rule(D.recordSet, (b, [, key, v], _, d) => [b(D.recordSet, d, key!, b(D.zerosLikePrim, v!)), b(D.zerosLikePrim, key!), b(T.recordGet, d, key!)]);

registerArrayBackpropRules(rule);
