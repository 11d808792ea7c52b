// Whole programs from source through lowering and the VM: the semantics of SPEC §3 end to end.
import { describe, expect, it } from "vitest";
import { compile, MyxError } from "../../src/index.js";
import { myxError } from "../helpers/errors.js";

const run = (source: string): string => compile(source, { filename: "t.myx" }).run();

describe("programs", () => {
  it("runs loops of 3,000,000 iterations in constant stack", () => {
    expect(run(`var s = 0;\nfor i in 0..3000000 { s = s + 1; }\nprint(s);`)).toBe("3000000\n");
    expect(run(`var k = 3000000;\nwhile k > 0 { k = k - 1; }\nprint(k);`)).toBe("0\n");
  });

  it("runs a 3,000,000-deep tail recursion and a 1,000,000-deep non-tail recursion", () => {
    expect(run(`def count(n, acc) = if n == 0 { acc } else { count(n - 1, acc + 1) };\nprint(count(3000000, 0));`)).toBe("3000000\n");
    expect(run(`def depth(n) = if n == 0 { 0 } else { 1 + depth(n - 1) };\nprint(depth(1000000));`)).toBe("1000000\n");
  });

  it("keeps a loop whose body has several statements a tail call", () => {
    const m = compile(`var k = 100000;\nvar s = 0;\nwhile k > 0 { s = s + k; print(); k = k - 1; }\nprint(s);`, { maxDepth: 100, print: () => {} });
    expect(m.run().endsWith("5000050000\n")).toBe(true);
  });

  it("carries vars assigned in an if inside a loop", () => {
    expect(run(`var c = 0;\nfor i in 0..10 { if i % 2 == 0 { c = c + 1; } }\nprint(c);`)).toBe("5\n");
    expect(run(`var a = 0; var b = 1;\nfor i in 0..10 { let t = a + b; a = b; b = t; }\nprint(a, b);`)).toBe("55 89\n");
  });

  it("captures values when a closure is created", () => {
    expect(run(`var k = 1;\nlet f = |x| x + k;\nk = 10;\nprint(f(1), k);`)).toBe("2 10\n");
    expect(run(`def make_adder(n) = |x| x + n;\nlet add2 = make_adder(2);\nprint(add2(40));`)).toBe("42\n");
  });

  it("builds closures in a loop, each with its own value", () => {
    const src = `var fs = ();\nfor i in 0..3 { let f = |x| x * i; fs = (fs, f); }\nlet (((u, f0), f1), f2) = fs;\nprint(f0(10), f1(10), f2(10));`;
    expect(run(src)).toBe("0 10 20\n");
  });

  it("supports mutual recursion among top-level defs", () => {
    expect(run(`def even(n) = if n == 0 { true } else { odd(n - 1) };\ndef odd(n) = if n == 0 { false } else { even(n - 1) };\nprint(even(100001), odd(7));`)).toBe("false true\n");
  });

  it("short-circuits and/or", () => {
    expect(run(`def boom() { assert(false, "evaluated"); true }\nprint(false and boom(), true or boom());`)).toBe("false true\n");
  });

  it("runs statements in source order", () => {
    expect(run(`def f(x) { print("in f", x); x }\nlet a = f(1);\nprint("between");\nlet b = f(2);\nprint(a + b);`)).toBe("in f 1\nbetween\nin f 2\n3\n");
  });

  it("lets functions read top-level lets, and reports one read before its let has run", () => {
    expect(run(`let k = 3;\ndef f(x) = k * x;\nprint(f(2));`)).toBe("6\n");
    const e = myxError(`def f() = k;\nprint(f());\nlet k = 1;`);
    expect(e.diagnostics[0]).toMatchObject({ line: 1, col: 11, message: "'k' is used before its let has run" });
  });

  it("locates runtime errors and reports the Myx stack innermost first", () => {
    const e = myxError(`def inner(x) = x + (1, 2);\ndef outer(x) = inner(x) * 2;\nprint(outer(1));`);
    const d = e.diagnostics[0]!;
    expect(d).toMatchObject({ line: 1, col: 18, message: "+ expects Num or Array operands, got Num and Tuple" });
    expect(d.trace!.map((f) => f.fn)).toEqual(["inner", "outer", "main"]);
  });

  it("reports conditions that are not Bool, bad fields, bad indices and failed asserts", () => {
    expect(myxError(`if 1 { print(1); }`).diagnostics[0]!.message).toBe("a condition must be a Bool, got Num");
    expect(myxError(`let r = {a: 1};\nprint(r.b);`).diagnostics[0]!.message).toBe("the record has no field 'b' (it has a)");
    expect(myxError(`let t = (1, 2);\nprint(t[2]);`).diagnostics[0]!.message).toBe("index 2 is out of range for length 2");
    expect(myxError(`assert(1 > 2, "one is not greater");`).diagnostics[0]!.message).toBe("assertion failed: one is not greater");
  });

  it("stops a runaway recursion at maxDepth and a long loop at maxSteps", () => {
    const deep = compile(`def f(n) = 1 + f(n + 1);\nprint(f(0));`, { maxDepth: 10000 });
    expect(() => deep.run()).toThrow(/maximum recursion depth of 10000 frames exceeded/);
    const long = compile(`var i = 0;\nwhile true { i = i + 1; }`, { maxSteps: 100000 });
    expect(() => long.run()).toThrow(/step limit of 100000 exceeded/);
    // Steps are counted exactly across the windows between checkpoints (65,536 steps each).
    const counted = (limit: number) => compile(`def f(n) { var i = 0; while i < n { i = i + 1; } i }`, { maxSteps: limit }).fn("f");
    expect(counted(200_002)(200_000)).toBe(200_000);
    expect(() => counted(200_001)(200_000)).toThrow(/step limit of 200001 exceeded/);
  });

  it("stops a run that holds more memory than maxMemoryMB, and an array too large to allocate", () => {
    const grow = compile(`def grow(n) { var t = (); for i in 0..n { t = (t, [i, i + 1]); } t }\nprint(len(grow(1e8)));`, { maxMemoryMB: 64, filename: "t.myx" });
    expect(() => grow.run()).toThrow(/t\.myx:1:27: error: memory limit of 64 MB exceeded/);
    const small = compile(`def grow(n) { var t = (); for i in 0..n { t = (t, [i, i + 1]); } t }\nprint(len(grow(1000)));`, { maxMemoryMB: 64, filename: "t.myx" });
    expect(small.run()).toBe("2\n");
    expect(myxError("print(zeros(1e10));").diagnostics[0]!.message).toBe("out of memory: an array that large cannot be allocated");
    // Few calls making large arrays are seen as the arrays are made, not at the next step window.
    const big = compile(`var xs = ();\nfor i in 0..60 { xs = (zeros(1000000) + i, xs); }\nprint(len(xs));`, { maxMemoryMB: 100, filename: "t.myx" });
    expect(() => big.run()).toThrow(/memory limit of 100 MB exceeded/);
  });

  it("indexes tuples, reads records and prints nested values per SPEC §5", () => {
    const src = `let t = (1, "a", (true, ()));\nlet r = {x: 0.1, y: (2,), s: "q"};\nprint(t, r, t[-1], t[0:2], r.s);\nprint(1e-7, 1/0, -1/0, 0/0, [1, 2], [[1, 2], [3, 4]]);`;
    expect(run(src)).toBe(`(1, "a", (true, ())) {x: 0.1, y: (2,), s: "q"} (true, ()) (1, "a") q\n1e-7 inf -inf nan [1, 2] [[1, 2], [3, 4]]\n`);
  });

  it("prints functions by name", () => {
    expect(run(`def f(x) = x;\nlet g = |x| x;\nprint(f, g, |y| y, sin);`)).toBe("<fn f> <fn g> <fn lambda> <fn sin>\n");
  });

  it("follows Python's % and NumPy's round", () => {
    expect(run(`print(-7 % 3, 7 % -3, round(2.5), round(3.5), round(-2.5));`)).toBe("2 -2 2 4 -2\n");
  });
});

describe("the library", () => {
  it("calls a def from JavaScript with conversions both ways", () => {
    const m = compile(`def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));\ndef pair(r) = (r.a + 1, {b: r.a * 2});`);
    expect(m.fn("f")(1.5, 0.5)).toBeCloseTo(2.0167, 3);
    expect(m.fn("pair")({ a: 2 })).toEqual([3, { b: 4 }]);
  });

  it("returns Myx functions as JavaScript functions", () => {
    const m = compile(`def adder(n) = |x| x + n;`);
    const add3 = m.fn("adder")(3) as (x: number) => number;
    expect(add3(4)).toBe(7);
  });

  it("throws MyxError with diagnostics for compile errors", () => {
    try {
      compile(`print(nope);`, { filename: "bad.myx" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MyxError);
      expect((e as MyxError).diagnostics[0]).toMatchObject({ file: "bad.myx", line: 1, col: 7, message: "undefined name 'nope'" });
      expect((e as MyxError).message).toContain("1 | print(nope);");
    }
  });

  it("sends printed lines to the print option and returns them from run", () => {
    const lines: string[] = [];
    const m = compile(`print("a"); print(1, 2);`, { print: (l) => lines.push(l) });
    expect(m.run()).toBe("a\n1 2\n");
    expect(lines).toEqual(["a", "1 2"]);
  });
});
