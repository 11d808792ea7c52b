// Forward-mode rules, one per primitive, as in Autodidax's `jvp_rules`: given the builder of the
// graph, the primal arguments `x`, the primal result `y` and the tangents `dx` of the arguments, a
// rule returns the tangent of the result. Rules build IR, so J⊳ of a primitive is an ordinary
// graph. Every primitive with a backprop rule has a tangent rule (test/ad/jvp-rules.test.ts checks).
import type { Node } from "../ir/graph.js";
import type { Primitive } from "../ir/primitive.js";
import * as P from "../ir/prims/program.js";
import * as S from "../ir/prims/scalar.js";
import * as D from "../ir/prims/sensitivity.js";
import * as T from "../ir/prims/structural.js";
import { registerArrayTangentRules } from "./array-rules.js";
import { safeLog, tieShare, type RuleBuilder } from "./backprop-rules.js";
import { elementaryDerivatives, type Derivative } from "./derivatives.js";
import { jValuePrim } from "./j-value.js";
import { forwardValuePrim } from "./jvp.js";

/** A rule that must also replace the primal result (only `global_get`, below). */
export interface WithPrimal {
  readonly primal: Node;
  readonly tangent: Node;
}

export type TangentRule = (b: RuleBuilder, x: readonly Node[], y: Node, dx: readonly Node[]) => Node | WithPrimal;

export const tangentRules = new Map<Primitive, TangentRule>();

const rule = (p: Primitive, r: TangentRule): void => void tangentRules.set(p, r);
const zero = (b: RuleBuilder, y: Node): Node => b(D.zerosLikePrim, y);
/** Rules for f(x) whose derivative is f'(x) = k(x, y). */
const unary = (p: Primitive, k: Derivative): void =>
  rule(p, (b, [x], y, [dx]) => b(S.mul, dx!, k(b, x!, y)));
/**
 * `t · k`, and 0 where `t` is 0 even if `k` is not finite: a constant exponent has tangent 0 and
 * `log` of a negative base must not make `x ** 2` nan (JAX gets this from symbolic zeros).
 */
const scaled = (b: RuleBuilder, t: Node, k: Node): Node => b(S.where, t, b(S.mul, t, k), b.c(0));

rule(S.add, (b, _, __, [da, db]) => b(S.add, da!, db!));
rule(S.sub, (b, _, __, [da, db]) => b(S.sub, da!, db!));
rule(S.mul, (b, [x, y], _, [dx, dy]) => b(S.add, b(S.mul, dx!, y!), b(S.mul, x!, dy!)));
rule(S.div, (b, [, y], out, [dx, dy]) => b(S.div, b(S.sub, dx!, b(S.mul, out, dy!)), y!));
rule(S.mod, (b, [x, y], _, [dx, dy]) => b(S.sub, dx!, b(S.mul, dy!, b(S.floor, b(S.div, x!, y!)))));
rule(S.pow, (b, [x, y], out, [dx, dy]) =>
  b(
    S.add,
    scaled(b, dx!, b(S.where, y!, b(S.mul, y!, b(S.pow, x!, b(S.sub, y!, b.c(1)))), b.c(0))),
    scaled(b, dy!, b(S.where, b(S.gt, x!, b.c(0)), b(S.mul, out, safeLog(b, x!)), b.c(0))),
  ),
);
rule(S.neg, (b, _, __, [dx]) => b(S.neg, dx!));
rule(S.atan2, (b, [y, x], _, [dy, dx]) =>
  b(S.div, b(S.sub, b(S.mul, x!, dy!), b(S.mul, y!, dx!)), b(S.add, b(S.mul, x!, x!), b(S.mul, y!, y!))),
);
// At a tie the tangents are averaged, as JAX's balanced rule does (and reverse mode here).
rule(S.maximum, (b, [x, y], _, [dx, dy]) => b(S.add, b(S.mul, dx!, tieShare(b, x!, y!, S.gt, S.lt)), b(S.mul, dy!, tieShare(b, y!, x!, S.gt, S.lt))));
rule(S.minimum, (b, [x, y], _, [dx, dy]) => b(S.add, b(S.mul, dx!, tieShare(b, x!, y!, S.lt, S.gt)), b(S.mul, dy!, tieShare(b, y!, x!, S.lt, S.gt))));
rule(S.where, (b, [c], _, [, da, db]) => b(S.where, c!, da!, db!));
rule(D.subSens, (b, _, __, [da, db]) => b(D.subSens, da!, db!));

for (const [p, k] of elementaryDerivatives) unary(p, k);

// Piecewise-constant results, Bools, and effects: the result does not move with the arguments.
for (const p of [S.sign, S.floor, S.ceil, S.round, S.lt, S.le, S.gt, S.ge, S.eq, S.ne, S.not]) rule(p, (b, _, y) => zero(b, y));
for (const p of [T.makeSlice, T.len, T.isUnit, T.assertPrim, P.print, P.readCsv, P.globalSet, D.stopGradient, D.zerosLikePrim]) rule(p, (b, _, y) => zero(b, y));
// A top-level let read from inside a function is a constant of the program, but it may hold a
// function, which in the transformed world must be transformed too (its captures get zero tangents).
rule(P.globalGet, (b, _, y) => ({ primal: b(forwardValuePrim, y), tangent: zero(b, y) }));

// Structure: tangents of containers are containers of tangents, built and read the same way.
rule(T.makeTuple, (b, _, __, dx) => b(T.makeTuple, ...dx));
rule(T.tupleGet, (b, [, i], _, [dt]) => b(T.tupleGet, dt!, i!));
rule(T.destructure, (_, __, ___, [dt]) => dt!);
rule(T.makeRecord, (b, [keys], _, [, ...dvalues]) => b(T.makeRecord, keys!, ...dvalues));
rule(T.recordGet, (b, [, key], _, [dr]) => b(T.recordGet, dr!, key!));
rule(T.index, (b, [, ...indices], _, [dt]) => b(T.index, dt!, ...indices));
rule(T.switchPrim, (b, [c], _, [, da, db]) => b(T.switchPrim, c!, da!, db!));
rule(T.seq, (_, __, ___, dx) => dx[dx.length - 1]!);

// The primitives backpropagators and gradient graphs are built from are linear in their
// sensitivities, so each is its own tangent rule: this is what `jvp(grad(f), …)` runs through.
rule(D.addSensPrim, (b, _, __, [da, db]) => b(D.addSensPrim, da!, db!));
rule(D.tupleSet, (b, [, i], _, [dt, , dv]) => b(D.tupleSet, dt!, i!, dv!));
rule(D.recordSet, (b, [, key], _, [dr, , dv]) => b(D.recordSet, dr!, key!, dv!));
rule(D.recordAt, (b, [, i], _, [dr]) => b(D.recordAt, dr!, i!));
rule(D.recordSetAt, (b, [, i], _, [dr, , dv]) => b(D.recordSetAt, dr!, i!, dv!));
rule(D.recordAdd, (b, [, y, key], _, [dx, , , dv]) => b(D.recordAdd, dx!, y!, key!, dv!));
rule(D.tupleAdd, (b, [, y, i], _, [dx, , , dv]) => b(D.tupleAdd, dx!, y!, i!, dv!));
rule(D.indexAdd, (b, x, _, dx) => b(D.indexAdd, dx[0]!, ...x.slice(1, -1), dx[dx.length - 1]!));
rule(D.envSet, (b, [, key], _, [de, , dv]) => b(D.envSet, de!, key!, dv!));
rule(D.envGet, (b, [, key], _, [de, , dzero]) => b(D.envGet, de!, key!, dzero!));
rule(D.expectNumOutput, (_, __, ___, [dy]) => dy!);
rule(D.expectCotangent, (_, __, ___, [ds]) => ds!);
rule(D.userGradientPrim, (b, [, x], _, [ds]) => b(D.userGradientPrim, ds!, x!));
rule(D.fromUserGradientPrim, (b, [, s], _, [dd]) => b(D.fromUserGradientPrim, dd!, s!));
// J of a value is the value itself for data; a function's tangent is () either way.
rule(jValuePrim, (_, __, ___, [dx]) => dx!);

registerArrayTangentRules(rule);
