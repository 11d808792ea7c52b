// Every primitive of this room, in one list built here rather than by whichever modules were
// imported; the names user code can call (SPEC §4), from their definitions; and the primitive
// each operator lowers to.
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

const isPrimitiveExport = (v: unknown): v is Primitive => typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "primitive";

/** Every primitive defined in this room, each once. */
export const basePrimitives: readonly Primitive[] = [
  ...new Set([C, H, L, M, P, R, S, D, T, U].flatMap((family) => Object.values(family).filter(isPrimitiveExport))),
  ...H.higherOrderDerivatives,
];

/** The primitives programs call by name: those their definitions mark `builtin`. */
export const builtins: ReadonlyMap<string, Primitive> = new Map(basePrimitives.filter((p) => p.builtin).map((p) => [p.name, p]));

/** The primitive each operator lowers to (`a + b` is `add(a, b)`). */
export const binaryOps: Readonly<Record<Exclude<BinaryOp, "and" | "or">, Primitive>> = {
  "+": S.add, "-": S.sub, "*": S.mul, "/": S.div, "%": S.mod, "**": S.pow,
  "==": S.eq, "!=": S.ne, "<": S.lt, "<=": S.le, ">": S.gt, ">=": S.ge,
  "@": M.matmul,
};

export const unaryOps: Readonly<Record<UnaryOp, Primitive>> = { "-": S.neg, not: S.not };
