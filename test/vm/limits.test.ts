// The limits of a run belong to its machine: a module running another module's code (through
// a print callback, say) keeps its own limits, before, during and after the other's run.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";

describe("run limits", () => {
  it("keep counting a module's arrays while and after another module runs from its callback", () => {
    const other = compile(`def f(x) = sum(zeros(1000) + x);`, { maxMemoryMB: 100_000 });
    const hoarder = compile(`var xs = ();\nfor i in 0..60 { xs = (zeros(1000000) + i, xs); print(i); }\nprint(len(xs));`, {
      maxMemoryMB: 100,
      filename: "t.myx",
      print: () => other.fn("f")(1),
    });
    // Sixty calls are far fewer than a step window: only counting the arrays as they are made stops it.
    expect(() => hoarder.run()).toThrow(/t\.myx:2:\d+: error: memory limit of 100 MB exceeded/);
  });
});
