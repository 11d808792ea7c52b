// The rewrite table: each rewrite's pattern names the callees of the applications it matches, and
// the optimizer offers an Apply only to the rewrites listed under its callee (optimize.ts). A
// rewrite that fires on an Apply the table does not offer it would be skipped. Checked on the code the
// rewrites meet: a program as lowered, and the gradient AD builds of it, after 0, 1 and 2 rounds
// of the optimizer (inlining exposes most of the work).
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { newSession } from "../../src/index.js";
import { Session } from "../../src/ad/session.js";
import type { Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";
import { primOf } from "../../src/ir/match.js";
import { optimize } from "../../src/opt/optimize.js";
import { applyRewrite, type Rewrite } from "../../src/opt/pattern.js";
import { byCallee, rewrites } from "../../src/opt/rewrites.js";
import { Round } from "../../src/opt/round.js";
import { lowerModule } from "../ir/helpers.js";

/** The compile session graphs made here are optimized in. */
const session = newSession(true);

const source = `
def norm2(v) = v.x * v.x + v.y * v.y;
def affine(a, b) = |x| a * x + b;
def f(x, y) {
  let p = {x: x, y: -y};
  let t = (x, y * 1);
  var s = 0;
  for i in 0..3 { s = s + affine(x, 2)(t[1]) / 1; }
  if x > 0 { norm2(p) - 0 + s } else { -(-x) }
}
def pick(x, y) = (x, y)[0];
def field(x, y) = {a: x, b: y}.b;
def choose(x) = if true { x } else { 0 };
`;

/** For each rewrite, how often it fires where the table offers it; and where it fires but is not offered. */
function census(roots: readonly Graph[], list: readonly Rewrite[], level: "program" | "unit", fired: number[], missed: string[]): void {
  const round = new Round(analyze(roots), level === "program");
  const table = byCallee(list);
  for (const applies of round.analysis.applies.values()) {
    for (const a of applies) {
      const p = primOf(a.inputs[0]!);
      list.forEach((r, i) => {
        if (applyRewrite(r, a, round) === null) return;
        if (table.get(p)?.includes(r) === true) fired[i]!++;
        else missed.push(`rewrite ${i} on ${p?.name ?? "a call"}`);
      });
    }
  }
}

/** The census of `list` over the graphs `build` makes, after 0, 1 and 2 optimizer rounds. */
function tableCensus(build: () => Graph[], level: "program" | "unit") {
  const list = rewrites(level);
  const fired = list.map(() => 0);
  const missed: string[] = [];
  for (const rounds of [0, 1, 2]) {
    const roots = build();
    if (rounds > 0) optimize(roots, new Set(roots), { maxRounds: rounds, level, session });
    census(roots, list, level, fired, missed);
  }
  return { fired, missed };
}

describe("the rewrite table", () => {
  it("offers a program's applies to every rewrite that would fire on them", () => {
    const { fired, missed } = tableCensus(() => [...lowerModule(source).defs.values()], "program");
    expect(missed).toEqual([]);
    // Tuples, records and control meet work in the program.
    expect(fired.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
  });

  it("offers the applies of gradient code to every rewrite that would fire on them", () => {
    // J's units as built, in a session without an optimizer: the optimizer is what this test runs, round by round.
    const { fired, missed } = tableCensus(() => [gradientGraph(new Session(null), lowerModule(source).defs.get("f")!)], "unit");
    expect(missed).toEqual([]);
    // Tuples, control, sensitivities and arithmetic meet work in J's output.
    expect(fired.filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
  });
});
