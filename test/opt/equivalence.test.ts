// The optimizer changes how a program computes, never what: with and without it a program prints
// the same text, its functions return the same values and their gradients are the same — bit for
// bit (Object.is, so also the sign of a zero), since every rewrite is meant to be exact in
// IEEE-754. Checked on the examples, and on random programs (helpers/programs/effects.ts):
// arithmetic, let, var, if with and/or, bounded for loops, lambdas applied, returned and passed
// (also to a recursive def), tuples, records, prints, and the neutral elements the rewrites look
// for. Any difference fails; the kinds once found are kept as small regression tests at the end
// of this file.
//
// `npm test` runs 400 programs from a fixed seed; `npm run fuzz:opt` runs 5,000 from a random one.
// MYX_OPT_RUNS=<n> runs n, MYX_OPT_SEED=<n> replays a run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { hasBuiltin } from "../ad/helpers.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { block } from "../helpers/programs/scalar.js";
import { expr, program, type Expr } from "../helpers/programs/effects.js";
import { expectSameOutcomes, outcome, withCalls } from "../helpers/outcomes.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the examples print the same with and without the optimizer", () => {
  const examples = readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".myx"))
    .map((f) => [f, readFileSync(join(ROOT, "examples", f), "utf8")] as const);

  it("there are examples", () => expect(examples.length).toBeGreaterThanOrEqual(5));

  it.each(examples)("%s", { timeout: 30_000 }, (file, src) => {
    const readFile = (path: string): string => readFileSync(join(ROOT, path), "utf8");
    const run = (optimize: boolean) => compile(src, { filename: `examples/${file}`, optimize, readFile }).run();
    const optimized = run(true);
    expect(optimized.length).toBeGreaterThan(0);
    expect(optimized).toBe(run(false));
  });
});

// ---- Random programs.

const RUNS = Number(process.env.MYX_OPT_RUNS ?? 400);
const SEED = fuzzSeed("MYX_OPT_SEED", 20261205);

// ---- The comparison: values (f, and the value parts of value_and_grad and jvp), derivatives,
// errors and everything printed must be identical, numbers bit for bit (helpers/outcomes.ts).

const stats = { programs: 0, calls: 0 };

function check(e: Expr, points: readonly (readonly [number, number])[]): void {
  stats.programs++;
  const src = withCalls(program(e));
  const opt = outcome(src, { optimize: true }, points);
  expectSameOutcomes(src, points, opt, outcome(src, { optimize: false }, points), ["optimized", "without the optimizer"]);
  stats.calls += opt.results.length - 1;
}

// A grid of step 1/7 in [-3, 3], and the zeros of both signs.
const coordinate = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -21, max: 21 }).map((n) => n / 7) }, { weight: 1, arbitrary: fc.constantFrom(0, -0) });
const point = fc.tuple(coordinate, coordinate);

describe("random programs give the same values and gradients with and without the optimizer", () => {
  it(`holds for ${RUNS} generated programs`, { timeout: Math.max(30_000, RUNS * 100) }, () => {
    fc.assert(fc.property(expr, fc.array(point, { minLength: 2, maxLength: 2 }), (e, ps) => check(e, ps)), {
      numRuns: RUNS,
      ...SEED,
    });
    console.info(`equivalence.test.ts: ${JSON.stringify(stats)}`);
    expect(stats.programs).toBeGreaterThanOrEqual(RUNS);
  });

  it("prints a program as valid Myx that runs", () => {
    const e: Expr = {
      k: "record", how: "param", a: { k: "var", i: 0 }, b: { k: "num", v: -0 },
      body: { k: "tuple", how: "destructure", a: { k: "var", i: 2 }, b: { k: "neutral", n: "--", a: { k: "var", i: 3 } }, body: { k: "hof", h: "pw", arg: { k: "var", i: 4 }, body: { k: "bin", op: "*", a: { k: "var", i: 6 }, b: { k: "var", i: 5 } } } },
    };
    expect(block(e, ["x", "y"])).toBe("(|v2| { let (v4, v5) = (v2.p, (-(-v2.q))); pw(|v6| { (v6 * v5) }, v4, 2) })({p: x, q: (0 * -1)})");
    const m = compile(program(e));
    expect(m.fn("f")(3, 1)).toBe(0);
    check(e, [[3, 1], [-0, 2]]);
  });
});

// The differences the random programs once found, each on a small program. Every rewrite is
// exact on values; these came from differentiating the rewritten program instead of the written
// one, and from moving what prints or fails.
describe("differences once found between optimized and unoptimized results", () => {
  /** `expr` run as written, with and without the optimizer. */
  const both = (src: string, expr: string): [unknown, unknown] =>
    [true, false].map((optimize) => compile(`${src}\ndef __probe(x, y) = ${expr};`, { optimize }).fn("__probe")(1, 2)) as [unknown, unknown];

  it("agree on the seed example, bit for bit", () => {
    const [o, p] = both(`def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));`, "grad(f, (0, 1))(x / 2 + 1, y / 4)");
    expect(o).toEqual(p);
    expect(Object.is((o as number[])[0], (p as number[])[0]) && Object.is((o as number[])[1], (p as number[])[1])).toBe(true);
  });

  // Regression (fixed: the program folds no Num): folding `-1` (neg(1)) into the constant −1
  // changed its tangent from neg(0) = −0 to 0:
  //   def f(x, y) = -1;  jvp(f, (1, 2), (1, 0))[1]  expected −0 (as with --no-opt), got 0.
  it.skipIf(!hasBuiltin("jvp"))("the tangent of a folded constant keeps its sign", () => {
    const [o, p] = both(`def f(x, y) = -1;`, "jvp(f, (x, y), (1, 0))[1]");
    expect(Object.is(p, -0)).toBe(true);
    expect(Object.is(o, p)).toBe(true);
  });

  // Regression (fixed: adding the zero of a sensitivity gives the other operand back, −0
  // included): without the optimizer the sensitivity of `a[0]` was added into a zero tuple
  // (0 + −0 = +0); with it, `(x, y)[0]` is x and x got the −0 itself:
  //   def f(x, y) { let a = (x, y); a[0] * (0 * -1) }  grad(f, 0)(1, 2)  expected 0, got −0.
  it("the gradient through a tuple item keeps the sign of a zero", () => {
    const [o, p] = both(`def f(x, y) { let a = (x, y); a[0] * (0 * -1) }`, "grad(f, 0)(x, y)");
    expect(Object.is(p, -0)).toBe(true);
    expect(Object.is(o, p)).toBe(true);
  });

  // Regression (fixed: an item that may act is dropped only when it is computed anyway): in
  // AD-built code, taking one item of a structure built right there, or the chosen operand of
  // `where` on a constant, dropped the other items even when they printed:
  //   def h(x) = where(false, print("no"), x);  grad(h)(2)  expected to print "no", printed nothing.
  it("a print in the operand a constant where leaves out still runs under grad", () => {
    const printed: string[][] = [[], []];
    [true, false].forEach((optimize, i) =>
      compile(`def h(x) = where(false, print("no"), x);\nprint(grad(h)(2));`, { optimize, print: (l) => printed[i]!.push(l) }).run(),
    );
    expect(printed[0]).toEqual(printed[1]);
  });

  // Regressions (fixed: jvp, vjp, jacobian and hessian call the function they are given, so they
  // act like map; two items that act on their own keep the structure): the prints swapped.
  //   def t(x) { let a = hp(x); jvp(fp, x, 1)[1] + a }  printed F before E;
  //   def k(x) { let t = {a: hp(x), b: hq(x)}; t.b * t.a }  grad(k)(2) printed Q before P.
  it("prints keep their order around jvp and vjp, and in a record taken apart under grad", () => {
    const src = `def hp(x) { print("P"); x }
def hq(x) { print("Q"); x }
def fp(x) { print("F"); x * x }
def t(x) { let a = hp(x); jvp(fp, x, 1)[1] + a }
def u(x) { let a = hp(x); vjp(fp, x)[0] + a }
def k(x) { let r = {a: hp(x), b: hq(x)}; r.b * r.a }
print(t(2), u(2), grad(k)(2));`;
    const printed = (optimize: boolean): string => compile(src, { optimize }).run();
    expect(printed(true)).toBe("P\nF\nP\nF\nP\nQ\n6 6 4\n");
    expect(printed(true)).toBe(printed(false));
  });

  // Regressions (fixed: an item left out that acts must have been evaluated before the item
  // taken, or the structure's items stay in their order, in a seq; `seq(e, n)` is n only if n
  // enters e before anything that acts): the tuple item that prints was computed anyway, but
  // only by the backward pass, so it printed after hq's line; the record of `m`, a statement
  // before a call whose argument reads its field q, was left to that call, which printed q first;
  // in `n`, inlining the inner closure left the record it captured to the branch that reads it,
  // after the argument that printed q (an inlined closure's captured nodes now keep their place);
  // in `o`, the tuple holding g's result was left to the backpropagator that captured it, and
  // leaving out a closure took what it captures along (making a closure evaluates those).
  //   def f(x) = (hp(x), sin(x))[1] + hq(x);  grad(f)(1) printed q before p.
  it("a print in a structure left out keeps its place under grad", () => {
    const src = `def hp(x) { print("p"); sin(x) }
def hq(x) { print("q"); x }
def f(x) = (hp(x), sin(x))[1] + hq(x);
def g(x) = (|| { print("r"); x })();
def k(x) = {a: g(x), b: hq(x)}.b * (hp(x), x)[1];
def m(x) { let r = {p: g(x), q: hq(x)}; (|z| r.p)(0 + r.q) }
def n(x) = (|r| (|z| if 0 < x { r.p } else { x })(sin(r.q)))({p: g(x), q: hq(x)});
def o(x) = (|a| x)((|b| (|c| x)((b, x)))(g(0))) + hq(x);
print(grad(f)(1), grad(k)(2), grad(m)(3), grad(n)(-1), grad(o)(0));`;
    const printed = (optimize: boolean): string => compile(src, { optimize }).run();
    expect(printed(true)).toBe("p\nq\nr\nq\np\nr\nq\nr\nq\nr\nq\n1.5403023058681398 4 1 1 2\n");
    expect(printed(true)).toBe(printed(false));
  });

  // Regression (fixed with the one above: a use by a structure, a selection or zeros_like, which
  // rewrites bypass, no longer counts as computing the item anyway): the failure was lost.
  //   def h(x) = where(false, x + "s", x);  grad(h)(2)  expected an error, gave 1.
  it("a failure in the operand a constant where leaves out still fails under grad", () => {
    const outcome = (optimize: boolean): string => {
      try {
        return String(compile(`def h(x) = where(false, x + "s", x);\ndef g(x) = grad(h)(x);`, { optimize }).fn("g")(2));
      } catch (e) {
        // The first line: the message and its place (the stack may name other generated frames).
        return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
      }
    };
    expect(outcome(true)).toMatch(/expects Num or Array operands/);
    expect(outcome(true)).toBe(outcome(false));
  });

  // Regression (fixed; the program is no longer rewritten this way): `x - 0 → x` gives x the users of `x - 0`, so reverse mode adds x's three
  // sensitivity terms in another grouping (docs/optimizer.md says the program's rewrites keep
  // the order; they keep it only where no node is replaced by one of its operands):
  //   def f(x, y) = (x - 0) / (2 + x * x);  grad(f, 0)(0.14285714285714285, 2)
  //   expected 0.4849505152535456 (as with --no-opt), got 0.48495051525354554.
  it("the gradient of x - 0 adds its terms as without the optimizer", () => {
    const [o, p] = both(`def f(x, y) = (x - 0) / (2 + x * x);`, "grad(f, 0)(1 / 7, y)");
    expect(p).toBe(0.4849505152535456);
    expect(o).toBe(p);
  });

  // Regression (fixed: in the program, taking an item keeps the structure when the item has
  // users of its own): `(x,)[0]` became x, which gave x the users of the selection, with the
  // same effect as `x - 0` above:
  //   def f(x, y) = (x,)[0] / (2 + (x + 0) * (x + 0));  grad(f, 0)(−1/7, 0)
  //   expected 0.4849505152535456 (as with --no-opt), got 0.48495051525354554.
  it("the gradient through an item of a tuple adds its terms as without the optimizer", () => {
    const [o, p] = both(`def f(x, y) = (x,)[0] / (2 + (x + 0) * (x + 0));`, "grad(f, 0)(-1 / 7, 0)");
    expect(p).toBe(0.4849505152535456);
    expect(o).toBe(p);
  });

  // Regression (fixed: in the program, a structure taken apart more than once stays): each of
  // `v2.q`'s three reads became the item, whose sensitivity J then summed over their users in
  // another grouping than through the record: 1.2029029984261475 for 1.2029029984261477.
  it("the gradient through a record read three times adds its terms as without the optimizer", () => {
    const src = `def twice(g, v) = g(g(v));
def f(x, y) {
  (|v2| |v3| { (|v4| { (if ((0 + (x + x)) == (|| { print("p", x); (x * 1) })()) { var v6 = 0; for v7 in 0..0 { v6 = v6 + tanh((x + x)); } (x * 1) } else { (sin(v3) * 1) }) })({p: 0, q: ((|| { var v4 = x; if ((x * 1) < twice(|v4| { 0 }, x)) { v4 = (x + x); } (x + 0) })() + (0 + (|v4| { x })({p: x, q: x})))}) })((|v2| |v3| { (((|| { var v4 = x; for v5 in 0..0 { v4 = v4 + tanh(x); } x })(),)[0] * 1) })((|| { var v2 = ((|v2| { 0 })(x) + (if (0 < x) { x } else { x })); if ((|v2| { var v3 = x; if (0 < 0) { v3 = x; } x })((x * 1)) < (0,)[0]) { v2 = (|| { print("p", (|v3| { x })((0, 0))); (0 + x) })(); } (|v3| { (x * 1) })(sin(x)) })())(x))((|| { let v2 = {p: (x * 1), q: (if (0 < 0) { (|v2| { x })({p: x, q: (|| { var v2 = x; for v3 in 0..0 { v2 = v2 + tanh(x); } x })()}) } else { (x * 1) })}; ((sin(1) / (2 + v2.q * v2.q)) + (|| { let v4 = x; (v2.q + x) })()) })())
}
def d(x, y) = grad(f, 0)(x, y);`;
    const [o, p] = [true, false].map((optimize) => compile(src, { optimize, print: () => {} }).fn("d")(-19 / 7, 0));
    expect(p).toBe(1.2029029984261477);
    expect(o).toBe(p);
  });

  // Regression (fixed: inlining keeps in a seq every acting argument another acting argument
  // follows): the copied body read the arguments in its own order, and one left unread was put
  // before the body, so before the arguments ahead of it:
  //   def k(a, b) = b + a;  jvp(|x| k((|| { print("a"); x })(), (|| { print("b"); x })()), (1,), (1,))
  //   printed b before a.
  it.skipIf(!hasBuiltin("jvp"))("the arguments of an inlined call print in their order", () => {
    const src = `def pa(x) { print("a"); x }
def pb(x) { print("b"); x }
def k(a, b) = b + a;
def h(x) = k((|| { print("a"); x })(), (|| { print("b"); x })());
def u(x) = (|v, w| w)((|| { print("a"); x })(), pb(x));
def c(x) = (|v| |w| { print("d", w); 0 })(pa(x))(if (pb(x) > x - 1) and (x < (|| { print("c"); 0 })()) { x } else { x });
print(jvp(h, (1,), (1,)), grad(h)(1), jvp(u, (1,), (1,)), grad(u)(1), jvp(c, (-1,), (1,)));`;
    const printed = (optimize: boolean): string => compile(src, { optimize }).run();
    expect(printed(true)).toBe("a\nb\na\nb\na\nb\na\nb\na\nb\nc\nd -1\n(2, 2) 2 (1, 1) 1 (0, 0)\n");
    expect(printed(true)).toBe(printed(false));
  });

  // Regression (fixed: a closure the analysis does not know yet, one inlining copied this round,
  // counts as acting in a seq): after inlining, `seq(s, k, s)` with s = seq(a, k, a) became
  // seq(k, k, s), and making the backpropagator k first ran the branch it captures:
  //   def f(x, y) { (|| { (|| { var v = (|| { print("a", y); x })(); if x < y { print("c", x); } x })() })() }
  //   grad(f, 0)(0, 1)  printed c before a.
  it("a print before a branch keeps its place when the backpropagator capturing the branch is inlined", () => {
    const src = `def f(x, y) { (|| { (|| { var v = (|| { print("a", y); x })(); if x < y { print("c", x); } x })() })() }
print(grad(f, 0)(0, 1));`;
    const printed = (optimize: boolean): string => compile(src, { optimize }).run();
    expect(printed(true)).toBe("a 1\nc 0\n1\n");
    expect(printed(true)).toBe(printed(false));
  });

  // Regression (fixed; the program keeps items that could fail): without the optimizer the dead item x / y still gets a zero sensitivity, and its
  // backpropagator makes −0 · x / y² = NaN of it at y = 0; with it the item is gone:
  //   def f(x, y) = (x, x / y)[0];  grad(f, 1)(1, 0)  expected NaN (as with --no-opt), got 0.
  it("the gradient through a dead division is NaN as without the optimizer", () => {
    const [o, p] = both(`def f(x, y) = (x, x / y)[0];`, "grad(f, 1)(x, 0)");
    expect(p).toBeNaN();
    expect(o).toBeNaN();
  });

  // Regression (fixed: in the program, a seq keeps an operand its value computes anyway): the
  // loop's result, a statement of the body's seq, was left to the division that reads it, so the
  // loop ran after `y * y`, and J, which sums a sensitivity in the reverse of that order, added
  // ∂y as (loop + y·d) + y·d instead of loop + (y·d + y·d):
  //   def f(x, y) { var v = sin(x); for k in 0..3 { v = v * cos(y); } log(1 + y * y) + v / 2 }
  //   grad(f, 1)(-0.8571428571428571, -2)  expected −0.9785657078723524, got −0.9785657078723525.
  it("the gradient of a loop's free variable is summed in the order written", () => {
    const src = `def f(x, y) { var v = sin(x); for k in 0..3 { v = v * cos(y); } log(1 + y * y) + v / 2 }`;
    const at = (optimize: boolean): unknown => compile(`${src}\ndef g(x, y) = grad(f, 1)(x, y);`, { optimize }).fn("g")(-0.8571428571428571, -2);
    expect(at(false)).toBe(-0.9785657078723524);
    expect(at(true)).toBe(at(false));
  });
});
