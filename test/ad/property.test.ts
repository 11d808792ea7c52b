// Random well-formed scalar programs `def f(x, y) { … }`, differentiated and compared with finite
// differences. Programs are built from a small AST (so fast-check can shrink them) that is both
// printed as Myx and evaluated by a reference interpreter here: the interpreter gives the value
// to check the VM against, and the outcome of every comparison the run evaluated. A point is used
// only if every point of the finite-difference stencil takes the same branches as the point itself
// (the exact form of "the comparison margin is larger than the step"); otherwise FD would measure
// a jump, not the derivative of the branch taken, and the point is rejected instead of reported.
//
// Every fifth program also has its second derivatives checked against finite differences of its
// gradient. `npm test` runs 500 programs from a fixed seed; `npm run fuzz:ad` runs 10,000 from a
// random one. MYX_FUZZ_SEED=<n> replays a run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MyxModule } from "../../src/index.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { hasBuiltin, isClose, load } from "./helpers.js";

const RUNS = Number(process.env.MYX_FUZZ_RUNS ?? 500);
const SEED = fuzzSeed("MYX_FUZZ_SEED", 20261205);

type Unary = "sin" | "cos" | "tanh" | "exp" | "log" | "neg";
interface Cmp { readonly a: Expr; readonly op: "<" | ">"; readonly b: Expr }
type Expr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "var"; readonly i: number } // the (i mod n)-th name in scope
  | { readonly k: "bin"; readonly op: "+" | "-" | "*" | "/"; readonly a: Expr; readonly b: Expr }
  | { readonly k: "un"; readonly f: Unary; readonly a: Expr }
  | { readonly k: "if"; readonly c: Cmp; readonly join: null | { readonly op: "and" | "or"; readonly c: Cmp }; readonly t: Expr; readonly e: Expr }
  | { readonly k: "let"; readonly v: Expr; readonly body: Expr }
  | { readonly k: "loop"; readonly n: number; readonly upd: "add" | "mul"; readonly init: Expr; readonly step: Expr; readonly body: Expr }
  | { readonly k: "lam"; readonly arg: Expr; readonly body: Expr } // (|v| body)(arg)
  | { readonly k: "hof"; readonly h: "twice" | "fold3"; readonly arg: Expr; readonly body: Expr };

// Helpers the programs pass lambdas to. fold3's lambda takes (accumulator, index).
const PRELUDE = `def twice(g, v) = g(g(v));
def fold3(g, acc) { var a = acc; for k in 0..3 { a = g(a, k); } a }`;

const { expr } = fc.letrec<{ expr: Expr; cmp: Cmp }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "large", maxDepth: 6, depthIdentifier: "expr" },
    // The first is what the depth limit falls back to: a leaf.
    { weight: 6, arbitrary: fc.oneof(
      fc.constantFrom(0.5, 1, 1.5, 2, 3, -0.5, -1, 0.25).map((v): Expr => ({ k: "num", v })),
      fc.nat(20).map((i): Expr => ({ k: "var", i })),
      fc.nat(20).map((i): Expr => ({ k: "var", i })),
    ) },
    { weight: 5, arbitrary: fc.record({ k: fc.constant("bin" as const), op: fc.constantFrom("+" as const, "-" as const, "*" as const, "/" as const), a: tie("expr"), b: tie("expr") }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant("un" as const), f: fc.constantFrom<Unary>("sin", "cos", "tanh", "exp", "log", "neg"), a: tie("expr") }) },
    { weight: 2, arbitrary: fc.record({
      k: fc.constant("if" as const), c: tie("cmp"),
      join: fc.option(fc.record({ op: fc.constantFrom("and" as const, "or" as const), c: tie("cmp") }), { freq: 3 }),
      t: tie("expr"), e: tie("expr"),
    }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("let" as const), v: tie("expr"), body: tie("expr") }) },
    { weight: 1, arbitrary: fc.record({
      k: fc.constant("loop" as const), n: fc.integer({ min: 0, max: 4 }), upd: fc.constantFrom("add" as const, "mul" as const),
      init: tie("expr"), step: tie("expr"), body: tie("expr"),
    }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("lam" as const), arg: tie("expr"), body: tie("expr") }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("hof" as const), h: fc.constantFrom("twice" as const, "fold3" as const), arg: tie("expr"), body: tie("expr") }) },
  ),
  cmp: fc.record({ a: tie("expr"), op: fc.constantFrom("<" as const, ">" as const), b: tie("expr") }),
}));

// ---- Printing. Binders are named by their depth in scope, so names never clash along a path.

const nameAt = (level: number): string => (level === 0 ? "x" : level === 1 ? "y" : `v${level}`);
const pick = (scope: readonly string[], i: number): string => scope[i % scope.length]!;

function show(e: Expr, scope: readonly string[]): string {
  switch (e.k) {
    case "num": return e.v < 0 ? `(${e.v})` : `${e.v}`;
    case "var": return pick(scope, e.i);
    // Division only by something ≥ 2, and log only of something ≥ 1: no poles in the domain.
    case "bin": return e.op === "/" ? `(${show(e.a, scope)} / (2 + ${show(e.b, scope)} * ${show(e.b, scope)}))` : `(${show(e.a, scope)} ${e.op} ${show(e.b, scope)})`;
    case "un": {
      const a = show(e.a, scope);
      return e.f === "neg" ? `(-${a})` : e.f === "exp" ? `exp(tanh(${a}))` : e.f === "log" ? `log(1 + ${a} * ${a})` : `${e.f}(${a})`;
    }
    case "if": {
      const cmp = (c: Cmp): string => `(${show(c.a, scope)} ${c.op} ${show(c.b, scope)})`;
      const cond = e.join === null ? cmp(e.c) : `${cmp(e.c)} ${e.join.op} ${cmp(e.join.c)}`;
      return `(if ${cond} { ${block(e.t, scope)} } else { ${block(e.e, scope)} })`;
    }
    // Statements need a block: an immediately applied nullary lambda is one.
    case "let": case "loop": return `(|| { ${block(e, scope)} })()`;
    case "lam": {
      const v = nameAt(scope.length);
      return `(|${v}| { ${block(e.body, [...scope, v])} })(${show(e.arg, scope)})`;
    }
    case "hof": {
      const vs = e.h === "twice" ? [nameAt(scope.length)] : [nameAt(scope.length), nameAt(scope.length + 1)];
      return `${e.h}(|${vs.join(", ")}| { ${block(e.body, [...scope, ...vs])} }, ${show(e.arg, scope)})`;
    }
  }
}

/** `e` in statement position: lets and loops become statements, anything else the block's value. */
function block(e: Expr, scope: readonly string[]): string {
  if (e.k === "let") {
    const v = nameAt(scope.length);
    return `let ${v} = ${show(e.v, scope)}; ${block(e.body, [...scope, v])}`;
  }
  if (e.k === "loop") {
    const [a, i] = [nameAt(scope.length), nameAt(scope.length + 1)];
    const step = show(e.step, [...scope, a, i]);
    const update = e.upd === "add" ? `${a} + tanh(${step})` : `${a} * cos(${step})`;
    return `var ${a} = ${show(e.init, scope)}; for ${i} in 0..${e.n} { ${a} = ${update}; } ${block(e.body, [...scope, a])}`;
  }
  return show(e, scope);
}

const program = (e: Expr): string => `${PRELUDE}\ndef f(x, y) {\n  ${block(e, ["x", "y"])}\n}`;

// ---- The reference interpreter: the same arithmetic in the same order, recording each branch.

/** The outcome of each comparison, in evaluation order. */
type Trace = boolean[];

function evaluate(e: Expr, env: readonly number[], tr: Trace): number {
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
      const cmp = (c: Cmp): boolean => {
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

// ---- Derivative oracles: each gives (∂f/∂x, ∂f/∂y). More modes (jvp) slot in beside grad.

interface Oracle {
  readonly name: string;
  /** Defs appended to the program. */
  readonly defs: string;
  readonly partials: (m: MyxModule, x: number, y: number) => readonly [unknown, unknown];
}

const oracles: Oracle[] = [
  {
    name: "grad",
    defs: "def __d0(x, y) = grad(f, 0)(x, y);\ndef __d1(x, y) = grad(f, 1)(x, y);",
    partials: (m, x, y) => [m.fn("__d0")(x, y), m.fn("__d1")(x, y)],
  },
];
// `jvp(f, (x, y), (tx, ty))` returns (value, tangent): forward mode must agree with reverse mode.
if (hasBuiltin("jvp")) {
  oracles.push({
    name: "jvp",
    defs: "def __t0(x, y) = jvp(f, (x, y), (1, 0))[1];\ndef __t1(x, y) = jvp(f, (x, y), (0, 1))[1];",
    partials: (m, x, y) => [m.fn("__t0")(x, y), m.fn("__t1")(x, y)],
  });
}

type Point = readonly [number, number];

/** The FD stencil in coordinate k: p ± h and p ± h/2, with h relative to |p_k|. */
function stencil(p: Point, k: 0 | 1): { h: number; at: (s: number) => Point } {
  return { h: 1e-4 * Math.max(1, Math.abs(p[k])), at: (s) => (k === 0 ? [p[0] + s, p[1]] : [p[0], p[1] + s]) };
}

/**
 * Richardson-extrapolated central difference (error O(h⁴)), with an error estimate: D(h) and
 * D(h/2) differ by ~¾h²·f''' where f is smooth, and wildly where a step overflows or cancels.
 */
function finiteDifference(f: (x: number, y: number) => number, p: Point, k: 0 | 1): { d: number; err: number } {
  const { h, at } = stencil(p, k);
  const fAt = (s: number): number => f(...at(s));
  const d1 = (fAt(h) - fAt(-h)) / (2 * h);
  const d2 = (fAt(h / 2) - fAt(-h / 2)) / h;
  return { d: d2 + (d2 - d1) / 3, err: Math.abs(d2 - d1) };
}

/** Whether every stencil point takes the branches `p` takes, with finite values. */
function branchesStable(e: Expr, p: Point, trace: Trace): boolean {
  const same = trace.join();
  for (const k of [0, 1] as const) {
    const { h, at } = stencil(p, k);
    for (const s of [h, -h, h / 2, -h / 2]) {
      const tr: Trace = [];
      if (!Number.isFinite(evaluate(e, at(s), tr)) || tr.join() !== same) return false;
    }
  }
  return true;
}

const stats = { programs: 0, checked: 0, rejected: 0, comparisons: 0 };

type Outcome = "checked" | "rejected";

function checkProgram(e: Expr, points: readonly Point[]): Outcome {
  stats.programs++;
  const src = program(e);
  try {
    const outcome = checkSource(e, src, points);
    stats[outcome]++;
    return outcome;
  } catch (err) {
    // Whatever went wrong (a mismatch, a Myx error, an internal one), show the program.
    if (err instanceof Error && err.message.includes(src)) throw err;
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nat points ${JSON.stringify(points)} in the program\n${src}\n`, { cause: err });
  }
}

function checkSource(e: Expr, src: string, points: readonly Point[]): "checked" | "rejected" {
  // Second derivatives cost a transform of a transform: every fifth program has them checked.
  const secondOrder = stats.programs % 5 === 0;
  const m = load(`${src}\n${oracles.map((o) => o.defs).join("\n")}${secondOrder ? `\n${SECOND_ORDER}` : ""}`);
  const f = m.fn("f") as (x: number, y: number) => number;
  const fail = (msg: string, p: Point): never => {
    throw new Error(`${msg}\nat (x, y) = (${p[0]}, ${p[1]}) in the program\n${src}\n`);
  };
  for (const p of points) {
    const trace: Trace = [];
    const want = evaluate(e, p, trace);
    if (!Number.isFinite(want) || Math.abs(want) > 1e8 || !branchesStable(e, p, trace)) continue;
    const got = f(p[0], p[1]);
    if (!isClose(got, want, { rel: 1e-9, abs: 1e-12 })) fail(`f = ${got} on the VM, ${want} by the reference interpreter`, p);
    const fd = ([0, 1] as const).map((k) => finiteDifference(f, p, k));
    // Two FD steps that disagree beyond what smoothness allows mean FD is no oracle here.
    if (fd.some(({ d, err }) => !Number.isFinite(d) || err > 1e-3 * (1 + Math.abs(d)))) continue;
    const results = oracles.map((o) => ({ name: o.name, ds: o.partials(m, p[0], p[1]) }));
    for (const k of [0, 1] as const) {
      const { d, err } = fd[k]!;
      // FD's rounding error is ~ε·|f|/h ≈ 1e-12·|f|; its truncation error is far below `err`.
      const tol = { rel: 1e-5, abs: 1e-9 * (1 + Math.abs(want)) + 1e-2 * err };
      for (const r of results) {
        const g = r.ds[k];
        if (typeof g !== "number" || !isClose(g, d, tol)) fail(`${r.name}: ∂f/∂${k === 0 ? "x" : "y"} = ${String(g)}, finite differences give ${d} (±${err})`, p);
      }
      for (const r of results.slice(1)) {
        const [g, g0] = [r.ds[k] as number, results[0]!.ds[k] as number];
        if (!isClose(g, g0, { rel: 1e-9, abs: 1e-12 })) fail(`${r.name} and ${results[0]!.name} disagree on ∂f/∂${k === 0 ? "x" : "y"}: ${g} vs ${g0}`, p);
      }
    }
    if (secondOrder) checkSecondOrder(m, p, fail);
    stats.comparisons += trace.length;
    return "checked";
  }
  return "rejected";
}

/**
 * Second derivatives, against finite differences of the first (∂f/∂x, from grad): ∂²f/∂x² and
 * ∂²f/∂x∂y by grad of a function that calls grad, and the mixed one again through a closure that
 * captures the outer variable — the sensitivity of what a closure captured, one order up.
 */
const SECOND_ORDER = `def __dd(x, y) = grad(|a, b| grad(f, 0)(a, b), (0, 1))(x, y);
def __ddc(x, y) = grad(|b| grad(|z| f(z, b), 0)(x), 0)(y);`;

function checkSecondOrder(m: MyxModule, p: Point, fail: (msg: string, p: Point) => never): void {
  const d0 = m.fn("__d0") as (x: number, y: number) => number;
  const fd = ([0, 1] as const).map((k) => finiteDifference(d0, p, k));
  if (fd.some(({ d, err }) => !Number.isFinite(d) || err > 1e-3 * (1 + Math.abs(d)))) return;
  const [dxx, dxy] = m.fn("__dd")(p[0], p[1]) as [number, number];
  const mixed = m.fn("__ddc")(p[0], p[1]) as number;
  const named: [string, unknown, 0 | 1][] = [["∂²f/∂x²", dxx, 0], ["∂²f/∂x∂y", dxy, 1], ["∂²f/∂x∂y through a closure", mixed, 1]];
  for (const [what, got, k] of named) {
    const { d, err } = fd[k]!;
    const tol = { rel: 1e-5, abs: 1e-7 * (1 + Math.abs(d)) + 1e-2 * err };
    if (typeof got !== "number" || !isClose(got, d, tol)) fail(`${what} = ${String(got)}, finite differences of grad give ${d} (±${err})`, p);
  }
}

// Points on a grid of step 1/997 in [-2, 2]: no tiny or subnormal coordinates (which fc.double
// favours and which only make every `x < 0` a coin toss for FD), and x = y now and then, which
// the branch-stability check must cope with.
const coordinate = fc.integer({ min: -1994, max: 1994 }).map((n) => n / 997);
const point = fc.tuple(coordinate, coordinate);

describe("random programs: derivatives agree with finite differences and with each other", () => {
  it(`holds for ${RUNS} generated programs (modes: ${oracles.map((o) => o.name).join(", ")})`, { timeout: Math.max(90_000, RUNS * 250) }, () => {
    fc.assert(fc.property(expr, fc.array(point, { minLength: 4, maxLength: 4 }), (e, ps) => void checkProgram(e, ps)), {
      numRuns: RUNS,
      ...SEED,
    });
    console.info(`property.test.ts: ${JSON.stringify(stats)}`);
    // Rejections (no point whose FD stencil stays on its branches, or unstable FD) and known
    // bugs must stay rare, or the test would silently check little.
    expect(stats.checked, JSON.stringify(stats)).toBeGreaterThanOrEqual(0.8 * stats.programs);
  });

  it("prints a program as valid Myx that evaluates like the reference, and checks it", () => {
    const e: Expr = { k: "hof", h: "fold3", arg: { k: "var", i: 0 }, body: { k: "loop", n: 2, upd: "mul", init: { k: "var", i: 2 }, step: { k: "var", i: 5 }, body: { k: "bin", op: "/", a: { k: "var", i: 4 }, b: { k: "var", i: 1 } } } };
    expect(block(e, ["x", "y"])).toBe("fold3(|v2, v3| { var v4 = v2; for v5 in 0..2 { v4 = v4 * cos(v5); } (v4 / (2 + y * y)) }, x)");
    expect(checkProgram(e, [[0.7, -1.2]])).toBe("checked");
  });
});
