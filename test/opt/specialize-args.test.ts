// Specialization on constant function arguments: a recursive higher-order def called with a
// known function gets a copy in which that function is a constant, so its body is inlined; the
// recursive call passing the function on becomes a call of the copy itself.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { isConstantGraph, type Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";
import { optimizedGradient } from "../helpers/optimized-gradient.js";

const SOURCE = `def apply_n(f, x, n) = if n == 0 { x } else { apply_n(f, f(x), n - 1) };
def sq(x) = x * x * 0.5 + sin(x);
def g(x) = apply_n(sq, x, 5);
def dg(x) = grad(g)(x);`;

/** The graphs a call in `root`'s reach names as its callee. */
function callees(root: Graph): Graph[] {
  const analysis = analyze([root]);
  return analysis.graphs.flatMap((h) => (analysis.applies.get(h) ?? []).map((a) => a.inputs[0]!).filter(isConstantGraph).map((c) => c.value));
}

describe("specialization on constant function arguments", () => {
  it("copies a recursive higher-order def for the function it is given, which is then inlined", () => {
    const names = callees(optimizedGradient(SOURCE, "g").g).map((h) => h.name);
    expect(names).toContain("apply_n▶w[sq▶]");
    // Neither sq's J nor the unspecialized apply_n is called any more.
    expect(names.filter((n) => n === "sq▶" || n === "apply_n▶w")).toEqual([]);
  });

  it("computes the same derivative as without the optimizer", () => {
    const fast = compile(SOURCE).fn("dg");
    const slow = compile(SOURCE, { optimize: false }).fn("dg");
    for (const x of [0.3, -1.2, 2]) expect(fast(x)).toBe(slow(x));
  });

  it("leaves a call alone when the function is only handed back to the same def, or is a closure", () => {
    const src = `def keep(f, x, n) = if n == 0 { x } else { keep(f, x * 2, n - 1) };
def use(f, x, n) = if n == 0 { f(x) } else { use(f, x * 2, n - 1) };
def sq(x) = x * x;
def g(x, a) = keep(sq, x, 3) + use(|y| y * a, x, 2);`;
    const names = callees(optimizedGradient(src, "g").g).map((h) => h.name);
    expect(names.filter((n) => n.includes("["))).toEqual([]);
  });
});
