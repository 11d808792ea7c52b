// The random scalar programs the optimizer's equivalence test runs with and without the
// optimizer: every form and operator of scalar.ts — arithmetic (plain division too) and the
// neutral elements the rewrites look for, let, var assigned in an if, if with and/or, bounded for
// loops, lambdas applied, curried, returned and passed (also to a recursive def), tuples, records
// and prints — and the zeros of both signs.
import fc from "fast-check";
import {
  binary, branch, comparison, higherOrder, lambda, leaf, letIn, loop, program as scalarProgram, unary,
  type Cmp, type Comparison, type Expr, type Helper, type Neutral,
} from "./scalar.js";

export type { Expr } from "./scalar.js";

const HELPERS: readonly Helper[] = ["twice", "fold3", "pw"];

export const { expr } = fc.letrec<{ expr: Expr; cmp: Cmp<Expr, Comparison> }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "large", maxDepth: 5, depthIdentifier: "expr" },
    { weight: 6, arbitrary: leaf([0, -0, 0.5, 1, 1.5, 2, 3, -0.5, -1, 0.25]) },
    // Each of + - * / twice: plain division ("÷") is one draw in nine.
    { weight: 5, arbitrary: binary(["+", "-", "*", "/", "+", "-", "*", "/", "÷"], tie("expr")) },
    { weight: 3, arbitrary: unary(["sin", "cos", "tanh", "exp", "log", "neg", "stop"], tie("expr")) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("neutral" as const), n: fc.constantFrom<Neutral>("*1", "1*", "/1", "-0", "+0", "--", "0-"), a: tie("expr") }) },
    { weight: 2, arbitrary: branch(tie("cmp"), tie("expr")) },
    { weight: 2, arbitrary: letIn(tie("expr")) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("assign" as const), init: tie("expr"), c: tie("cmp"), v: tie("expr"), body: tie("expr") }) },
    { weight: 1, arbitrary: loop(3, tie("expr")) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("print" as const), v: tie("expr"), body: tie("expr") }) },
    { weight: 1, arbitrary: lambda(tie("expr")) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("curry" as const), a: tie("expr"), b: tie("expr"), body: tie("expr") }) },
    { weight: 1, arbitrary: higherOrder(HELPERS, tie("expr")) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("tuple" as const), how: fc.constantFrom("param" as const, "destructure" as const), a: tie("expr"), b: tie("expr"), body: tie("expr") }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("index" as const), items: fc.array(tie("expr"), { minLength: 1, maxLength: 3 }), i: fc.integer({ min: -3, max: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("record" as const), how: fc.constantFrom("param" as const, "field" as const), a: tie("expr"), b: tie("expr"), body: tie("expr") }) },
  ),
  cmp: comparison(["<", ">", "=="], tie("expr")),
}));

export const program = (e: Expr): string => scalarProgram(e, HELPERS);
