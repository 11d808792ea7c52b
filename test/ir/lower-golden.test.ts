// Golden IR text for the lowering of each control construct. A change in lowering shows up here
// as a readable diff in review.
import { describe, expect, it } from "vitest";
import { printGraphs } from "../../src/ir/print.js";
import { lowerModule } from "./helpers.js";

const cases: Record<string, string> = {
  straight: `def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));`,
  if: `def relu1(x) { if x > 0 { x } else { 0 } }`,
  "if-assign": `def f(x) { var y = 1; if x > 0 { y = x * 2; } y + 1 }`,
  while: `def pow(x, n) { var r = 1; var k = n; while k > 0 { r = r * x; k = k - 1; } r }`,
  for: `def sum_to(n) { var s = 0; for i in 0..n { s = s + i; } s }`,
  "if-in-loop": `def count_even(n) { var c = 0; for i in 0..n { if i % 2 == 0 { c = c + 1; } } c }`,
  "nested-loops": `def grid(n) { var s = 0; for i in 0..n { for j in 0..i { s = s + i * j; } } s }`,
  closure: `def make_affine(a, b) = |x| a * x + b;\ndef apply_it(x) = make_affine(2, 3)(x);`,
  "nested-def": `def outer(x) { def inner(y) = x * y; def fact(n) = if n <= 1 { 1 } else { n * fact(n - 1) }; inner(fact(3)) }`,
  "and-or": `def f(a, b) = a > 0 and b > 0 or a < -1;`,
  "let-tuple": `def swap(t) { let (a, (b, c)) = t; (c, b, a) }`,
  "effects-order": `def f(x) { print("a"); let y = x + 1; print("b", y); y }`,
};

describe("lowering golden IR", () => {
  for (const [name, source] of Object.entries(cases)) {
    it(name, async () => {
      const m = lowerModule(source);
      const text = [...m.defs.values()].map((g) => printGraphs(g)).join("\n\n");
      await expect(`# ${source}\n${text}\n`).toMatchFileSnapshot(`golden/${name}.txt`);
    });
  }

  it("lowers the top-level program into main, publishing lets that functions read", async () => {
    const m = lowerModule(`let k = 3;\ndef f(x) = k * x;\nprint(f(2));`);
    await expect(printGraphs(m.main) + "\n").toMatchFileSnapshot("golden/main-globals.txt");
  });
});
