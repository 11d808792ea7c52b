// The names user code can call (SPEC §4), and the primitive each operator lowers to.
import type { BinaryOp, UnaryOp } from "../../lang/ast.js";
import type { Primitive } from "../primitive.js";
import * as A from "./arrays.js";
import * as P from "./program.js";
import * as S from "./scalar.js";
import * as D from "./sensitivity.js";
import * as T from "./structural.js";

export const builtins: ReadonlyMap<string, Primitive> = new Map<string, Primitive>([
  ["sin", S.sin], ["cos", S.cos], ["tan", S.tan], ["asin", S.asin], ["acos", S.acos], ["atan", S.atan],
  ["tanh", S.tanh], ["sinh", S.sinh], ["cosh", S.cosh], ["exp", S.exp], ["log", S.log], ["log1p", S.log1p],
  ["expm1", S.expm1], ["sqrt", S.sqrt], ["abs", S.abs], ["sign", S.sign], ["floor", S.floor], ["ceil", S.ceil],
  ["round", S.round], ["sigmoid", S.sigmoidPrim], ["relu", S.relu], ["softplus", S.softplusPrim],
  ["maximum", S.maximum], ["minimum", S.minimum], ["atan2", S.atan2], ["pow", S.pow], ["where", S.where],
  ["matmul", S.matmul],
  ["zeros", A.zerosPrim], ["ones", A.onesPrim], ["full", A.fullPrim], ["arange", A.arangePrim], ["linspace", A.linspacePrim],
  ["rand", A.randPrim], ["randn", A.randnPrim], ["concat", A.concatPrim], ["stack", A.stackPrim],
  ["shape", A.shapePrim], ["reshape", A.reshapePrim], ["transpose", A.transposePrim], ["dot", A.dotPrim], ["outer", A.outerPrim],
  ["sum", A.sumPrim], ["mean", A.meanPrim], ["max", A.maxPrim], ["min", A.minPrim], ["logsumexp", A.logsumexpPrim],
  ["softmax", A.softmaxPrim], ["map", A.mapPrim], ["fold", A.foldPrim],
  ["len", T.len], ["print", P.print], ["read_csv", P.readCsv], ["assert", T.assertPrim], ["stop_gradient", D.stopGradient],
]);

export const binaryOps: Readonly<Record<Exclude<BinaryOp, "and" | "or">, Primitive>> = {
  "+": S.add, "-": S.sub, "*": S.mul, "/": S.div, "%": S.mod, "**": S.pow,
  "==": S.eq, "!=": S.ne, "<": S.lt, "<=": S.le, ">": S.gt, ">=": S.ge,
  "@": S.matmul,
};

export const unaryOps: Readonly<Record<UnaryOp, Primitive>> = { "-": S.neg, not: S.not };
