// The random scalar programs the AD property test differentiates: arithmetic, unary functions,
// if with and/or, let, bounded for loops and lambdas, applied and passed to helpers — without
// poles, and smooth but for the branches. Also their reference interpreter, the same arithmetic
// in the same order as the printed program, which records the outcome of every comparison, so
// the test can tell whether a finite-difference stencil stays on the branches its point takes.
import fc from "fast-check";
import {
  binary, branch, comparison, higherOrder, lambda, leaf, letIn, loop, program as scalarProgram, unary,
  type Bin, type Cmp, type Hof, type If, type Lam, type Let, type Loop, type Num, type Un, type Var,
} from "./scalar.js";

type Unary = "sin" | "cos" | "tanh" | "exp" | "log" | "neg";
type Comparison = "<" | ">";
type Helper = "twice" | "fold3";
export type Expr =
  | Num | Var | Bin<Expr, "+" | "-" | "*" | "/"> | Un<Expr, Unary> | If<Expr, Comparison> | Let<Expr> | Loop<Expr> | Lam<Expr> | Hof<Expr, Helper>;

const HELPERS: readonly Helper[] = ["twice", "fold3"];

export const { expr } = fc.letrec<{ expr: Expr; cmp: Cmp<Expr, Comparison> }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "large", maxDepth: 6, depthIdentifier: "expr" },
    // The first is what the depth limit falls back to: a leaf.
    { weight: 6, arbitrary: leaf([0.5, 1, 1.5, 2, 3, -0.5, -1, 0.25]) },
    { weight: 5, arbitrary: binary(["+", "-", "*", "/"], tie("expr")) },
    { weight: 4, arbitrary: unary(["sin", "cos", "tanh", "exp", "log", "neg"], tie("expr")) },
    { weight: 2, arbitrary: branch(tie("cmp"), tie("expr")) },
    { weight: 2, arbitrary: letIn(tie("expr")) },
    { weight: 1, arbitrary: loop(4, tie("expr")) },
    { weight: 1, arbitrary: lambda(tie("expr")) },
    { weight: 1, arbitrary: higherOrder(HELPERS, tie("expr")) },
  ),
  cmp: comparison(["<", ">"], tie("expr")),
}));

export const program = (e: Expr): string => scalarProgram(e, HELPERS);

/** The outcome of each comparison, in evaluation order. */
export type Trace = boolean[];

/** The value of `e` with the names in scope bound to `env`, pushing each comparison's outcome to `tr`. */
export function evaluate(e: Expr, env: readonly number[], tr: Trace): number {
  const ev = (x: Expr, more: readonly number[] = []): number => evaluate(x, more.length ? [...env, ...more] : env, tr);
  switch (e.k) {
    case "num": return e.v;
    case "var": return env[e.i % env.length]!;
    case "bin": {
      const a = ev(e.a);
      if (e.op === "/") { const b = ev(e.b); return a / (2 + b * b); }
      const b = ev(e.b);
      return e.op === "+" ? a + b : e.op === "-" ? a - b : a * b;
    }
    case "un": {
      const a = ev(e.a);
      return e.f === "neg" ? -a : e.f === "exp" ? Math.exp(Math.tanh(a)) : e.f === "log" ? Math.log(1 + a * a) : Math[e.f](a);
    }
    case "if": {
      const cmp = (c: Cmp<Expr, Comparison>): boolean => {
        const [a, b] = [ev(c.a), ev(c.b)];
        const outcome = c.op === "<" ? a < b : a > b;
        tr.push(outcome);
        return outcome;
      };
      const first = cmp(e.c);
      const taken = e.join === null ? first : e.join.op === "and" ? first && cmp(e.join.c) : first || cmp(e.join.c);
      return taken ? ev(e.t) : ev(e.e);
    }
    case "let": return ev(e.body, [ev(e.v)]);
    case "loop": {
      let a = ev(e.init);
      for (let i = 0; i < e.n; i++) {
        const s = ev(e.step, [a, i]);
        a = e.upd === "add" ? a + Math.tanh(s) : a * Math.cos(s);
      }
      return ev(e.body, [a]);
    }
    case "lam": return ev(e.body, [ev(e.arg)]);
    case "hof": {
      let a = ev(e.arg);
      if (e.h === "twice") return ev(e.body, [ev(e.body, [a])]);
      for (let k = 0; k < 3; k++) a = ev(e.body, [a, k]);
      return a;
    }
  }
}
