// The optimizer's bar (issue 4): the optimized gradient of straight-line code is one graph with
// no closures and no calls, within a small factor of the primal's size — a hand-written
// derivative. Also when the function is built from closures that do not escape.
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { frontEnd } from "../../src/index.js";
import { optimize } from "../../src/opt/optimize.js";
import { irStats } from "../../src/cli/stats.js";

function statsOf(source: string, fn: string) {
  const { module } = frontEnd(source, { filename: "bar.myx" });
  const f = module.defs.get(fn)!;
  const g = gradientGraph(f);
  optimize([g], new Set([g]));
  return { primal: irStats(f), grad: irStats(g) };
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

  it("makes grad(grad(f)) of straight-line code one graph as well", () => {
    // df is f's gradient as a def: grad of a known function is built when compiling, so the
    // gradient of df is the second derivative written out.
    const { grad } = statsOf(`def f(x) = sin(x) * x * x;\ndef df(x) = grad(f)(x);`, "df");
    expect(grad).toMatchObject({ graphs: 1, closures: 0, calls: 0 });
  });
});
