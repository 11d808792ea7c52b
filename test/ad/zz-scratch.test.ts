import { it } from "vitest";
import { backpropRules } from "../../src/ad/backprop-rules.js";
import * as S from "../../src/ir/prims/scalar.js";
import { checkGradAgainstFd, run } from "./helpers.js";
it("mutated", () => {
  const orig = backpropRules.get(S.sin)!;
  backpropRules.set(S.sin, (b, x, y, d) => [b(S.mul, orig(b, x, y, d)[0]!, b.c(1 + 3e-6))]);
  checkGradAgainstFd(`def f(a) { sin(a) }`, "f", [[0.3]]);
});
it("slice forward", () => { console.log(run(`def f(a, b) { let t = (a, b, a * b); let s = t[1:3]; let u = t[-2:]; s[0] * s[1] + u[0] }\nprint(f(1.5, -2));`)); });
