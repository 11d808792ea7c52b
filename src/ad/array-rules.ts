// Derivative rules of the array builtins, both modes. Elementwise arithmetic needs none of its
// own: the scalar rules work on arrays, and a sensitivity may keep the axes an operation
// broadcast it over (see numericSensitivity) until `sens_like` sums it to the exact shape a rule
// below needs. Every rule is built from primitives that have rules too, so gradients of array
// code can be differentiated again.
import type { Node } from "../ir/graph.js";
import type { Primitive } from "../ir/primitive.js";
import { makeArray } from "../ir/prims/array.js";
import * as G from "../ir/prims/array-grad.js";
import * as A from "../ir/prims/arrays.js";
import * as S from "../ir/prims/scalar.js";
import * as D from "../ir/prims/sensitivity.js";
import * as T from "../ir/prims/structural.js";
import type { BackpropRule, RuleBuilder } from "./backprop-rules.js";
import type { TangentRule } from "./tangent-rules.js";

/** Results that do not move with their arguments: shapes, counts, random numbers, 0/1 masks. */
const constantResults: readonly Primitive[] = [
  A.zerosPrim, A.onesPrim, A.arangePrim, A.randPrim, A.randnPrim, A.shapePrim, G.extremeMask, G.numel, G.matrixShape, G.productShape,
];

/** The axis argument of a reduction called with `x` (absent: all axes). */
const axisOf = (x: readonly Node[]): Node[] => x.slice(1, 2);

/** `a @ b` and its gradients as products of matrices: a vector is a row on the left, a column on the right. */
function matmulSens(b: RuleBuilder, a: Node, c: Node, y: Node, d: Node): [Node, Node] {
  const A2 = b(A.reshapePrim, a, b(G.matrixShape, a, b.c(0)));
  const B2 = b(A.reshapePrim, c, b(G.matrixShape, c, b.c(1)));
  const D2 = b(A.reshapePrim, b(D.sensLike, d, y), b(G.productShape, a, c));
  return [
    b(A.reshapePrim, b(S.matmul, D2, b(A.transposePrim, B2)), b(A.shapePrim, a)),
    b(A.reshapePrim, b(S.matmul, b(A.transposePrim, A2), D2), b(A.shapePrim, c)),
  ];
}

export function registerArrayBackpropRules(rule: (p: Primitive, r: BackpropRule) => void): void {
  const zeros = (b: RuleBuilder, x: readonly Node[]): Node[] => x.map((a) => b(D.zerosLikePrim, a));
  for (const p of constantResults) rule(p, zeros);
  rule(D.sensLike, (b, [dd, y], _, d) => [b(D.sensLike, d, dd!), b(D.zerosLikePrim, y!)]);

  rule(makeArray, (b, x, y, d) => {
    const exact = b(D.sensLike, d, y);
    return x.map((_, i) => b(T.index, exact, b.c(i)));
  });
  rule(A.fullPrim, (b, [shape], y, d) => [b(D.zerosLikePrim, shape!), b(A.sumPrim, b(D.sensLike, d, y))]);
  rule(A.linspacePrim, (b, [, , n], y, d) => {
    const exact = b(D.sensLike, d, y);
    const t = b(A.linspacePrim, b.c(0), b.c(1), n!);
    return [b(A.sumPrim, b(S.mul, exact, b(S.sub, b.c(1), t))), b(A.sumPrim, b(S.mul, exact, t)), b(D.zerosLikePrim, n!)];
  });
  rule(A.concatPrim, (b, x, y, d) => [b(G.pieces, b(D.sensLike, d, y), x[0]!, x[1] ?? b.c(0)), ...zeros(b, x.slice(1))]);
  rule(A.stackPrim, (b, _, y, d) => [b(G.unstack, b(D.sensLike, d, y))]);
  rule(G.pieces, (b, [, items, axis], _, d) => [b(A.concatPrim, d, axis!), b(D.zerosLikePrim, items!), b(D.zerosLikePrim, axis!)]);
  rule(G.unstack, (b, _, __, d) => [b(A.stackPrim, d)]);

  rule(A.reshapePrim, (b, [a, shape], y, d) => [b(A.reshapePrim, b(D.sensLike, d, y), b(A.shapePrim, a!)), b(D.zerosLikePrim, shape!)]);
  rule(A.transposePrim, (b, _, y, d) => [b(A.transposePrim, b(D.sensLike, d, y))]);
  rule(S.matmul, (b, [a, c], y, d) => matmulSens(b, a!, c!, y, d));
  rule(A.outerPrim, (b, [a, c], y, d) => {
    const exact = b(D.sensLike, d, y);
    const flat = (v: Node): Node => b(A.reshapePrim, v, b(G.numel, v));
    return [
      b(A.reshapePrim, b(S.matmul, exact, flat(c!)), b(A.shapePrim, a!)),
      b(A.reshapePrim, b(S.matmul, flat(a!), exact), b(A.shapePrim, c!)),
    ];
  });

  rule(A.sumPrim, (b, x, y, d) => [b(G.expand, b(D.sensLike, d, y), x[0]!, ...axisOf(x)), ...zeros(b, axisOf(x))]);
  rule(A.meanPrim, (b, x, y, d) => {
    const share = b(S.div, b(G.numel, y), b(G.numel, x[0]!));
    return [b(S.mul, b(G.expand, b(D.sensLike, d, y), x[0]!, ...axisOf(x)), share), ...zeros(b, axisOf(x))];
  });
  for (const p of [A.maxPrim, A.minPrim]) {
    rule(p, (b, x, y, d) => [
      b(S.mul, b(G.extremeMask, x[0]!, y, ...axisOf(x)), b(G.expand, b(D.sensLike, d, y), x[0]!, ...axisOf(x))),
      ...zeros(b, axisOf(x)),
    ]);
  }
  rule(A.logsumexpPrim, (b, x, y, d) => {
    const weights = b(S.exp, b(S.sub, x[0]!, b(G.expand, y, x[0]!, ...axisOf(x))));
    return [b(S.mul, weights, b(G.expand, b(D.sensLike, d, y), x[0]!, ...axisOf(x))), ...zeros(b, axisOf(x))];
  });
  rule(A.softmaxPrim, (b, x, y, d) => {
    const axis = x[1] ?? b.c(-1);
    const exact = b(D.sensLike, d, y);
    const along = b(G.expand, b(A.sumPrim, b(S.mul, exact, y), axis), x[0]!, axis);
    return [b(S.mul, y, b(S.sub, exact, along)), ...zeros(b, x.slice(1))];
  });
  rule(G.expand, (b, [, a, ...axis], y, d) => [b(A.sumPrim, b(D.sensLike, d, y), ...axis), b(D.zerosLikePrim, a!), ...zeros(b, axis)]);
}

export function registerArrayTangentRules(rule: (p: Primitive, r: TangentRule) => void): void {
  const zero = (b: RuleBuilder, y: Node): Node => b(D.zerosLikePrim, y);
  for (const p of constantResults) rule(p, (b, _, y) => zero(b, y));
  rule(D.sensLike, (b, [, y], _, [dd]) => b(D.sensLike, dd!, y!));

  rule(makeArray, (b, _, __, dx) => b(makeArray, ...dx));
  rule(A.fullPrim, (b, [shape], _, [, dv]) => b(A.fullPrim, shape!, dv!));
  rule(A.linspacePrim, (b, [, , n], _, [dlo, dhi]) => b(A.linspacePrim, dlo!, dhi!, n!));
  rule(A.concatPrim, (b, x, _, [ditems]) => b(A.concatPrim, ditems!, ...x.slice(1)));
  rule(A.stackPrim, (b, _, __, [ditems]) => b(A.stackPrim, ditems!));
  rule(G.pieces, (b, [, items, axis], _, [dd]) => b(G.pieces, dd!, items!, axis!));
  rule(G.unstack, (b, _, __, [dd]) => b(G.unstack, dd!));

  rule(A.reshapePrim, (b, [, shape], _, [da]) => b(A.reshapePrim, da!, shape!));
  rule(A.transposePrim, (b, _, __, [da]) => b(A.transposePrim, da!));
  for (const p of [S.matmul, A.dotPrim, A.outerPrim]) rule(p, (b, [a, c], _, [da, dc]) => b(S.add, b(p, da!, c!), b(p, a!, dc!)));

  rule(A.sumPrim, (b, x, _, [da]) => b(A.sumPrim, da!, ...axisOf(x)));
  rule(A.meanPrim, (b, x, _, [da]) => b(A.meanPrim, da!, ...axisOf(x)));
  for (const p of [A.maxPrim, A.minPrim]) {
    rule(p, (b, x, y, [da]) => b(A.sumPrim, b(S.mul, b(G.extremeMask, x[0]!, y, ...axisOf(x)), da!), ...axisOf(x)));
  }
  rule(A.logsumexpPrim, (b, x, y, [da]) => {
    const weights = b(S.exp, b(S.sub, x[0]!, b(G.expand, y, x[0]!, ...axisOf(x))));
    return b(A.sumPrim, b(S.mul, weights, da!), ...axisOf(x));
  });
  rule(A.softmaxPrim, (b, x, y, [da]) => {
    const axis = x[1] ?? b.c(-1);
    return b(S.mul, y, b(S.sub, da!, b(G.expand, b(A.sumPrim, b(S.mul, y, da!), axis), x[0]!, axis)));
  });
  rule(G.expand, (b, [, a, ...axis], _, [dr]) => b(G.expand, dr!, a!, ...axis));
}
