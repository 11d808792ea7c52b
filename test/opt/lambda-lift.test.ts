// Lambda lifting (src/opt/lambda-lift.ts): a closure whose every use is a call becomes a closed
// graph that its callers pass the captured values to; one that escapes stays a closure.
import { describe, expect, it } from "vitest";
import { frontEnd, newSession } from "../../src/index.js";
import type { Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";
import type { Value } from "../../src/runtime/values.js";
import { liftClosures } from "../../src/opt/lambda-lift.js";
import { optimize } from "../../src/opt/optimize.js";
import { Machine } from "../../src/vm/index.js";

/** The compile session graphs made here are optimized in. */
const session = newSession(true);

function def(source: string, name: string): Graph {
  return frontEnd(source, { filename: "lift.myx", optimize: false }).module.defs.get(name)!;
}

/** The graphs reachable from `root` that are closures, branches aside (the VM runs those in place). */
function closures(root: Graph): string[] {
  const analysis = analyze([root]);
  return analysis.graphs.filter((g) => !g.flags.branch && (analysis.freeVariables.get(g) ?? []).length > 0).map((g) => g.name);
}

const run = (g: Graph, args: Value[]): Value => new Machine({ print: () => {} }).run(g, args);

const LOCAL_RECURSION = `def outer(a, n) {
  def go(k) { if k == 0 { a } else { a * go(k - 1) } }
  go(n) + go(1)
}`;

describe("lambda lifting", () => {
  it("turns a recursive local function into a closed graph its calls pass the captured value to", () => {
    const g = def(LOCAL_RECURSION, "outer");
    expect(closures(g)).toEqual(["go"]);
    expect(liftClosures([g], new Set(analyze([g]).graphs))).toBe(1);
    expect(closures(g)).toEqual([]);
    const go = analyze([g]).graphs.find((h) => h.name === "go")!;
    expect(go.parameters.map((p) => p.name)).toEqual(["k", "a"]);
    expect(run(g, [2, 3])).toBe(16 + 4);
  });

  it("lifts independent closures in one analysis, and one whose caller it changed only in the next", () => {
    const g = def(
      `def outer(a, b, n) {
  def go(k) { if k == 0 { a } else { a * go(k - 1) } }
  def up(k) { if k == 0 { b } else { b + up(k - 1) } }
  def both(k) { if k == 0 { go(k) } else { b * both(k - 1) } }
  go(n) + up(n) + both(n)
}`,
      "outer",
    );
    expect(closures(g).sort()).toEqual(["both", "go", "up"]);
    // Lifting go makes its caller, both, pass a: both's free variables changed, so it waits.
    expect(liftClosures([g], new Set(analyze([g]).graphs))).toBe(2);
    expect(closures(g)).toEqual(["both"]);
    expect(liftClosures([g], new Set(analyze([g]).graphs))).toBe(1);
    expect(closures(g)).toEqual([]);
    const both = analyze([g]).graphs.find((h) => h.name === "both")!;
    expect(both.parameters.map((p) => p.name)).toEqual(["k", "a", "b"]);
    expect(run(g, [2, 3, 2])).toBe(8 + 9 + 18);
  });

  it("leaves a closure that escapes: returned, or passed as a value", () => {
    for (const source of [
      `def mk(a) { def go(k) { if k == 0 { a } else { a * go(k - 1) } } go }`,
      `def mk(a) { def go(k) { if k == 0 { a } else { a * go(k - 1) } } map(go, [1, 2]) }`,
    ]) {
      const g = def(source, "mk");
      expect(liftClosures([g], new Set(analyze([g]).graphs))).toBe(0);
      expect(closures(g)).toEqual(["go"]);
    }
  });

  it("leaves what it does not own, and the roots", () => {
    const g = def(LOCAL_RECURSION, "outer");
    expect(liftClosures([g], new Set([g]))).toBe(0);
    const go = analyze([g]).graphs.find((h) => h.name === "go")!;
    expect(liftClosures([go], new Set([g, go]))).toBe(0);
  });

  it("runs in the optimizer at its fixed point: what inlining does not take is lifted", () => {
    const g = def(LOCAL_RECURSION, "outer");
    optimize([g], new Set(analyze([g]).graphs), { session });
    expect(closures(g)).toEqual([]);
    expect(run(g, [2, 3])).toBe(20);
    // The program level keeps the closures J will see.
    const p = def(LOCAL_RECURSION, "outer");
    optimize([p], new Set(analyze([p]).graphs), { level: "program", session });
    expect(closures(p)).toEqual(["go"]);
  });
});
