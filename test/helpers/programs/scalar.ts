// Random scalar programs `def f(x, y) { … }`: the forms they are made of, how fast-check draws
// the forms both generators make (smooth.ts, for differentiation, and effects.ts, for the
// optimizer), and how every form prints as Myx. The forms are a small AST, so fast-check can
// shrink a failing program; each generator draws the forms and operators it wants, and the
// printer, which has to print them all, is written once here.
import fc from "fast-check";

/** The arithmetic operators. "/" keeps its denominator ≥ 2; "÷" is plain division, infinities and NaN included. */
export type Binary = "+" | "-" | "*" | "/" | "÷";
/** The functions applied to one operand; "stop" is stop_gradient. */
export type Unary = "sin" | "cos" | "tanh" | "exp" | "log" | "neg" | "stop";
export type Comparison = "<" | ">" | "==";
/** The defs the programs pass lambdas to (HELPERS). */
export type Helper = "twice" | "fold3" | "pw";
/** `x * 1`, `1 * x`, `x / 1`, `x - 0`, `x + 0`, `-(-x)`, `0 - x`: what the arithmetic rewrites look at. */
export type Neutral = "*1" | "1*" | "/1" | "-0" | "+0" | "--" | "0-";

// The forms both generators make, over the expression type E of the generator's language and the
// operators it draws: each language is then one union of these (they are interfaces, not type
// aliases, so that a union can name itself through them).
export interface Num { readonly k: "num"; readonly v: number }
/** The (i mod n)-th name in scope. */
export interface Var { readonly k: "var"; readonly i: number }
export interface Bin<E, Op extends Binary> { readonly k: "bin"; readonly op: Op; readonly a: E; readonly b: E }
export interface Un<E, F extends Unary> { readonly k: "un"; readonly f: F; readonly a: E }
export interface Cmp<E, Op extends Comparison> { readonly a: E; readonly op: Op; readonly b: E }
export interface If<E, Op extends Comparison> {
  readonly k: "if";
  readonly c: Cmp<E, Op>;
  readonly join: null | { readonly op: "and" | "or"; readonly c: Cmp<E, Op> };
  readonly t: E;
  readonly e: E;
}
export interface Let<E> { readonly k: "let"; readonly v: E; readonly body: E }
export interface Loop<E> { readonly k: "loop"; readonly n: number; readonly upd: "add" | "mul"; readonly init: E; readonly step: E; readonly body: E }
/** `(|v| body)(arg)`. */
export interface Lam<E> { readonly k: "lam"; readonly arg: E; readonly body: E }
export interface Hof<E, H extends Helper> { readonly k: "hof"; readonly h: H; readonly arg: E; readonly body: E }

/** Every form, with every operator: what the printer prints. Only effects.ts draws the forms after the first line. */
export type Expr =
  | Num | Var | Bin<Expr, Binary> | Un<Expr, Unary> | If<Expr, Comparison> | Let<Expr> | Loop<Expr> | Lam<Expr> | Hof<Expr, Helper>
  | { readonly k: "neutral"; readonly n: Neutral; readonly a: Expr }
  | { readonly k: "assign"; readonly init: Expr; readonly c: Cmp<Expr, Comparison>; readonly v: Expr; readonly body: Expr } // var, assigned in an if
  | { readonly k: "print"; readonly v: Expr; readonly body: Expr }
  | { readonly k: "curry"; readonly a: Expr; readonly b: Expr; readonly body: Expr } // (|v| |w| body)(a)(b)
  | { readonly k: "tuple"; readonly how: "param" | "destructure"; readonly a: Expr; readonly b: Expr; readonly body: Expr }
  | { readonly k: "index"; readonly items: readonly Expr[]; readonly i: number }
  | { readonly k: "record"; readonly how: "param" | "field"; readonly a: Expr; readonly b: Expr; readonly body: Expr };

// ---- Drawing the shared forms. Each takes the arbitraries of its parts (fc.letrec's `tie`) and
// the operators to draw from.

/** A constant from `values`, or a name in scope (twice as likely). */
export const leaf = (values: readonly number[]): fc.Arbitrary<Num | Var> =>
  fc.oneof(
    fc.constantFrom(...values).map((v): Num => ({ k: "num", v })),
    fc.nat(20).map((i): Var => ({ k: "var", i })),
    fc.nat(20).map((i): Var => ({ k: "var", i })),
  );

export const binary = <E, Op extends Binary>(ops: readonly Op[], expr: fc.Arbitrary<E>): fc.Arbitrary<Bin<E, Op>> =>
  fc.record({ k: fc.constant("bin" as const), op: fc.constantFrom(...ops), a: expr, b: expr });

export const unary = <E, F extends Unary>(fs: readonly F[], expr: fc.Arbitrary<E>): fc.Arbitrary<Un<E, F>> =>
  fc.record({ k: fc.constant("un" as const), f: fc.constantFrom(...fs), a: expr });

export const comparison = <E, Op extends Comparison>(ops: readonly Op[], expr: fc.Arbitrary<E>): fc.Arbitrary<Cmp<E, Op>> =>
  fc.record({ a: expr, op: fc.constantFrom(...ops), b: expr });

/** An if on one comparison, or on two joined by and/or (one time in three). */
export const branch = <E, Op extends Comparison>(cmp: fc.Arbitrary<Cmp<E, Op>>, expr: fc.Arbitrary<E>): fc.Arbitrary<If<E, Op>> =>
  fc.record({
    k: fc.constant("if" as const), c: cmp,
    join: fc.option(fc.record({ op: fc.constantFrom("and" as const, "or" as const), c: cmp }), { freq: 3 }),
    t: expr, e: expr,
  });

export const letIn = <E>(expr: fc.Arbitrary<E>): fc.Arbitrary<Let<E>> => fc.record({ k: fc.constant("let" as const), v: expr, body: expr });

/** A for loop of 0 to `maxTrips` trips updating a var. */
export const loop = <E>(maxTrips: number, expr: fc.Arbitrary<E>): fc.Arbitrary<Loop<E>> =>
  fc.record({
    k: fc.constant("loop" as const), n: fc.integer({ min: 0, max: maxTrips }), upd: fc.constantFrom("add" as const, "mul" as const),
    init: expr, step: expr, body: expr,
  });

export const lambda = <E>(expr: fc.Arbitrary<E>): fc.Arbitrary<Lam<E>> => fc.record({ k: fc.constant("lam" as const), arg: expr, body: expr });

export const higherOrder = <E, H extends Helper>(helpers: readonly H[], expr: fc.Arbitrary<E>): fc.Arbitrary<Hof<E, H>> =>
  fc.record({ k: fc.constant("hof" as const), h: fc.constantFrom(...helpers), arg: expr, body: expr });

// ---- Printing. Binders are named by their depth in scope, so names never clash along a path;
// a scope entry is any expression that gives a Num (`v3[0]`, `v4.q`).

/** The helpers' defs. fold3's lambda takes (accumulator, index); pw recurses. */
const HELPERS: Readonly<Record<Helper, string>> = {
  twice: "def twice(g, v) = g(g(v));",
  fold3: "def fold3(g, acc) { var a = acc; for k in 0..3 { a = g(a, k); } a }",
  pw: "def pw(g, v, n) = if n <= 0 { v } else { g(pw(g, v, n - 1)) };",
};

const nameAt = (level: number): string => (level === 0 ? "x" : level === 1 ? "y" : `v${level}`);
const pick = (scope: readonly string[], i: number): string => scope[i % scope.length]!;
const num = (v: number): string => (Object.is(v, -0) ? "(0 * -1)" : v < 0 ? `(${v})` : `${v}`);

function show(e: Expr, scope: readonly string[]): string {
  const s = (x: Expr, more: readonly string[] = []): string => show(x, more.length ? [...scope, ...more] : scope);
  switch (e.k) {
    case "num": return num(e.v);
    case "var": return pick(scope, e.i);
    // Division by "/" only by something ≥ 2, and log only of something ≥ 1: no poles in the domain.
    case "bin":
      return e.op === "/" ? `(${s(e.a)} / (2 + ${s(e.b)} * ${s(e.b)}))` : e.op === "÷" ? `(${s(e.a)} / ${s(e.b)})` : `(${s(e.a)} ${e.op} ${s(e.b)})`;
    case "un": {
      const a = s(e.a);
      return e.f === "neg" ? `(-${a})` : e.f === "exp" ? `exp(tanh(${a}))` : e.f === "log" ? `log(1 + ${a} * ${a})` : e.f === "stop" ? `stop_gradient(${a})` : `${e.f}(${a})`;
    }
    case "neutral": {
      const a = s(e.a);
      const forms: Record<Neutral, string> = { "*1": `(${a} * 1)`, "1*": `(1 * ${a})`, "/1": `(${a} / 1)`, "-0": `(${a} - 0)`, "+0": `(${a} + 0)`, "--": `(-(-${a}))`, "0-": `(0 - ${a})` };
      return forms[e.n];
    }
    case "if": {
      const cmp = (c: Cmp<Expr, Comparison>): string => `(${s(c.a)} ${c.op} ${s(c.b)})`;
      const cond = e.join === null ? cmp(e.c) : `${cmp(e.c)} ${e.join.op} ${cmp(e.join.c)}`;
      return `(if ${cond} { ${block(e.t, scope)} } else { ${block(e.e, scope)} })`;
    }
    // Statements need a block: an immediately applied nullary lambda is one.
    case "let": case "assign": case "loop": case "print": return `(|| { ${block(e, scope)} })()`;
    case "tuple": if (e.how === "destructure") return `(|| { ${block(e, scope)} })()`; else {
      const t = nameAt(scope.length);
      return `(|${t}| { ${block(e.body, [...scope, `${t}[0]`, `${t}[1]`])} })((${s(e.a)}, ${s(e.b)}))`;
    }
    case "record": if (e.how === "field") return `(|| { ${block(e, scope)} })()`; else {
      const r = nameAt(scope.length);
      return `(|${r}| { ${block(e.body, [...scope, `${r}.p`, `${r}.q`])} })({p: ${s(e.a)}, q: ${s(e.b)}})`;
    }
    case "index": return `(${e.items.map((x) => s(x)).join(", ")}${e.items.length === 1 ? "," : ""})[${e.i % e.items.length}]`;
    case "lam": {
      const v = nameAt(scope.length);
      return `(|${v}| { ${block(e.body, [...scope, v])} })(${s(e.arg)})`;
    }
    case "curry": {
      const [v, w] = [nameAt(scope.length), nameAt(scope.length + 1)];
      return `(|${v}| |${w}| { ${block(e.body, [...scope, v, w])} })(${s(e.a)})(${s(e.b)})`;
    }
    case "hof": {
      const vs = e.h === "fold3" ? [nameAt(scope.length), nameAt(scope.length + 1)] : [nameAt(scope.length)];
      const lam = `|${vs.join(", ")}| { ${block(e.body, [...scope, ...vs])} }`;
      return e.h === "pw" ? `pw(${lam}, ${s(e.arg)}, 2)` : `${e.h}(${lam}, ${s(e.arg)})`;
    }
  }
}

/** `e` in statement position: binding forms become statements, anything else the block's value. */
export function block(e: Expr, scope: readonly string[]): string {
  const v = nameAt(scope.length);
  switch (e.k) {
    case "let": return `let ${v} = ${show(e.v, scope)}; ${block(e.body, [...scope, v])}`;
    case "assign": {
      const c = `(${show(e.c.a, scope)} ${e.c.op} ${show(e.c.b, scope)})`;
      return `var ${v} = ${show(e.init, scope)}; if ${c} { ${v} = ${show(e.v, [...scope, v])}; } ${block(e.body, [...scope, v])}`;
    }
    case "loop": {
      const i = nameAt(scope.length + 1);
      const step = show(e.step, [...scope, v, i]);
      const update = e.upd === "add" ? `${v} + tanh(${step})` : `${v} * cos(${step})`;
      return `var ${v} = ${show(e.init, scope)}; for ${i} in 0..${e.n} { ${v} = ${update}; } ${block(e.body, [...scope, v])}`;
    }
    case "print": return `print("p", ${show(e.v, scope)}); ${block(e.body, scope)}`;
    case "tuple":
      if (e.how !== "destructure") break;
      return `let (${v}, ${nameAt(scope.length + 1)}) = (${show(e.a, scope)}, ${show(e.b, scope)}); ${block(e.body, [...scope, v, nameAt(scope.length + 1)])}`;
    case "record":
      if (e.how !== "field") break;
      return `let ${v} = {p: ${show(e.a, scope)}, q: ${show(e.b, scope)}}; ${block(e.body, [...scope, `${v}.q`, `${v}.p`])}`;
  }
  return show(e, scope);
}

/** `def f(x, y)` computing `e`, after the defs of the helpers a generator draws (`helpers`). */
export const program = (e: Expr, helpers: readonly Helper[]): string =>
  `${helpers.map((h) => HELPERS[h]).join("\n")}\ndef f(x, y) {\n  ${block(e, ["x", "y"])}\n}`;
