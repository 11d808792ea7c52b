// The grammar collects an expression as a flat list — prefix operators, operands (with their
// postfix calls, indexes and fields already applied) and binary operators — and this module builds
// the tree with a shunting-yard loop. Doing it here, iteratively, instead of with one grammar rule
// per precedence level keeps the parser's stack use per bracket level small and makes long
// operator chains cost no stack at all.
import type { IToken, TokenType } from "chevrotain";
import type { BinaryOp, Expr, Span, UnaryOp } from "./ast.js";
import * as T from "./lexer.js";
import { joinSpans, tokenSpan } from "./spans.js";

export type Part =
  | { readonly tag: "prefix"; readonly tok: IToken }
  | { readonly tag: "binary"; readonly tok: IToken }
  | { readonly tag: "operand"; readonly expr: Expr };

// Loosest first, as in SPEC §2. Comparisons are non-associative; `**` is right-associative.
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARISON = 4;
const SUM = 5;
const PRODUCT = 6;
const NEGATE = 7;
const POWER = 8;

const BINARY = new Map<TokenType, { op: BinaryOp; prec: number }>([
  [T.Or, { op: "or", prec: OR }],
  [T.And, { op: "and", prec: AND }],
  [T.EqEq, { op: "==", prec: COMPARISON }],
  [T.NotEq, { op: "!=", prec: COMPARISON }],
  [T.Less, { op: "<", prec: COMPARISON }],
  [T.LessEq, { op: "<=", prec: COMPARISON }],
  [T.Greater, { op: ">", prec: COMPARISON }],
  [T.GreaterEq, { op: ">=", prec: COMPARISON }],
  [T.Plus, { op: "+", prec: SUM }],
  [T.Minus, { op: "-", prec: SUM }],
  [T.Star, { op: "*", prec: PRODUCT }],
  [T.Slash, { op: "/", prec: PRODUCT }],
  [T.Percent, { op: "%", prec: PRODUCT }],
  [T.At, { op: "@", prec: PRODUCT }],
  [T.StarStar, { op: "**", prec: POWER }],
]);

type Pending =
  | { readonly kind: "prefix"; readonly op: UnaryOp; readonly prec: number; readonly span: Span }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly prec: number; readonly span: Span };

export type Report = (span: Span, message: string) => void;

export function buildExpression(parts: readonly Part[], file: string, report: Report): Expr {
  const operands: Expr[] = [];
  const pending: Pending[] = [];
  let previous: Pending | null = null;

  const reduce = (): void => {
    const top = pending.pop()!;
    if (top.kind === "prefix") {
      const operand = operands.pop()!;
      operands.push({ kind: "Unary", op: top.op, operand, span: joinSpans(top.span, operand.span) });
    } else {
      const right = operands.pop()!;
      const left = operands.pop()!;
      const span = joinSpans(left.span, right.span);
      operands.push({ kind: "Binary", op: top.op, left, right, opSpan: top.span, span });
    }
  };

  for (const part of parts) {
    if (part.tag === "operand") {
      operands.push(part.expr);
      previous = null;
      continue;
    }
    const span = tokenSpan(part.tok, file);
    if (part.tag === "prefix") {
      const op: UnaryOp = part.tok.tokenType === T.Not ? "not" : "-";
      const prefix: Pending = { kind: "prefix", op, prec: op === "not" ? NOT : NEGATE, span };
      // `a + not b` has no reading consistent with the table (`not` is looser than `+`), so say
      // so instead of silently picking one; `-` is fine anywhere (`2 ** -1`).
      if (op === "not" && previous !== null && previous.prec > NOT) {
        report(span, `'not' cannot directly follow '${previous.op}': write '${previous.op} (not ...)'`);
      }
      pending.push(prefix);
      previous = prefix;
      continue;
    }
    const { op, prec } = BINARY.get(part.tok.tokenType)!;
    for (let top = pending.at(-1); top !== undefined; top = pending.at(-1)) {
      if (top.prec < prec || (top.prec === prec && prec === POWER)) break;
      if (top.kind === "binary" && prec === COMPARISON && top.prec === COMPARISON) {
        report(span, `comparisons cannot be chained: write 'a ${top.op} b and b ${op} c' instead of 'a ${top.op} b ${op} c'`);
      }
      reduce();
    }
    const binary: Pending = { kind: "binary", op, prec, span };
    pending.push(binary);
    previous = binary;
  }
  while (pending.length > 0) reduce();
  return operands[0]!;
}
