// Inlining (src/opt/inline.ts) and common subexpression elimination (src/opt/cse.ts), by the
// printed IR of unoptimized programs optimized directly, and golden text of optimized gradients
// (`myx ir --grad`): where a change in the optimizer shows up as a readable diff in review.
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { compile, frontEnd, newSession } from "../../src/index.js";
import { addParameter, apply, applyPrim, constant, newGraph, type Graph } from "../../src/ir/graph.js";
import { print } from "../../src/prims/program.js";
import * as S from "../../src/prims/scalar.js";
import { makeTuple } from "../../src/prims/structural.js";
import { analyze } from "../../src/ir/manager.js";
import { printGraphs } from "../../src/ir/print.js";
import type { Value } from "../../src/runtime/values.js";
import { optimize, type OptimizeOptions } from "../../src/opt/optimize.js";
import { Machine } from "../../src/vm/index.js";

/** The compile session graphs made here are optimized in. */
const session = newSession(true);

const text = (...lines: string[]): string => lines.join("\n");

/** The unoptimized defs of a program. */
function defs(source: string): ReadonlyMap<string, Graph> {
  return frontEnd(source, { filename: "inline.myx", optimize: false }).module.defs;
}

/** `name` of `source`, optimized as the only graph the optimizer owns (the others are copied where inlined). */
function optimizedDef(source: string, name: string, options: Omit<OptimizeOptions, "session"> = {}): Graph {
  const g = defs(source).get(name)!;
  optimize([g], new Set([g]), { ...options, session });
  return g;
}

function runGraph(g: Graph, args: Value[]): Value {
  return new Machine({ print: () => {} }).run(g, args);
}

describe("inlining", () => {
  it("inlines a call of a closed graph: its body, with the arguments for its parameters", () => {
    const g = optimizedDef(`def sq(x) = x * x;\ndef f(y) = sq(y) + 1;`, "f");
    expect(printGraphs(g)).toBe(text("graph f(%y) {", "  %1 = mul(%y, %y)", "  %2 = add(%1, 1)", "  return %2", "}"));
    expect(runGraph(g, [3])).toBe(10);
  });

  it("leaves the callee it copies as it was: it is not the optimizer's", () => {
    const ds = defs(`def sq(x) = x * 1 * x;\ndef f(y) = sq(y) + 1;`);
    const [f, sq] = [ds.get("f")!, ds.get("sq")!];
    const before = printGraphs(sq);
    optimize([f], new Set([f]), { session });
    expect(printGraphs(sq)).toBe(before);
    // The copy is the optimizer's to rewrite: y * 1 is y, since y * … makes y a Num.
    expect(printGraphs(f)).toBe(text("graph f(%y) {", "  %1 = mul(%y, %y)", "  %2 = add(%1, 1)", "  return %2", "}"));
  });

  it("beta-reduces a closure built and called in the same graph: its free variables are already there", () => {
    const ds = defs(`def f(a, x) = (|y| a * y)(x);`);
    const f = ds.get("f")!;
    expect(printGraphs(f)).toContain("%1 = @lambda(%x)");
    optimize([f], new Set([f]), { session });
    expect(printGraphs(f)).toBe(text("graph f(%a, %x) {", "  %1 = mul(%a, %x)", "  return %1", "}"));
    expect(runGraph(f, [3, 4])).toBe(12);
  });

  it("copies a nested closure with its graph, closing over the caller's nodes", () => {
    const src = `def make_affine(a, b) = |x| a * x + b;\ndef g(c) = make_affine(c, 1);`;
    const ds = defs(src);
    const [g, makeAffine] = [ds.get("g")!, ds.get("make_affine")!];
    const original = printGraphs(makeAffine);
    optimize([g], new Set([g]), { session });
    // The copy closes over g's %c (and the constant 1 took b's place), not over make_affine's %a, %b.
    expect(printGraphs(g)).toBe(
      text("graph g(%c) {", "  return @lambda", "}", "graph lambda(%x) closes over %c {", "  %1 = mul(%c, %x)", "  %2 = add(%1, 1)", "  return %2", "}"),
    );
    expect(printGraphs(makeAffine)).toBe(original);
    // And it runs: g(2) is the closure x ↦ 2x + 1.
    const machine = new Machine({ print: () => {} });
    const closure = machine.run(g, [2]);
    expect(machine.call(closure, [5])).toBe(11);
    expect(machine.call(machine.run(g, [-3]), [5])).toBe(-14);
  });

  it("inlines the closure's maker, then the closure: one round each", () => {
    const src = `def make_affine(a, b) = |x| a * x + b;\ndef f(a, b, x) = make_affine(a, b)(x) * x;`;
    const once = optimizedDef(src, "f", { maxRounds: 1 });
    expect(printGraphs(once)).toBe(
      text(
        "graph f(%a, %b, %x) {",
        "  %1 = @lambda(%x)",
        "  %2 = mul(%1, %x)",
        "  return %2",
        "}",
        "graph lambda(%x.2) closes over %a, %b {",
        "  %3 = mul(%a, %x.2)",
        "  %4 = add(%3, %b)",
        "  return %4",
        "}",
      ),
    );
    const machine = new Machine({ print: () => {} });
    expect(machine.run(once, [2, 3, 5])).toBe(65);
    const done = optimizedDef(src, "f");
    expect(printGraphs(done)).toBe(text("graph f(%a, %b, %x) {", "  %1 = mul(%a, %x)", "  %2 = add(%1, %b)", "  %3 = mul(%2, %x)", "  return %3", "}"));
    expect(runGraph(done, [2, 3, 5])).toBe(65);
  });

  it("does not inline a loop (a recursive graph), though it inlines the def around it, loop and all", () => {
    const g = optimizedDef(`def sum_to(n) { var s = 0; for i in 0..n { s = s + i; } s }\ndef f(n) = sum_to(n) * 2;`, "f");
    // The copy of the loop closes over n; it is not lambda-lifted: that would pass n at every
    // iteration to save one closure per loop.
    expect(printGraphs(g)).toBe(
      text(
        "graph f(%n) {",
        "  %1 = @sum_to/for(0, 0)",
        "  %2 = mul(%1, 2)",
        "  return %2",
        "}",
        "graph sum_to/for(%i, %s) [loop] closes over %n {",
        "  %3 = lt(%i, %n)",
        "  %4 = switch(%3, @sum_to/for-body, @sum_to/for-exit)",
        "  %5 = %4()",
        "  return %5",
        "}",
        // The statement `s = s + i` no longer needs its seq: the call evaluates it, and acts after.
        "graph sum_to/for-body() [branch] closes over %n, %i, %s {",
        "  %6 = add(%i, 1)",
        "  %7 = add(%s, %i)",
        "  %8 = @sum_to/for(%6, %7)",
        "  return %8",
        "}",
        "graph sum_to/for-exit() [branch] closes over %s {",
        "  return %s",
        "}",
      ),
    );
    expect(runGraph(g, [5])).toBe(20);
  });

  it("inlines a graph of a recursive cycle where it is named once and does not name itself", () => {
    const src = `def a(n) = if n <= 0 { 0 } else { b(n - 1) * 2 + 1 };\ndef b(n) = a(n) * 3;`;
    const owningAll = (name: string): Graph => {
      const g = defs(src).get(name)!;
      optimize([g], new Set(analyze([g]).graphs), { session });
      return g;
    };
    const g = owningAll("a");
    expect(printGraphs(g)).not.toContain("@b(");
    expect(printGraphs(g)).toContain("@a(");
    expect(runGraph(g, [2])).toBe(7);
    // From b, a is the one named once: it goes into b, which then calls itself.
    const h = owningAll("b");
    expect(printGraphs(h)).not.toContain("@a(");
    expect(runGraph(h, [2])).toBe(21);
  });

  it("does not inline a recursive def (fib)", () => {
    const src = `def fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) };\ndef g(n) = fib(n) + 1;`;
    const g = optimizedDef(src, "g");
    expect(printGraphs(g).split("\n").slice(0, 5)).toEqual(["graph g(%n) {", "  %1 = @fib(%n)", "  %2 = add(%1, 1)", "  return %2", "}"]);
    expect(runGraph(g, [10])).toBe(56);
    // fib itself, optimized, keeps calling itself.
    const fib = optimizedDef(src, "fib");
    expect(printGraphs(fib)).toContain("@fib(");
    expect(runGraph(fib, [10])).toBe(55);
  });

  it("does not inline an opaque graph", () => {
    const callee = newGraph("callee", null, { opaque: true });
    const x = addParameter(callee, "x", null);
    callee.output = applyPrim(callee, S.sin, [x], null);
    const g = newGraph("f", null);
    const y = addParameter(g, "y", null);
    g.output = apply(g, [constant(callee), y], null);
    optimize([g], new Set([g]), { session });
    expect(printGraphs(g)).toBe(text("graph f(%y) {", "  %1 = @callee(%y)", "  return %1", "}", "graph callee(%x) {", "  %2 = sin(%x)", "  return %2", "}"));
    callee.flags.opaque = false;
    optimize([g], new Set([g]), { session });
    expect(printGraphs(g)).toBe(text("graph f(%y) {", "  %1 = sin(%y)", "  return %1", "}"));
  });

  it("does not inline a graph changed this round: the copy would be of what the round started from", () => {
    const src = `def sq(x) = -(-x) * x;\ndef f(y) = sq(y) + 1;`;
    const build = () => {
      const ds = defs(src);
      return [ds.get("sq")!, ds.get("f")!] as const;
    };
    // sq comes first, so its rewrite is made before f's call of it is looked at.
    const [sq1, f1] = build();
    optimize([sq1, f1], new Set([sq1, f1]), { maxRounds: 1, session });
    expect(printGraphs(f1).split("\n").slice(0, 5)).toEqual(["graph f(%y) {", "  %1 = @sq(%y)", "  %2 = add(%1, 1)", "  return %2", "}"]);
    const [sq2, f2] = build();
    optimize([sq2, f2], new Set([sq2, f2]), { maxRounds: 2, session });
    expect(printGraphs(f2)).toBe(text("graph f(%y) {", "  %1 = mul(%y, %y)", "  %2 = add(%1, 1)", "  return %2", "}"));
    // An sq the round leaves alone is inlined in that same round.
    const ds = defs(`def sq(x) = x * x;\ndef f(y) = sq(y) + 1;`);
    const [sq3, f3] = [ds.get("sq")!, ds.get("f")!];
    optimize([sq3, f3], new Set([sq3, f3]), { maxRounds: 1, session });
    expect(printGraphs(f3)).toBe(text("graph f(%y) {", "  %1 = mul(%y, %y)", "  %2 = add(%1, 1)", "  return %2", "}"));
  });

  it("inlines nothing with inlineSize 0, and only graphs of at most inlineSize applies", () => {
    const src = `def sq(x) = x * x;\ndef cube(x) = x * x * x;\ndef f(y) = sq(y) + cube(y);`;
    expect(printGraphs(optimizedDef(src, "f", { inlineSize: 0 }))).toContain("@sq(%y)");
    const small = printGraphs(optimizedDef(src, "f", { inlineSize: 1 }));
    expect(small).not.toContain("@sq");
    expect(small).toContain("@cube(%y)");
  });

  it("inlines a graph of its own named only once whatever its size: it is moved, not copied", () => {
    const src = `def cube(x) = x * x * x;\ndef once(y) = cube(y) + 1;\ndef twice(y) = cube(y) + cube(y + 1);`;
    /** `name` of a fresh `src`, optimized owning it and, if `ownsCube`, cube too. */
    const optimized = (name: string, ownsCube: boolean): string => {
      const ds = defs(src);
      const g = ds.get(name)!;
      optimize([g], new Set(ownsCube ? [g, ds.get("cube")!] : [g]), { inlineSize: 1, session });
      return printGraphs(g);
    };
    expect(optimized("once", true)).toBe(text("graph once(%y) {", "  %1 = mul(%y, %y)", "  %2 = mul(%1, %y)", "  %3 = add(%2, 1)", "  return %3", "}"));
    // Named twice, it would be copied: over the size, it stays a call.
    expect(optimized("twice", true)).toContain("@cube(%y)");
    // Named once but not its own, the optimizer may only copy it.
    expect(optimized("once", false)).toContain("@cube(%y)");
  });

  it("the program pipeline inlines nothing, so a runtime error lists every call", () => {
    const { module } = frontEnd(`def sq(x) = x * x;\ndef f(y) = sq(y) + 1;`);
    expect(printGraphs(module.defs.get("f")!)).toContain("@sq(%y)");
  });
});

describe("inlining keeps what the arguments do", () => {
  /** f of `source` optimized, then run on `args`: its value (or error) and what it printed. */
  function runOptimized(source: string, args: Value[]): { value: unknown; printed: string[] } {
    const f = optimizedDef(source, "f");
    const printed: string[] = [];
    try {
      return { value: new Machine({ print: (l) => printed.push(l) }).run(f, args), printed };
    } catch (e) {
      return { value: e instanceof Error ? e.message : e, printed };
    }
  }

  it("an argument the callee uses runs once, where the call was", () => {
    expect(runOptimized(`def g(a) = a * a;\ndef f(x) = g((|| { print("arg"); x })());`, [3])).toEqual({ value: 9, printed: ["arg"] });
  });

  // An argument the body ignores is kept in a seq before the body, with its effects and failures.
  it("an argument the callee ignores still runs: its print", () => {
    expect(runOptimized(`def k(a) = 1;\ndef f(x) = k(print("arg")) + x;`, [1])).toEqual({ value: 2, printed: ["arg"] });
  });

  it("an argument the callee ignores still runs: its failure", () => {
    expect(String(runOptimized(`def k(a) = 1;\ndef f(x) = k(x + "s") * x;`, [1]).value)).toMatch(/expects Num or Array operands/);
  });

  // Without a seq, the argument would run where the copied body first needs it: after the
  // body's print, or, through grad, never (only the backpropagator closure of k reads it).
  it("an argument runs before the callee's body", () => {
    expect(runOptimized(`def g(a) { print("g"); a }\ndef f(x) = g((|| { print("arg"); x })());`, [1])).toEqual({ value: 1, printed: ["arg", "g"] });
  });

  it("the gradient of a function prints what the function prints", () => {
    const src = `def k(a) = 1;\ndef f(x, y) = k(print("arg")) * x;\ndef d(x, y) = grad(f, 0)(x, y);`;
    const printed: string[] = [];
    expect(compile(src, { print: (l) => printed.push(l) }).fn("d")(1, 2)).toBe(1);
    expect(printed).toEqual(["arg"]);
  });
});

describe("common subexpression elimination", () => {
  const SEED = `def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));`;

  it("merges x1 / x2 written three times, and exp(x2) written twice", () => {
    const f = defs(SEED).get("f")!;
    const count = (s: string, what: string) => s.split(what).length - 1;
    const before = printGraphs(f);
    expect([count(before, "div("), count(before, "exp(")]).toEqual([3, 2]);
    optimize([f], new Set([f]), { session });
    expect(printGraphs(f)).toBe(
      text(
        "graph f(%x1, %x2) {",
        "  %1 = div(%x1, %x2)",
        "  %2 = sin(%1)",
        "  %3 = add(%2, %1)",
        "  %4 = exp(%x2)",
        "  %5 = sub(%3, %4)",
        "  %6 = sub(%1, %4)",
        "  %7 = mul(%5, %6)",
        "  return %7",
        "}",
      ),
    );
    expect(runGraph(f, [1.5, 0.5])).toBe((Math.sin(3) + 3 - Math.exp(0.5)) * (3 - Math.exp(0.5)));
  });

  it("merges constants by value, but not 0 with −0", () => {
    const g = newGraph("f", null);
    const x = addParameter(g, "x", null);
    const m = (k: number) => applyPrim(g, S.mul, [x, constant(k)], null);
    g.output = applyPrim(g, makeTuple, [applyPrim(g, S.add, [m(2), m(2)], null), m(0), m(-0)], null);
    optimize([g], new Set([g]), { session });
    const shown = printGraphs(g);
    expect(shown.split("mul(%x, 2)").length - 1).toBe(1);
    expect(shown.split("mul(%x, 0)").length - 1).toBe(2); // −0 prints as 0
    const [four, zero, minusZero] = runGraph(g, [1]) as number[];
    expect([four, Object.is(zero, 0), Object.is(minusZero, -0)]).toEqual([4, true, true]);
  });

  it("does not merge two prints", () => {
    const g = newGraph("f", null);
    const p = () => applyPrim(g, print, [constant("hi")], null);
    g.output = applyPrim(g, S.add, [p(), p()], null);
    optimize([g], new Set([g]), { session });
    expect(printGraphs(g).split('print("hi")').length - 1).toBe(2);
  });

  it("is left out with cse: false", () => {
    const f = optimizedDef(SEED, "f", { cse: false });
    expect(printGraphs(f).split("div(").length - 1).toBe(3);
  });
});

describe("golden text of optimized gradients (myx ir --grad)", () => {
  const cases: Record<string, [string, string]> = {
    "seed-grad": [`def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));`, "f"],
    "closure-grad": [`def make_affine(a, b) = |x| a * x + b;\ndef f(a, b, x) = make_affine(a, b)(x) * x;`, "f"],
  };
  for (const [name, [source, fn]] of Object.entries(cases)) {
    it(name, async () => {
      const { module, session } = frontEnd(source, { filename: "golden.myx" });
      const g = gradientGraph(session, module.defs.get(fn)!);
      optimize([g], new Set([g]), { session });
      await expect(`# ${source}\n${printGraphs(g)}\n`).toMatchFileSnapshot(`golden/${name}.txt`);
    });
  }
});
