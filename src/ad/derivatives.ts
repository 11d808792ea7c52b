// The derivative f'(x) of each elementary function of one argument, as IR built from x and
// y = f(x). Reverse mode multiplies it into the output sensitivity, forward mode into the input
// tangent; one table, so the two modes cannot disagree.
import type { Node } from "../ir/graph.js";
import type { Primitive } from "../ir/primitive.js";
import * as S from "../ir/prims/scalar.js";
import type { RuleBuilder } from "./backprop-rules.js";

export type Derivative = (b: RuleBuilder, x: Node, y: Node) => Node;

export const elementaryDerivatives: readonly (readonly [Primitive, Derivative])[] = [
  [S.sin, (b, x) => b(S.cos, x)],
  [S.cos, (b, x) => b(S.neg, b(S.sin, x))],
  [S.tan, (b, _, y) => b(S.add, b.c(1), b(S.mul, y, y))],
  [S.asin, (b, x) => b(S.div, b.c(1), b(S.sqrt, b(S.sub, b.c(1), b(S.mul, x, x))))],
  [S.acos, (b, x) => b(S.neg, b(S.div, b.c(1), b(S.sqrt, b(S.sub, b.c(1), b(S.mul, x, x)))))],
  [S.atan, (b, x) => b(S.div, b.c(1), b(S.add, b.c(1), b(S.mul, x, x)))],
  [S.tanh, (b, _, y) => b(S.sub, b.c(1), b(S.mul, y, y))],
  [S.sinh, (b, x) => b(S.cosh, x)],
  [S.cosh, (b, x) => b(S.sinh, x)],
  [S.exp, (_, __, y) => y],
  [S.log, (b, x) => b(S.div, b.c(1), x)],
  [S.log1p, (b, x) => b(S.div, b.c(1), b(S.add, b.c(1), x))],
  [S.expm1, (b, _, y) => b(S.add, y, b.c(1))],
  [S.sqrt, (b, _, y) => b(S.div, b.c(0.5), y)],
  [S.abs, (b, x) => b(S.sign, x)],
  [S.sigmoidPrim, (b, _, y) => b(S.mul, y, b(S.sub, b.c(1), y))],
  [S.relu, (b, x) => b(S.where, b(S.gt, x, b.c(0)), b.c(1), b.c(0))],
  [S.softplusPrim, (b, x) => b(S.sigmoidPrim, x)],
];
