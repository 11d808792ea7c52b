import { it } from "vitest";
import { compile } from "../../src/index.js";
it("scratch", () => {
  const src = `
let sq = |x| x * x;
def f(x) = sq(x) + 1;
def make_affine(a, b) = |x| a * x + b;
def g(a) = make_affine(a, 2)(3);
print(grad(g)(1.5));
print(grad(f)(3));
`;
  try { console.log(compile(src).run()); } catch (e) { console.log(String(e)); }
});
