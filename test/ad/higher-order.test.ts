// Higher-order reverse mode: gradients are closures over J(f), so they can be differentiated
// again; `grad` called inside a function being differentiated has a J of its own.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";

const values = (source: string): number[] => compile(source).run().trim().split(/\s+/).map(Number);

/** Central differences of a Myx function of one Num, evaluated from JavaScript. */
function fd(source: string, name: string, x: number, h = 1e-4): number {
  const f = compile(source).fn(name) as (x: number) => number;
  return (f(x + h) - f(x - h)) / (2 * h);
}

describe("higher-order reverse mode", () => {
  it("differentiates gradients two and three times", () => {
    expect(values(`def f(x) = x * x * x;\nprint(grad(f)(2), grad(grad(f))(2), grad(grad(grad(f)))(2));`)).toEqual([12, 12, 6]);
  });

  it("gives second derivatives that agree with differences of first derivatives", () => {
    const src = `def s(x) = sin(x) * exp(x) / (1 + x * x);\ndef ds(x) = grad(s)(x);\ndef dds(x) = grad(grad(s))(x);`;
    const m = compile(src);
    for (const x of [-1.3, 0.2, 0.7, 2.1]) {
      const exact = (m.fn("dds") as (x: number) => number)(x);
      expect(exact).toBeCloseTo(fd(src, "ds", x), 6);
    }
  });

  it("avoids perturbation confusion: d/dx [x · (d/dy (x + y))(1)] at 1 is 1", () => {
    expect(values(`print(grad(|x| x * grad(|y| x + y)(1))(1));`)).toEqual([1]);
  });

  it("differentiates a function that calls grad on a closure over its own argument", () => {
    // F(x) = d/dy (x y²) at y = x = 2x², so F'(x) = 4x.
    expect(values(`print(grad(|x| grad(|y| x * y * y)(x))(3));`)).toEqual([12]);
    const src = `def inner(x) = grad(|y| sin(x * y) + x * y * y)(x);`;
    const m = compile(`${src}\ndef outer(x) = grad(inner)(x);`);
    for (const x of [0.3, 1.1]) expect((m.fn("outer") as (x: number) => number)(x)).toBeCloseTo(fd(src, "inner", x), 6);
  });

  it("takes mixed partials in either order", () => {
    expect(values(`def g(x, y) = x * x * y + sin(x * y);\nprint(grad(grad(g, 1))(0.5, 2), grad(grad(g), 1)(0.5, 2));`).reduce((a, b) => a - b)).toBeCloseTo(0, 12);
  });

  it("differentiates value_and_grad's gradient through its tuple", () => {
    expect(values(`def f(x) = x * x * x;\nprint(grad(|x| value_and_grad(f)(x)[1])(2));`)).toEqual([12]);
  });
});
