// The names user code can call (SPEC §4), the primitive each operator lowers to, and every
// primitive of this room: one list, built here rather than by whichever modules were imported.
import type { BinaryOp, UnaryOp } from "../lang/ast.js";
import * as C from "./construct.js";
import * as H from "./higher-order.js";
import * as L from "./layout.js";
import type { Primitive } from "./primitive.js";
import * as M from "./products.js";
import * as P from "./program.js";
import * as R from "./reductions.js";
import * as S from "./scalar.js";
import * as D from "./sensitivity.js";
import * as T from "./structural.js";
import * as U from "./updates.js";

export const builtins: ReadonlyMap<string, Primitive> = new Map<string, Primitive>([
  ["sin", S.sin], ["cos", S.cos], ["tan", S.tan], ["asin", S.asin], ["acos", S.acos], ["atan", S.atan],
  ["tanh", S.tanh], ["sinh", S.sinh], ["cosh", S.cosh], ["exp", S.exp], ["log", S.log], ["log1p", S.log1p],
  ["expm1", S.expm1], ["sqrt", S.sqrt], ["abs", S.abs], ["sign", S.sign], ["floor", S.floor], ["ceil", S.ceil],
  ["round", S.round], ["sigmoid", S.sigmoid], ["relu", S.relu], ["softplus", S.softplus],
  ["maximum", S.maximum], ["minimum", S.minimum], ["atan2", S.atan2], ["pow", S.pow], ["where", S.where],
  ["matmul", M.matmul],
  ["zeros", C.zerosPrim], ["ones", C.onesPrim], ["full", C.fullPrim], ["arange", C.arangePrim], ["linspace", C.linspacePrim],
  ["rand", C.randPrim], ["randn", C.randnPrim], ["concat", C.concatPrim], ["stack", C.stackPrim],
  ["shape", L.shapePrim], ["reshape", L.reshapePrim], ["transpose", L.transposePrim], ["dot", M.dotPrim], ["outer", M.outerPrim],
  ["sum", R.sumPrim], ["mean", R.meanPrim], ["max", R.maxPrim], ["min", R.minPrim], ["logsumexp", R.logsumexpPrim],
  ["softmax", R.softmaxPrim], ["map", H.mapPrim], ["fold", H.foldPrim],
  ["len", T.len], ["print", P.print], ["read_csv", P.readCsv], ["assert", T.assertPrim], ["stop_gradient", D.stopGradient],
]);

export const binaryOps: Readonly<Record<Exclude<BinaryOp, "and" | "or">, Primitive>> = {
  "+": S.add, "-": S.sub, "*": S.mul, "/": S.div, "%": S.mod, "**": S.pow,
  "==": S.eq, "!=": S.ne, "<": S.lt, "<=": S.le, ">": S.gt, ">=": S.ge,
  "@": M.matmul,
};

export const unaryOps: Readonly<Record<UnaryOp, Primitive>> = { "-": S.neg, not: S.not };

const isPrimitiveExport = (v: unknown): v is Primitive => typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "primitive";

/** Every primitive defined in this room, each once. */
export const basePrimitives: readonly Primitive[] = [
  ...new Set([C, H, L, M, P, R, S, D, T, U].flatMap((family) => Object.values(family).filter(isPrimitiveExport))),
  ...H.higherOrderDerivatives,
];
