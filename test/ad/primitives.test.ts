// The reverse-mode rule of every differentiable scalar primitive of SPEC §4, checked against
// central finite differences of the same Myx function, for each argument position, at several
// points of a domain where the primitive is smooth (FD is meaningless across a kink or a jump).
// Then the structural pieces a derivative flows through: tuples, records, destructuring,
// indexing, `if`, `and`/`or` and `stop_gradient`.
import { describe, expect, it } from "vitest";
import { checkGradAgainstFd, load, run, type Tolerance } from "./helpers.js";

interface Case extends Tolerance {
  /** The body of `def f(a, b, …)`, a block. */
  readonly body: string;
  readonly points: readonly (readonly number[])[];
  /** Argument positions to check; all by default. */
  readonly args?: readonly number[];
}

const unaryCases: Record<string, Case> = {
  sin: { body: "sin(a)", points: [[-2.5], [0.3], [1.7], [10]] },
  cos: { body: "cos(a)", points: [[-2.5], [0.3], [1.7], [10]] },
  // tan is steep near π/2; stay inside |a| < 1.3 where tan''' is moderate.
  tan: { body: "tan(a)", points: [[-1.2], [0], [0.4], [1.3]] },
  asin: { body: "asin(a)", points: [[-0.9], [0], [0.5], [0.95]] },
  acos: { body: "acos(a)", points: [[-0.9], [0], [0.5], [0.95]] },
  atan: { body: "atan(a)", points: [[-30], [-1], [0], [0.5], [4]] },
  tanh: { body: "tanh(a)", points: [[-3], [-0.2], [0], [1.5]] },
  sinh: { body: "sinh(a)", points: [[-3], [-0.2], [0], [1.5]] },
  cosh: { body: "cosh(a)", points: [[-3], [-0.2], [0], [1.5]] },
  exp: { body: "exp(a)", points: [[-5], [0], [1], [6]] },
  log: { body: "log(a)", points: [[0.05], [1], [2.5], [300]] },
  log1p: { body: "log1p(a)", points: [[-0.9], [-1e-3], [0], [2], [50]] },
  expm1: { body: "expm1(a)", points: [[-3], [1e-7], [0], [2]] },
  sqrt: { body: "sqrt(a)", points: [[0.01], [1], [2], [1e4]] },
  abs: { body: "abs(a)", points: [[-2], [-0.3], [0.5], [7]] },
  sigmoid: { body: "sigmoid(a)", points: [[-8], [-1], [0], [0.5], [8]] },
  relu: { body: "relu(a)", points: [[-1.5], [-0.01], [0.02], [3]] },
  softplus: { body: "softplus(a)", points: [[-20], [-1], [0], [2], [30]] },
  "unary -": { body: "-a", points: [[-2], [0], [3.5]] },
  // Piecewise constant: zero derivative away from the jumps, which the points avoid.
  sign: { body: "sign(a)", points: [[-2], [0.5]] },
  floor: { body: "floor(a)", points: [[-2.5], [0.3], [7.9]] },
  ceil: { body: "ceil(a)", points: [[-2.5], [0.3], [7.9]] },
  round: { body: "round(a)", points: [[-2.7], [0.3], [7.6]] },
};

const binaryCases: Record<string, Case> = {
  "+": { body: "a + b", points: [[1, 2], [-3.5, 0.25]] },
  "-": { body: "a - b", points: [[1, 2], [-3.5, 0.25]] },
  "*": { body: "a * b", points: [[1, 2], [-3.5, 0.25], [0, 4]] },
  "/": { body: "a / b", points: [[1, 2], [-3.5, 0.25], [0, -4], [7, 30]] },
  // Floor-mod is a sawtooth: dx = 1, dy = -floor(x/y), away from the jumps at x/y ∈ ℤ.
  "%": { body: "a % b", points: [[7.5, 2], [-7.5, 2], [7.5, -2], [1.3, 0.4]] },
  "**": { body: "a ** b", points: [[1.3, 2.5], [0.5, -1.5], [2, 3], [4, 0.5]] },
  // A negative base only has a real power for a whole exponent, so only ∂/∂base exists there.
  "** (negative base)": { body: "a ** b", points: [[-1.5, 3], [-2, 2]], args: [0] },
  pow: { body: "pow(a, b)", points: [[1.3, 2.5], [0.5, -1.5], [2, 3]] },
  maximum: { body: "maximum(a, b)", points: [[1, 2], [2, 1], [-3, -0.5]] },
  minimum: { body: "minimum(a, b)", points: [[1, 2], [2, 1], [-3, -0.5]] },
  // All four quadrants, away from the branch cut on the negative x axis and the origin.
  atan2: { body: "atan2(a, b)", points: [[1, 2], [1, -2], [-1, -2], [-1, 2], [2, 0.1], [-0.3, 0]] },
};

const whereCases: Record<string, Case> = {
  "where, Bool condition": { body: "where(a > b, a * a, 3 * b)", points: [[2, 1], [1, 2], [-1, -3]] },
  // A Num condition counts as true when non-zero; its derivative is zero.
  "where, Num condition": { body: "where(c, a * b, a - b)", points: [[1.5, 2, 1], [1.5, 2, 0.5], [1.5, 2, -3]] },
};

/** Comparisons (and `not`) feed no derivative, but must not stop one flowing around them. */
const comparisonCases: Record<string, Case> = Object.fromEntries(
  ["<", "<=", ">", ">=", "==", "!="].map((op) => [
    op,
    { body: `where(a ${op} b, a * b, a + b * b)`, points: [[1, 2], [2, 1], [-0.5, 0.5]] },
  ]),
);
comparisonCases.not = { body: "where(not (a < b), a * b, a + b * b)", points: [[1, 2], [2, 1]] };

const params = (n: number): string => ["a", "b", "c", "d"].slice(0, n).join(", ");

// Every case uses the default tolerance (1e-6 relative, 1e-9 absolute): at these points the FD
// error with h = 1e-6 is ~1e-9 relative (see helpers.ts). A point that needs more is one too
// close to a pole or kink (tan near π/2, asin near ±1, sqrt or log near 0), which FD cannot
// resolve; those are avoided rather than tolerated, and edges are checked exactly below.
function check(c: Case): void {
  checkGradAgainstFd(`def f(${params(c.points[0]!.length)}) { ${c.body} }`, "f", c.points, c);
}

describe("grad of each scalar primitive matches central differences", () => {
  for (const [group, cases] of Object.entries({ unary: unaryCases, binary: binaryCases, where: whereCases, comparison: comparisonCases })) {
    describe(group, () => {
      for (const [name, c] of Object.entries(cases)) it(name, () => check(c));
    });
  }

  // FD only shows these are ~0; the rule must give exactly 0 (and keep the product rule exact).
  it("gives exactly zero derivatives for sign, floor, ceil and round", () => {
    const at = { sign: -1, floor: -3, ceil: -2, round: -2 }; // each at -2.5 (round: half to even)
    for (const [p, v] of Object.entries(at)) {
      expect(run(`print(grad(|a| ${p}(a) * 5)(1.3), grad(|a| a * ${p}(a))(-2.5));`), p).toBe(`0 ${v}\n`);
    }
  });

  it("differentiates primitives passed as values, as `grad(sin)` and `grad(atan2, 1)`", () => {
    expect(run(`print(grad(sin)(0), grad(atan2, 1)(1, 2), grad(maximum, (0, 1))(1, 2));`)).toBe("1 -0.2 (0, 1)\n");
  });
});

describe("derivatives at edges of the domain", () => {
  // At a tie the split is a convention (JAX gives ½ each, this implementation gives all to the
  // first argument); any convention must still give a directional derivative along (1, 1) of 1.
  it("splits the sensitivity of maximum and minimum at a tie so that the partials add up to 1", () => {
    for (const p of ["maximum", "minimum"]) {
      const m = load(`def g(a, b) = grad(${p}, (0, 1))(a, b);`);
      const [ga, gb] = m.fn("g")(2, 2) as number[];
      expect(ga! + gb!, p).toBe(1);
      expect(run(`print(grad(|x| ${p}(x, x) * 3)(2));`), p).toBe("3\n");
    }
  });

  it("gives the one-sided slopes where they exist: sqrt at 0 is inf, abs and relu away from 0", () => {
    expect(run(`print(grad(sqrt)(0), grad(abs)(-3), grad(relu)(-3), grad(relu)(3));`)).toBe("inf -1 0 1\n");
  });

  // x ** y at x = 0: both partials are 0 by FD (0 ** (2 ± h) = 0) and in JAX and PyTorch, which
  // mask log(0) in the exponent's rule; the unguarded rule y·x^(y-1), x^y·log(x) gives 0·(-inf) = nan.
  it("differentiates x ** y at x = 0 like JAX: ∂/∂y of 0 ** 2 is 0, ∂/∂x of x ** 0 at 0 is 0", () => {
    expect(run(`print(grad(|x, y| x ** y, 1)(0, 2), grad(|x| x ** 0)(0), grad(|x, y| x ** y, 0)(0, 0));`)).toBe("0 0 0\n");
  });
});

describe("structure the derivative flows through", () => {
  const cases: Record<string, Case> = {
    "tuple construction and constant indexing": { body: "let t = (a, b * a, 3); t[0] * t[1] + t[2] * b", points: [[1.5, -2], [0.3, 4]] },
    "negative indices": { body: "let t = (a, b, a * b); t[-1] * t[-3] - t[-2] * t[-2]", points: [[1.5, -2], [0.3, 4]] },
    "nested tuples": { body: "let t = ((a, (b, a * a)), b); t[0][1][1] * t[1] + t[0][0]", points: [[1.5, -2]] },
    "destructuring let (a, (b, c)) = t": { body: "let (u, (v, w)) = (a * b, (sin(a), b)); u * v + w * w", points: [[1.5, -2], [0.3, 4]] },
    "records: construction and field access": { body: "let r = {p: a, q: (b, a * b), s: true}; r.p * r.q[1] + r.q[0] * r.p", points: [[1.5, -2], [0.3, 4]] },
    "nested records": { body: "let r = {o: {i: a * b}, k: b}; r.o.i * r.k", points: [[1.5, -2]] },
    "a value used many times": { body: "let t = (a, a); let u = t; u[0] * t[1] * a + b", points: [[1.5, -2]] },
    "if: the taken branch only": { body: "if a < b { a * a * b } else { sin(b) * a }", points: [[1, 2], [2, 1], [-1, 3]] },
    "else-if chains": { body: "if a < 0 { a * b } else if a < 1 { a * a + b } else { exp(a - b) }", points: [[-1, 2], [0.5, 2], [2, 1]] },
    "if as a statement before the result": {
      body: "var s = a; if b > 0 { s = s * b; } else { s = s + b; } s * a",
      points: [[1.5, 2], [1.5, -2]],
    },
    "and / or": {
      body: "if a > 0 and b > 0 { a * b } else { if a < 0 or b < -1 { a - b * b } else { a + b } }",
      points: [[1, 2], [-1, 2], [1, -2], [1, -0.5]],
    },
    "and / or short-circuit around a derivative": {
      body: "let ok = b > 0 and sqrt(b) > 1; if ok or a > 5 { a * sqrt(b) } else { a * b }",
      points: [[1, 4], [1, 0.5], [1, -1]],
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => check(c));

  // A slice's backprop scatters the sensitivity back into the positions the slice took.
  it("tuple slices t[1:3] and t[-2:]", () => {
    check({ body: "let t = (a, b, a * b); let s = t[1:3]; let u = t[-2:]; s[0] * s[1] + u[0]", points: [[1.5, -2]] });
  });

  it("stop_gradient: the value passes, the derivative is zero", () => {
    const m = load("def f(a, b) = a * stop_gradient(a * b) + stop_gradient(b) ** 2;\ndef g(a, b) = grad(f, (0, 1))(a, b);");
    expect(m.fn("f")(3, 2)).toBe(22);
    expect(m.fn("g")(3, 2)).toEqual([6, 0]); // d/da = stop(a·b) = 6, not 2ab; d/db = 0, not a² + 2b
    expect(run("print(grad(stop_gradient)(3), grad(|x| stop_gradient(x * x))(3), grad(|x| x + stop_gradient(x))(3));")).toBe("0 0 1\n");
  });
});
