// The optimizer's bar (issue 4): the optimized gradient of straight-line code is one graph with
// no closures and no calls, within a small factor of the primal's size — a hand-written
// derivative. Also when the function is built from closures that do not escape. The gradient of
// a loop is a forward and a backward loop that make no closure per iteration, and that of a
// recursive function one recursive graph for each sweep that makes no closure per call.
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../src/index.js";
import { isConstantGraph, type Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";
import { irStats } from "../../src/cli/stats.js";
import { printGraphs } from "../../src/ir/print.js";
import { optimizedGradient } from "../helpers/optimized-gradient.js";

function statsOf(source: string, fn: string) {
  const { f, g } = optimizedGradient(source, fn);
  return { primal: irStats(f), grad: irStats(g) };
}

/**
 * The graphs of a gradient that run again and again — loops and recursive graphs: those that call
 * themselves, directly or through branches — and for each the closures one of its runs makes:
 * graph constants with free variables made in it or in the branches on the way to its call of
 * itself (the VM runs branches in place, a tail call reuses the loop's closure, and a loop's exit
 * branch runs once per loop, not per iteration).
 */
function cyclesOf(root: Graph): { name: string; closuresPerRun: string[] }[] {
  const analysis = analyze([root]);
  const hasFvs = (g: Graph): boolean => (analysis.freeVariables.get(g) ?? []).length > 0;
  const constants = (g: Graph): Graph[] =>
    (analysis.applies.get(g) ?? []).flatMap((a) => a.inputs.filter(isConstantGraph).map((x) => x.value));
  const reaches = (from: Graph, head: Graph): boolean => {
    const seen = [from];
    for (let i = 0; i < seen.length; i++) {
      for (const h of constants(seen[i]!)) {
        if (h === head) return true;
        if (h.flags.branch && !seen.includes(h)) seen.push(h);
      }
    }
    return false;
  };
  return analysis.graphs
    .filter((g) => !g.flags.branch && reaches(g, g))
    .map((head) => {
      const made: string[] = [];
      const run = [head];
      for (let i = 0; i < run.length; i++) {
        for (const h of constants(run[i]!)) {
          if (h === head || !hasFvs(h) || run.includes(h)) continue;
          if (!h.flags.branch) made.push(h.name);
          else if (reaches(h, head)) run.push(h);
        }
      }
      return { name: head.name, closuresPerRun: made };
    });
}

const SEED = `def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));`;

describe("the optimized gradient of straight-line code", () => {
  it("is one graph without closures or calls, at most 3x the primal's applies: the seed function", () => {
    const { primal, grad } = statsOf(SEED, "f");
    expect(grad).toMatchObject({ graphs: 1, closures: 0, calls: 0 });
    expect(grad.applies).toBeLessThanOrEqual(3 * primal.applies);
  });

  it("is the same when the function is built from closures that do not escape", () => {
    const affine = statsOf(`def make_affine(a, b) = |x| a * x + b;\ndef f(a, b, x) = make_affine(a, b)(x) * x;`, "f");
    expect(affine.grad).toMatchObject({ graphs: 1, closures: 0, calls: 0 });
    const composed = statsOf(`def compose(f, g) = |x| f(g(x));\ndef h(x) = compose(|u| sin(u) * u, |v| v * v + 1)(x);`, "h");
    expect(composed.grad).toMatchObject({ graphs: 1, closures: 0, calls: 0 });
  });

  it("computes no sensitivity for an argument the gradient is not taken for", () => {
    // The backpropagator returns (env, ∂x, ∂y); grad(f, 0) takes ∂x, and ∂y's derivative code
    // (cos(y) here, a matrix product in bench W4) goes with the rest of the tuple.
    const { module } = frontEnd(`def f(x, y) = x * sin(y);\ndef d0(x, y) = grad(f, 0)(x, y);`, { filename: "bar.myx" });
    const text = printGraphs(module.defs.get("d0")!);
    expect(text).toContain("sin(");
    expect(text).not.toContain("cos(");
  });

  it("makes grad(grad(f)) of straight-line code one graph as well", () => {
    // df is f's gradient as a def: grad of a known function is built when compiling, so the
    // gradient of df is the second derivative written out.
    const { grad } = statsOf(`def f(x) = sin(x) * x * x;\ndef df(x) = grad(f)(x);`, "df");
    expect(grad).toMatchObject({ graphs: 1, closures: 0, calls: 0 });
  });
});

describe("the optimized gradient of a loop", () => {
  it("is one forward loop and one backward loop, with no closure per iteration", () => {
    const { g } = optimizedGradient(`def f(x) { var acc = 1; var i = 0; while i < 100 { acc = acc * x + sin(acc); i = i + 1; } acc }`, "f");
    const loops = cyclesOf(g);
    expect(loops.map((l) => l.name).sort()).toEqual(["f/while▶loop", "f/while◀loop"]);
    expect(loops.flatMap((l) => l.closuresPerRun)).toEqual([]);
  });

  it("makes no closure per iteration when the body has an if: the branches' backpropagators are lifted too", () => {
    const { g } = optimizedGradient(`def f(x) { var s = x; for i in 0..4 { if s > 0.5 { s = s * x; } else { s = s + sin(x); } } s }`, "f");
    const loops = cyclesOf(g);
    expect(loops.map((l) => l.name).sort()).toEqual(["f/for▶loop", "f/for◀loop"]);
    expect(loops.flatMap((l) => l.closuresPerRun)).toEqual([]);
  });

  it("keeps nested loops as two pairs of loops, the inner making no closures", () => {
    const { g } = optimizedGradient(`def f(x, y) {
  var s = x;
  for i in 0..10 { var t = s * y; for j in 0..3 { t = t + sin(s * t); } s = s + t * x; }
  s
}`, "f");
    const loops = cyclesOf(g);
    expect(loops.map((l) => l.name).sort()).toEqual(["f/for▶loop", "f/for▶loop", "f/for◀loop", "f/for◀loop"]);
    // An outer iteration runs the inner loop, which closes over the outer vars as in the primal:
    // the outer forward loop makes the inner forward loop, the outer backward loop the inner one.
    // (Lambda lifting leaves loops alone: it would pass those vars at every inner iteration.)
    expect(loops.map((l) => l.closuresPerRun).sort()).toEqual([[], [], ["f/for▶loop"], ["f/for◀loop"]]);
  });
});

describe("the optimized gradient of recursion that is not a loop", () => {
  it("is one recursive graph for the forward sweep and one for the backward, with no closure per call", () => {
    const { g } = optimizedGradient(`def fibx(x, n) = if n < 2 { sin(x + n) } else { fibx(x, n - 1) + fibx(x, n - 2) * x };`, "fibx");
    const cycles = cyclesOf(g);
    expect(cycles.map((c) => c.name).sort()).toEqual(["fibx▶w", "fibx◀call"]);
    expect(cycles.flatMap((c) => c.closuresPerRun)).toEqual([]);
  });

  it("is one recursive graph for each sweep across mutually recursive functions too", () => {
    const src = `def f(x, n) = if n <= 0 { x } else { sin(g(x, n - 1)) };
def g(x, n) = if n <= 0 { x } else { x * f(x, n - 1) };`;
    for (const [fn, names] of [["f", ["f▶w", "f◀call"]], ["g", ["g▶w", "g◀call"]]] as const) {
      const cycles = cyclesOf(optimizedGradient(src, fn).g);
      expect(cycles.map((c) => c.name).sort()).toEqual(names);
      expect(cycles.flatMap((c) => c.closuresPerRun)).toEqual([]);
    }
  });

  it("keeps the closure a recursive call's body makes, and only that one", () => {
    const { g } = optimizedGradient(`def f(x, n) = if n == 0 { x } else { let h = |y| y * x; h(f(x, n - 1)) + h(1) };`, "f");
    const cycles = cyclesOf(g);
    expect(cycles.map((c) => c.name).sort()).toEqual(["f▶w", "f◀call"]);
    expect(cycles.flatMap((c) => c.closuresPerRun)).toEqual([]);
  });
});
