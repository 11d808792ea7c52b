// Golden text of the J transform (unoptimized), so that a change in how graphs are
// differentiated shows in review: f▶ returns (value, ◀f), and ◀f closes over the forward pass.
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { Session } from "../../src/ad/session.js";
import { printGraphs } from "../../src/ir/print.js";
import { lowerModule } from "../ir/helpers.js";

const cases: Record<string, [string, string]> = {
  square: [`def sq(x) = x * x;`, "sq"],
  closure: [`def use(a, x) = (|y| a * y)(x);`, "use"],
  if: [`def relu1(x) = if x > 0 { x } else { 0 };`, "relu1"],
  loop: [`def sum_to(x, n) { var s = 0; for i in 0..n { s = s + x; } s }`, "sum_to"],
};

describe("the J transform, as text", () => {
  for (const [name, [source, fn]] of Object.entries(cases)) {
    it(name, async () => {
      const m = lowerModule(source);
      const text = printGraphs(gradientGraph(new Session(null), m.defs.get(fn)!));
      await expect(`# ${source}\n${text}\n`).toMatchFileSnapshot(`golden/${name}.txt`);
    });
  }
});
