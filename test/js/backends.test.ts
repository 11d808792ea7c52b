// The JavaScript backend runs every program as the VM does: the same values bit for bit, the same
// prints in the same order, the same errors at the same places with the same stacks, and the same
// limit errors. Checked on the examples, on random programs (helpers/programs/effects.ts, with
// and without the optimizer) and on programs written to reach each path of the compiled code:
// calls of every kind, tail calls, frames continued on the VM past the JavaScript stack budget,
// primitives calling back into Myx, and every limit.
//
// `npm test` runs 200 random programs from a fixed seed; MYX_JS_RUNS=<n> runs n, MYX_JS_SEED=<n>
// replays a run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, MyxError, type Backend, type CompileOptions } from "../../src/index.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { expr, program, type Expr } from "../helpers/programs/effects.js";
import { expectSameOutcomes, outcome, withCalls } from "../helpers/outcomes.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** What running `source` gives: its output, or the error's whole message (place, excerpt, stack). */
function result(source: string, backend: Backend, options: CompileOptions = {}): string {
  const printed: string[] = [];
  try {
    compile(source, { filename: "t.myx", ...options, backend, print: (line) => printed.push(line) }).run();
    return printed.join("\n");
  } catch (e) {
    if (!(e instanceof MyxError)) throw e;
    return `${printed.join("\n")}\n${e.message}`;
  }
}

/** `source`'s result, the same on both backends. */
function onBoth(source: string, options: CompileOptions = {}): string {
  const js = result(source, "js", options);
  expect(js).toBe(result(source, "vm", options));
  return js;
}

// First in the file: the limit counts what a run adds to the heap, which garbage the other tests
// leave, collected during the run, would make less.
describe("the memory limit", () => {
  it("stops a run that keeps arrays on both backends", { timeout: 60_000 }, () => {
    const out = onBoth(`var xs = ();\nfor i in 0..60 { xs = (zeros(1000000) + i, xs); }\nprint(xs[0][0]);`, { maxMemoryMB: 100 });
    expect(out).toContain("memory limit of 100 MB exceeded");
  });
});

describe("the examples print the same on both backends", () => {
  const examples = readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".myx"))
    .map((f) => [f, readFileSync(join(ROOT, "examples", f), "utf8")] as const);

  it("there are examples", () => expect(examples.length).toBeGreaterThanOrEqual(5));

  it.each(examples)("%s", { timeout: 60_000 }, (file, src) => {
    const readFile = (path: string): string => readFileSync(join(ROOT, path), "utf8");
    // Without the optimizer they print the same too (test/opt/equivalence.test.ts).
    const run = (backend: Backend): string => compile(src, { filename: `examples/${file}`, backend, readFile }).run();
    const js = run("js");
    expect(js.length).toBeGreaterThan(0);
    expect(js).toBe(run("vm"));
  });
});

const RUNS = Number(process.env.MYX_JS_RUNS ?? 200);
const SEED = fuzzSeed("MYX_JS_SEED", 20261208);

describe("random programs give the same values, gradients, prints and errors on both backends", () => {
  const coordinate = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -21, max: 21 }).map((n) => n / 7) }, { weight: 1, arbitrary: fc.constantFrom(0, -0) });
  const point = fc.tuple(coordinate, coordinate);
  let programs = 0;

  it(`holds for ${RUNS} generated programs`, { timeout: Math.max(30_000, RUNS * 200) }, () => {
    fc.assert(
      fc.property(expr, fc.array(point, { minLength: 2, maxLength: 2 }), fc.boolean(), (e: Expr, ps, optimize) => {
        programs++;
        const src = withCalls(program(e));
        const [js, vm] = (["js", "vm"] as const).map((backend) => outcome(src, { optimize, backend }, ps));
        expectSameOutcomes(src, ps, js!, vm!, ["compiled to JavaScript", "on the VM"]);
      }),
      { numRuns: RUNS, ...SEED },
    );
    expect(programs).toBeGreaterThanOrEqual(RUNS);
  });
});

describe("calls of every kind run as on the VM", () => {
  it("known functions, closures, self and mutual recursion, primitives as values", () => {
    const out = onBoth(`def fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) };
def is_even(n) = if n == 0 { true } else { is_odd(n - 1) };
def is_odd(n) = if n == 0 { false } else { is_even(n - 1) };
def adder(k) = |x| x + k;
def apply_all(fs, x) = if len(fs) == 0 { x } else { apply_all(fs[1:], fs[0](x)) };
def compose(f, g) = |x| f(g(x));
print(fib(20), is_even(100001), apply_all((adder(1), adder(10), sin, sqrt), 3));
print(map(|x| x * 2, [1, 2, 3]), compose(exp, adder(-1))(1), (if 1 < 2 { cos } else { sin })(0));`);
    expect(out).toBe(`6765 false ${Math.sqrt(Math.sin(14))}\n[2, 4, 6] 1 1`);
  });

  it("loops and mutual tail calls in constant stack, deep recursion and its gradient past the JavaScript stack", { timeout: 60_000 }, () => {
    const out = onBoth(`def count(n) { var i = 0; while i < n { i = i + 1; } i }
def is_even(n) = if n == 0 { true } else { is_odd(n - 1) };
def is_odd(n) = if n == 0 { false } else { is_even(n - 1) };
def sum_to(n, x) = if n == 0 { 0 } else { x + sum_to(n - 1, x) };
print(count(3000000), is_even(1000000));
print(sum_to(20000, 0.5), grad(|x| sum_to(20000, x))(2));`);
    expect(out).toBe("3000000 true\n10000 20000");
  });

  it("10⁶-deep recursion and its gradient on the default backend", { timeout: 60_000 }, () => {
    const m = compile(`def sum_to(n, x) = if n == 0 { 0 } else { x + sum_to(n - 1, x) };
def d_sum_to(n, x) = grad(|y| sum_to(n, y))(x);`);
    expect(m.fn("sum_to")(1_000_000, 0.5)).toBe(500_000);
    expect(m.fn("d_sum_to")(1_000_000, 2)).toBe(1_000_000);
  });

  // big has 4,207 registers, past MAX_COMPILED_REGISTERS.
  it("a function too large to compile runs on the VM, from compiled callers and from outside", () => {
    const chain = Array.from({ length: 2100 }, (_, i) => `x * ${i % 7}`).join(" + ");
    const out = onBoth(`def big(x) = ${chain};\ndef twice(x) = big(x) + big(x + 1);\nprint(big(1), twice(2));`);
    expect(out).toBe(`${Array.from({ length: 2100 }, (_, i) => i % 7).reduce((a, b) => a + b)} ${Array.from({ length: 2100 }, (_, i) => 5 * (i % 7)).reduce((a, b) => a + b)}`);
  });

  it("a deep recursion through a primitive calling back (map) and through grad inside recursion", { timeout: 60_000 }, () => {
    const out = onBoth(`def nest(n) = if n == 0 { 0 } else { 1 + sum(map(|k| nest(n - 1), [1])) };
def h(n, x) = if n == 0 { x } else { grad(|y| y * y * x)(x) + h(n - 1, x) };
print(nest(300), h(3, 2));`);
    expect(out).toBe("300 26");
  });
});

describe("errors and limits are the same on both backends", () => {
  it("a failure deep in a recursion, its stack cut to its edges, across compiled and VM frames", { timeout: 60_000 }, () => {
    for (const depth of [5, 50, 50000]) {
      const out = onBoth(`def down(n) = if n == 0 { sqrt("x") } else { 1 + down(n - 1) };\nprint(down(${depth}));`);
      expect(out).toContain("sqrt expects a Num or Array, got String");
      expect(out).toContain("down");
    }
  });

  it("frames a tail call leaves are not in the stack; a primitive called in tail position keeps its frame", () => {
    const out = onBoth(`def bad(x) = x + "s";
def via(x) = bad(x);
def tailp(f, x) = f(x);
def outer(x) = 2 * via(x) + tailp(sqrt, "t");
print(outer(1));`);
    expect(out).toContain("+ expects Num or Array operands");
    expect(onBoth(`def tailp(f, x) = f(x);\ndef outer(x) = 2 * tailp(sqrt, x);\nprint(outer("t"));`)).toContain("sqrt expects");
  });

  it("arity, calling a non-function, a condition that is not a Bool, a comparison that fails", () => {
    expect(onBoth(`def f(g) = g(1, 2);\nprint(f(|x| x));`)).toContain("lambda takes 1 argument, got 2");
    expect(onBoth(`def f(g) = 1 + g(1);\nprint(f(3));`)).toContain("cannot call");
    expect(onBoth(`def f(c) = if c { 1 } else { 2 };\nprint(f(3));`)).toContain("a condition must be a Bool, got Num");
    expect(onBoth(`def f(a) = if a < 1 { 1 } else { 2 };\nprint(f("s"));`)).toContain("< expects Num or Array operands");
    expect(onBoth(`def f(x) = -x;\nprint(f("s"));`)).toContain("expects");
    expect(onBoth(`def f(x) = map(|y| y + x, [1, 2]);\nprint(f("s"));`)).toContain("expects");
  });

  it("prints before a failure come out in order", () => {
    const out = onBoth(`def f(n) { print(n); if n == 0 { sqrt("z") } else { f(n - 1) * 2 } }\nprint(f(3));`);
    expect(out.startsWith("3\n2\n1\n0\n")).toBe(true);
  });

  it("the step limit stops a loop and a recursion at the same step", () => {
    for (const limit of [1, 10, 1000, 100000]) {
      expect(onBoth(`var i = 0;\nwhile true { i = i + 1; }`, { maxSteps: limit })).toContain(`step limit of ${limit} exceeded`);
      expect(onBoth(`def f(n) = 1 + f(n + 1);\nprint(f(0));`, { maxSteps: limit })).toContain(`step limit of ${limit} exceeded`);
    }
    // At each limit around the steps a call takes, both run it or both stop at the same place.
    const outcomes = [4, 5, 6, 7, 8, 9].map((limit) => onBoth(`def f(n) { var i = 0; while i < n { i = i + 1; } i }\nprint(f(5));`, { maxSteps: limit }));
    expect(outcomes.filter((o) => o === "5").length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.includes("step limit")).length).toBeGreaterThan(0);
  });

  it("a host's callback calling into the running module gets its error, and leaves the run's depth as it was", () => {
    for (const backend of ["js", "vm"] as const) {
      const caught: string[] = [];
      let calling = false;
      const m: ReturnType<typeof compile> = compile(
        `def bad(x) = x + "s";
def down(n) = if n == 0 { for i in 0..100 { print(i); } 0 } else { 1 + down(n - 1) };`,
        {
          backend,
          maxDepth: 150,
          print: () => {
            if (!calling) return;
            try {
              m.fn("bad")(1);
            } catch (e) {
              caught.push((e as Error).message.split("\n")[0]!);
            }
          },
        },
      );
      m.run();
      calling = true;
      expect(m.fn("down")(100)).toBe(100);
      expect(caught).toHaveLength(100);
      expect(new Set(caught)).toEqual(new Set(["<input>:1:16: error: + expects Num or Array operands, got Num and String"]));
    }
  });

  it("the depth limit stops a recursion at the same depth, in compiled frames and past them on the VM's", { timeout: 60_000 }, () => {
    for (const limit of [1, 2, 100, 5000, 200000]) {
      const out = onBoth(`def f(n) = 1 + f(n + 1);\nprint(f(0));`, { maxDepth: limit });
      expect(out).toContain(`maximum recursion depth of ${limit} frames exceeded`);
    }
    // Through a primitive calling back: its frames count with the ones below it.
    expect(onBoth(`def nest(n) = 1 + sum(map(|k| nest(n + 1), [1]));\nprint(nest(0));`, { maxDepth: 500 })).toContain("maximum recursion depth of 500 frames exceeded");
  });
});
