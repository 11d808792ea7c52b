// Each compile has its own session (src/ad/session.ts): the optimizer AD runs on what it builds at
// run time, its caches and its queue of units. Two modules compiled with different options in
// one process, in either order, each keep their own behaviour.
import { describe, expect, it } from "vitest";
import { transformClosure } from "../../src/ad/reverse.js";
import { Session } from "../../src/ad/session.js";
import { irStats } from "../../src/cli/stats.js";
import { compile, frontEnd, newSession } from "../../src/index.js";
import { isConstantGraph, type Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";

/** A gradient J builds when the program runs: of a closure `mk(x)` makes. */
const source = `def mk(a) = |x| a * sin(x) * x + a;\ndef g(x) = grad(mk(x))(1.5);`;

/** The fewest steps (Myx calls) `g(2)` runs in, compiled with or without the optimizer. */
function leastSteps(optimize: boolean): number {
  let [lo, hi] = [1, 10_000];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      compile(source, { optimize, maxSteps: mid }).fn("g")(2);
      hi = mid;
    } catch {
      lo = mid + 1;
    }
  }
  return lo;
}

describe("compile sessions", () => {
  it("keep each module's optimizer to itself, whatever was compiled after it", () => {
    const optimized = leastSteps(true);
    const plain = leastSteps(false);
    // The optimized gradient inlines the J of each primitive: fewer calls.
    expect(optimized).toBeLessThan(plain);
    const want = compile(source).fn("g")(2);
    for (const laterOptimizes of [false, true]) {
      const first = compile(source, { optimize: !laterOptimizes, maxSteps: laterOptimizes ? plain : optimized });
      const second = compile(source, { optimize: laterOptimizes, maxSteps: laterOptimizes ? optimized : plain });
      // Each gradient is built when g first runs, after both were compiled.
      expect(first.fn("g")(2)).toBe(want);
      expect(second.fn("g")(2)).toBe(want);
    }
    // And one without the optimizer, given the steps the optimized one needs, runs out of them.
    expect(() => compile(source, { optimize: false, maxSteps: optimized }).fn("g")(2)).toThrow(/step limit/);
  });

  it("transform with their own optimizer and caches", () => {
    const lambda = (): Graph => {
      const mk = frontEnd(source, { optimize: false }).module.defs.get("mk")!;
      const made = analyze([mk]).graphConstants.get(mk)!.find((h) => h.name === "lambda");
      if (made === undefined) throw new Error("mk makes no lambda");
      return made;
    };
    const g = lambda();
    const optimizing = newSession(true);
    const plain = new Session(null);
    const callsOf = (root: Graph): number => irStats(root).calls;
    const optimizedJ = transformClosure(optimizing, g).forward;
    const plainJ = transformClosure(plain, g).forward;
    expect(optimizedJ).not.toBe(plainJ);
    expect(callsOf(optimizedJ)).toBe(0);
    expect(callsOf(plainJ)).toBeGreaterThan(0);
    // Each session caches its own: asked again, each gives what it gave.
    expect(transformClosure(optimizing, g).forward).toBe(optimizedJ);
    expect(transformClosure(plain, g).forward).toBe(plainJ);
    expect(analyze([plainJ]).graphs.some((h) => h.name.startsWith("sin▶"))).toBe(true);
    expect(analyze([optimizedJ]).graphs.every((h) => !h.name.startsWith("sin▶"))).toBe(true);
    expect(isConstantGraph(plainJ.output!)).toBe(false);
  });
});
