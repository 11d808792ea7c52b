// Lambda lifting (src/opt/lambda-lift.ts): a closure whose every use is a call becomes a closed
// graph that its callers pass the captured values to; one that escapes stays a closure.
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../src/index.js";
import type { Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";
import type { Value } from "../../src/ir/values.js";
import { liftClosure } from "../../src/opt/lambda-lift.js";
import { optimize } from "../../src/opt/optimize.js";
import { Machine } from "../../src/vm/index.js";

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
    expect(liftClosure([g], new Set(analyze([g]).graphs))).toBe(true);
    expect(closures(g)).toEqual([]);
    const go = analyze([g]).graphs.find((h) => h.name === "go")!;
    expect(go.parameters.map((p) => p.name)).toEqual(["k", "a"]);
    expect(run(g, [2, 3])).toBe(16 + 4);
  });

  it("leaves a closure that escapes: returned, or passed as a value", () => {
    for (const source of [
      `def mk(a) { def go(k) { if k == 0 { a } else { a * go(k - 1) } } go }`,
      `def mk(a) { def go(k) { if k == 0 { a } else { a * go(k - 1) } } map(go, [1, 2]) }`,
    ]) {
      const g = def(source, "mk");
      expect(liftClosure([g], new Set(analyze([g]).graphs))).toBe(false);
      expect(closures(g)).toEqual(["go"]);
    }
  });

  it("leaves what it does not own, and the roots", () => {
    const g = def(LOCAL_RECURSION, "outer");
    expect(liftClosure([g], new Set([g]))).toBe(false);
    const go = analyze([g]).graphs.find((h) => h.name === "go")!;
    expect(liftClosure([go], new Set([g, go]))).toBe(false);
  });

  it("runs in the optimizer at its fixed point: what inlining does not take is lifted", () => {
    const g = def(LOCAL_RECURSION, "outer");
    optimize([g], new Set(analyze([g]).graphs));
    expect(closures(g)).toEqual([]);
    expect(run(g, [2, 3])).toBe(20);
    // The program level keeps the closures J will see.
    const p = def(LOCAL_RECURSION, "outer");
    optimize([p], new Set(analyze([p]).graphs), { level: "program" });
    expect(closures(p)).toEqual(["go"]);
  });
});
