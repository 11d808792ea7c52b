// Every derivative rule of the array builtins (SPEC §3–§4), in reverse mode (`grad`) and forward
// mode (`jvp`), through real Myx programs run with the library. Each program ends in a Num; most
// weight their array result with a random array `w` before summing, so that a rule that permutes,
// transposes or mis-broadcasts its sensitivity changes the answer (a plain `sum` would be blind
// to that, and `sum(softmax(a))` is even constant). Each gradient element is compared with a
// central difference of the same program (checkArrayGrad in array-helpers.ts); jvp's tangent with
// the gradients' dot product with random directions. Values are random but seeded, with
// magnitudes in [0.2, 1.5] so that no element sits on a kink (abs, relu, max) or a pole.
import { describe, expect, it } from "vitest";
import { compile, Tensor, tuple } from "../../src/index.js";
import { arr, checkArrayGrad, checkHessian, checkJacobian, flatten, rebuild, rnd, rndNum, type Range, type Val } from "./array-helpers.js";
import { load, run } from "./helpers.js";

/** A random argument: a Num for the shape `[]`. */
const val = (shape: readonly number[], seed: number, range: Range = {}): number | Tensor => (shape.length === 0 ? rndNum(seed, range) : rnd(shape, seed, range));

/** NumPy broadcasting of two shapes (the tests only pair shapes that broadcast). */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const [x, y] = [a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1];
    expect(x === y || x === 1 || y === 1, `shapes ${JSON.stringify(a)} and ${JSON.stringify(b)} broadcast`).toBe(true);
    return Math.max(x, y);
  });
}

const show = (s: readonly number[]): string => (s.length === 0 ? "Num" : `(${s.join(",")})`);

/** Pairs of operand shapes: trailing-axis broadcasting, both sides stretched, a Num with an array, and equal shapes. */
const shapePairs: readonly (readonly [number[], number[]])[] = [
  [[3], [2, 3]],
  [[2, 3], [3]],
  [[2, 1], [1, 3]],
  [[], [2, 3]],
  [[2, 3], []],
  [[2, 3], [2, 3]],
];

describe("elementwise binary operators with broadcasting", () => {
  // Domains: a divisor or modulus of magnitude ≥ 0.5 (no poles); a positive base for ** (its log
  // appears in ∂/∂b); the rest anywhere in ±[0.2, 1.5].
  const ops: readonly { op: string; expr: string; a?: Range; b?: Range }[] = [
    { op: "+", expr: "a + b" },
    { op: "-", expr: "a - b" },
    { op: "*", expr: "a * b" },
    { op: "/", expr: "a / b", b: { lo: 0.5 } },
    { op: "**", expr: "a ** b", a: { positive: true, lo: 0.5 } },
    { op: "pow", expr: "pow(a, b)", a: { positive: true, lo: 0.5 } },
    // a % b = a − b·floor(a/b): ∂/∂a = 1, ∂/∂b = −floor(a/b); the jumps are where a/b is an integer.
    { op: "%", expr: "a % b", a: { hi: 3 }, b: { lo: 0.5, hi: 1.2 } },
    { op: "maximum", expr: "maximum(a, b)" },
    { op: "minimum", expr: "minimum(a, b)" },
    { op: "atan2", expr: "atan2(a, b)" },
    // Unary minus and a combination, so that sensitivities from two uses of a broadcast operand add up.
    { op: "neg", expr: "-a * b - b" },
    { op: "mixed", expr: "a * b + a / (1 + b * b) - b" },
  ];
  for (const { op, expr, a, b } of ops) {
    for (const [sa, sb] of shapePairs) {
      it(`${op}: ${show(sa)} with ${show(sb)}`, () => {
        const out = broadcast(sa, sb);
        // w has the broadcast shape: sum(r * w) weights every element of the result differently.
        checkArrayGrad(`def f(a, b, w) = sum((${expr}) * w);`, [val(sa, 1, a), val(sb, 2, b), val(out, 3)]);
      });
    }
  }

  it("maximum and minimum give each side the elements where it wins (mixed winners in one array)", () => {
    // a = [-1, 0.5, 2] against 0.3: a wins at 0.5 and 2, the Num at -1 (and the reverse for minimum).
    const src = "def f(a, c) = sum(maximum(a, c) * [1, 2, 3]) + sum(minimum(a, c) * [10, 20, 30]);";
    const m = load(`${src}\ndef g(a, c) = grad(f, (0, 1))(a, c);`);
    const [ga, gc] = m.fn("g")([-1, 0.5, 2], 0.3) as [Tensor, number];
    expect(Array.from(ga.data)).toEqual([10, 2, 3]);
    expect(gc).toBe(1 + 20 + 30);
    checkArrayGrad(src, [arr([3], [-1, 0.5, 2]), 0.3]);
    // At a tie each side gets half (as JAX does), so maximum(a, a) still has derivative 1.
    const tie = load("def g(a) = grad(|x| sum(maximum(x, x) * [1, 2, 3]) + sum(minimum(x, x * 1)))(a);").fn("g")([1, 2, 3]) as Tensor;
    expect(Array.from(tie.data)).toEqual([2, 3, 4]);
  });
});

// The sensitivity of an operand that an elementwise operator broadcast keeps the broadcast axes
// until a rule needs its exact shape (see sens_like in src/prims/sensitivity.ts). When the same variable also gets a
// sensitivity of another shape from another use, the two must be summed down to a common shape
// first (add_sens), also where the optimizer turns `add_sens(x, neg(y))` into a subtraction
// (sub_sens): these once counted the smaller one once per broadcast copy.
describe("a parameter used with and without broadcasting", () => {
  it("grad: a Num times an array, plus the Num: sum(x * [1, 1]) + x is 3 at any x", () => {
    expect(run("print(grad(|x| sum(x * [1, 1]) + x)(2));")).toBe("3\n");
  });

  it("grad: a row read by index and also broadcast over rows: b[0] + sum(b * ones((2, 3)))", () => {
    expect(run("print(grad(|b| b[0] + sum(b * ones((2, 3))))([0.5, -1, 2]));")).toBe("[3, 2, 2]\n");
  });

  it("grad: two broadcasts to different shapes: sum(x * [1, 1]) + sum(x * [1, 1, 1])", () => {
    expect(run("print(grad(|x| sum(x * [1, 1]) + sum(x * [1, 1, 1]))(2));")).toBe("5\n");
  });

  it("grad: a broadcast use minus a plain use: sum(x * [1, 1]) - x and -x + sum(x * [1, 1]) are 1", () => {
    expect(run("print(grad(|x| sum(x * [1, 1]) - x)(2), grad(|x| -x + sum(x * [1, 1]))(2));")).toBe("1 1\n");
  });

  it("grad: a broadcast use and an indexed use, against finite differences with random values", () => {
    checkArrayGrad("def f(a, b) = sum(a * b) + sum(sin(b)) + a[1];", [rnd([3], 112), rnd([2, 3], 113)]);
  });

  it("grad: a negated use and a broadcast use, against finite differences with random values", () => {
    checkArrayGrad("def f(a, b) = sum(-a) + sum((a + b) * b);", [rnd([3], 114), rnd([2, 3], 115)]);
  });

  it("grad gives the same with and without the optimizer (SPEC §6: --no-opt must not change results)", () => {
    const src = `def f(a, b) = sum(-a * b) + sum(a) + sum(((-a) + (a + (a @ a))) * b);
def g(a, b) = grad(f)(a, b);`;
    const args = [rnd([3], 116), rnd([2, 3], 117)];
    const [opt, plain] = [true, false].map((optimize) => compile(src, { filename: "ad.myx", optimize }).fn("g")(...args) as Tensor);
    expect(Array.from(opt!.data)).toEqual(Array.from(plain!.data));
  });

  it("jvp gets the same programs right", () => {
    expect(run("print(jvp(|x| sum(x * [1, 1]) + x, 2, 1)[1], jvp(|x| sum(x * [1, 1]) + sum(x * [1, 1, 1]), 2, 1)[1], jvp(|x| sum(x * [1, 1]) - x, 2, 1)[1]);")).toBe("3 5 1\n");
    expect(run("print(jvp(|b| b[0] + sum(b * ones((2, 3))), ([0.5, -1, 2],), ([1, 0, 0],))[1]);")).toBe("3\n");
  });
});

// The rule of x ** y gives x a zero where y is 0 (and y where x is 0), as the derivative there is
// 0: that zero must have x's shape, or added to an array sensitivity from another use of the same
// array it would sum that one to a Num. `a ** 0` and `0 ** a` are constant, so f's gradient is
// that of sum(a·a).
describe("** with a Num 0 as base or exponent, next to another use of the array", () => {
  it("a ** 0: the gradient is 2a", () => {
    expect(run("print(grad(|a| sum(a ** 0) + sum(a * a))([3, 4]));")).toBe("[6, 8]\n");
  });

  it("0 ** a: the gradient is 2a", () => {
    expect(run("print(grad(|a| sum(0 ** a) + sum(a * a))([3, 4]));")).toBe("[6, 8]\n");
  });

  it("jvp gets them right", () => {
    expect(run("print(jvp(|a| sum(a ** 0) + sum(a * a), ([3, 4],), ([1, 0],))[1], jvp(|a| sum(where(false, a * 1, a * a)), ([3, 4],), ([0, 1],))[1]);")).toBe("6 8\n");
  });
});

describe("unary math functions on arrays", () => {
  const fns: readonly { fn: string; range?: Range; zero?: boolean }[] = [
    { fn: "sin" }, { fn: "cos" }, { fn: "tan", range: { hi: 1.2 } }, { fn: "asin", range: { hi: 0.9 } }, { fn: "acos", range: { hi: 0.9 } },
    { fn: "atan" }, { fn: "tanh" }, { fn: "sinh" }, { fn: "cosh" }, { fn: "exp" }, { fn: "log", range: { positive: true } },
    { fn: "log1p", range: { positive: true } }, { fn: "expm1" }, { fn: "sqrt", range: { positive: true } }, { fn: "abs" },
    { fn: "sigmoid" }, { fn: "relu" }, { fn: "softplus" },
    // Piecewise constant: the derivative is zero (and FD agrees away from the jumps).
    { fn: "sign", zero: true }, { fn: "floor", zero: true }, { fn: "ceil", zero: true }, { fn: "round", zero: true },
  ];
  for (const { fn, range, zero } of fns) {
    it(`${fn} of a (2,3) array`, () => {
      checkArrayGrad(`def f(a, w) = sum(${fn}(a) * w);`, [rnd([2, 3], 4, range), rnd([2, 3], 5)], zero ? { zero: [0] } : {});
    });
  }

  it("composes them, with a Num parameter broadcast into the argument", () => {
    checkArrayGrad("def f(a, c) = sum(sigmoid(a * c) * softplus(a - c) + tanh(exp(a) * c) / (1 + relu(a) * abs(a)));", [rnd([2, 3], 6), 0.7]);
  });
});

describe("where with an array condition", () => {
  it("selects elementwise; both branches broadcast against the condition", () => {
    // a (2,3) against b (3,): the condition is (2,3); the Num c reaches one branch only.
    checkArrayGrad("def f(a, b, c, w) = sum(where(a > b, a * c, sin(b)) * w);", [rnd([2, 3], 7), rnd([3], 8), 0.8, rnd([2, 3], 9)]);
  });

  it("gives a Num branch the count of the elements it was chosen for, and the condition nothing", () => {
    const src = "def f(a, c) = sum(where(a > 0, c, c * c) * [[1, 2, 3], [4, 5, 6]]);";
    // a > 0 at (0,0), (0,2), (1,1): ∂f/∂c = (1 + 3 + 5) + 2c·(2 + 4 + 6).
    const m = load(`${src}\ndef g(a, c) = grad(f, 1)(a, c);`);
    expect(m.fn("g")([[1, -1, 1], [-1, 1, -1]], 0.5)).toBe(9 + 12);
    checkArrayGrad(src, [arr([2, 3], [1, -1, 1, -1, 1, -1]), 0.5], { zero: [0] });
  });

  // With a Bool condition `where` picks a branch whole; the branch not taken gets a zero of its
  // own shape as its sensitivity (a Num 0 would let an elementwise rule inside that branch make
  // b's sensitivity 0 * [[1], [0]], of shape (2,1), which b (3,) cannot take). Its gradient is
  // zero, as through `if`.
  it("gives zero to the branch a Bool condition did not take, whatever its shape", () => {
    expect(run("print(grad(|b| sum(where(false, b * [[1], [0]], 0)))([1, 2, 3]));")).toBe("[0, 0, 0]\n");
  });

  it("differentiates a Bool-condition where like the if it stands for, against finite differences", () => {
    // c only chooses: its gradient is zero.
    checkArrayGrad("def f(b, c) = sum(where(c > 0, b * [[1], [2]], sin(b) + zeros((2, 3))) * [[1, 2, 3], [4, 5, 6]]);", [rnd([3], 118), -0.5], { zero: [1] });
  });

  it("differentiates a Bool-condition where when the branch not taken does not use the parameter", () => {
    checkArrayGrad("def f(a, c) = sum(where(c > 0, a * c, 2 * c) * [[1, 2, 3], [4, 5, 6]]);", [rnd([2, 3], 119), 0.5]);
  });

  // The zero the branch not taken gets is added to the array sensitivity a gets from the branch
  // taken: as a Num 0 it once summed that one down to a Num (14, 14 for [3, 4] instead of 6, 8).
  it("gives the parameter of both branches of a Bool-condition where the taken branch's gradient", () => {
    expect(run("print(grad(|a| sum(where(false, a * 1, a * a)))([3, 4]));")).toBe("[6, 8]\n");
  });

  it("differentiates a Bool-condition where using the parameter in both branches, against finite differences", () => {
    checkArrayGrad("def f(a, c) = sum(where(c > 0, a * c, sin(a) * c) * [[1, 2, 3], [4, 5, 6]]);", [rnd([2, 3], 120), -0.5]);
  });

  it("takes a condition given as a 0/1 array, and a comparison of two broadcast arrays", () => {
    checkArrayGrad("def f(a, b) = sum(where([[1, 0, 1], [0, 0, 1]], a, b * b) + where(a < b, a * b, 0));", [rnd([2, 3], 10), rnd([2, 1], 11)]);
  });
});

describe("matrix products", () => {
  it("dot with a Num operand scales, and differentiates as * does", () => {
    checkArrayGrad("def f(a, s) = sum(dot(a, s) * [1, 2, 3]) + dot(s, s);", [rnd([3], 122), 0.7]);
  });

  it("@ of 1-d with 1-d gives a Num", () => {
    checkArrayGrad("def f(a, b) = sin(a @ b);", [rnd([3], 12), rnd([3], 13)]);
  });

  it("@ of 2-d with 1-d", () => {
    checkArrayGrad("def f(a, b, w) = sum((a @ b) * w);", [rnd([2, 3], 14), rnd([3], 15), rnd([2], 16)]);
  });

  it("@ of 1-d with 2-d", () => {
    checkArrayGrad("def f(a, b, w) = sum((a @ b) * w);", [rnd([3], 17), rnd([3, 2], 18), rnd([2], 19)]);
  });

  it("@ of 2-d with 2-d", () => {
    checkArrayGrad("def f(a, b, w) = sum((a @ b) * w);", [rnd([2, 3], 20), rnd([3, 4], 21), rnd([2, 4], 22)]);
  });

  it("matmul(a, b), a chain a @ b @ c and a quadratic form x @ A @ x", () => {
    checkArrayGrad("def f(a, b, c, w) = sum(matmul(a, b @ c) * w) + tanh(c[0] @ transpose(a) @ a @ c[1]);", [rnd([2, 3], 23), rnd([3, 2], 24), rnd([2, 3], 25), rnd([2, 3], 26)]);
  });

  it("dot of 1-d arrays", () => {
    checkArrayGrad("def f(a, b) = dot(a, b) * dot(a, a);", [rnd([4], 27), rnd([4], 28)]);
  });

  it("outer of 1-d arrays", () => {
    checkArrayGrad("def f(a, b, w) = sum(outer(a, b) * w);", [rnd([3], 29), rnd([2], 30), rnd([3, 2], 31)]);
  });
});

describe("transpose and reshape", () => {
  it("transpose of a 2-d array", () => {
    checkArrayGrad("def f(a, w) = sum(transpose(a) * w);", [rnd([2, 3], 32), rnd([3, 2], 33)]);
  });

  it("transpose of a 3-d array reverses all its axes", () => {
    checkArrayGrad("def f(a, w) = sum(transpose(a) * w);", [rnd([2, 3, 4], 34), rnd([4, 3, 2], 35)]);
  });

  it("transpose of a 1-d array is the array", () => {
    checkArrayGrad("def f(a, w) = sum(transpose(a) * w);", [rnd([3], 36), rnd([3], 37)]);
  });

  for (const [from, to] of [[[2, 3], [3, 2]], [[2, 3], [6]], [[6], [2, 3]], [[2, 3], [1, 6, 1]]] as const) {
    it(`reshape ${show(from)} to ${show(to)}`, () => {
      const shape = to.length === 1 ? `${to[0]}` : `(${to.join(", ")})`;
      checkArrayGrad(`def f(a, w) = sum(reshape(a, ${shape}) * w);`, [rnd(from, 38), rnd(to, 39)]);
    });
  }
});

describe("reductions", () => {
  // On a (2,3) array: all elements, each axis, and each axis counted from the end.
  const axes: readonly (number | null)[] = [null, 0, 1, -1, -2];
  for (const op of ["sum", "mean", "max", "min", "logsumexp"]) {
    for (const axis of axes) {
      it(`${op}(a${axis === null ? "" : `, ${axis}`}) of a (2,3) array`, () => {
        if (axis === null) return checkArrayGrad(`def f(a, w) = ${op}(a) * w;`, [rnd([2, 3], 40), 1.3]);
        const out = [2, 3].filter((_, i) => i !== (axis + 2) % 2);
        checkArrayGrad(`def f(a, w) = sum(${op}(a, ${axis}) * w);`, [rnd([2, 3], 41), rnd(out, 42)]);
      });
    }
    it(`${op} along the middle and the last axis of a (2,3,2) array`, () => {
      checkArrayGrad(`def f(a, u, v) = sum(${op}(a, 1) * u) + sum(${op}(a, -1) * v);`, [rnd([2, 3, 2], 43), rnd([2, 2], 44), rnd([2, 3], 45)]);
    });
  }

  it("max and min split the sensitivity between tied copies of one element, which add back up", () => {
    // b broadcast over two rows: every column's max is a tie between two copies of the same b_j,
    // which move together, so f is differentiable in b: the halves add up to the whole, neither
    // lost nor doubled. (Each program on its own, so that a failure names the rule; uses of one value
    // whose sensitivities have different shapes are tested under "a parameter used with and
    // without broadcasting".)
    const cases: readonly [string, number[]][] = [
      ["def f(b) = max(b + zeros((2, 3)));", [0, 0, 1]],
      ["def f(b) = sum(min(b * ones((2, 3)), 0) * [1, 2, 3]);", [1, 2, 3]],
      ["def f(b) = max([b[0], b[0]]) * 2;", [2, 0, 0]],
    ];
    for (const [src, want] of cases) {
      const m = load(`${src}\ndef g(b) = grad(f)(b);`);
      expect(Array.from((m.fn("g")([0.5, -1, 2]) as Tensor).data), src).toEqual(want);
      checkArrayGrad(src, [arr([3], [0.5, -1, 2])]);
    }
  });

  it("softmax along each axis, and along the last by default", () => {
    for (const axis of ["0", "1", "-1", "-2"]) {
      checkArrayGrad(`def f(a, w) = sum(softmax(a, ${axis}) * w);`, [rnd([2, 3], 46), rnd([2, 3], 47)]);
    }
    checkArrayGrad("def f(a, w) = sum(softmax(a) * w);", [rnd([2, 3], 48), rnd([2, 3], 49)]);
    checkArrayGrad("def f(a, w) = sum(softmax(a, 0) * w);", [rnd([4], 50), rnd([4], 51)]);
  });
});

describe("concat and stack", () => {
  it("concat along axis 0 (given and by default)", () => {
    checkArrayGrad("def f(a, b, w) = sum(concat((a, b), 0) * w) + sum(concat((b, a * a)) * w);", [rnd([2, 3], 52), rnd([1, 3], 53), rnd([3, 3], 54)]);
  });

  it("concat along axis 1 and -1", () => {
    checkArrayGrad("def f(a, b, w) = sum(concat((a, b), 1) * w) + sum(concat((b, a), -1) * w * w);", [rnd([2, 1], 55), rnd([2, 3], 56), rnd([2, 4], 57)]);
  });

  it("concat of three 1-d pieces, one used twice", () => {
    checkArrayGrad("def f(a, b, w) = sum(concat((a, b, a * 2)) * w);", [rnd([2], 58), rnd([3], 59), rnd([7], 60)]);
  });

  it("stack of 1-d arrays and of 2-d arrays", () => {
    checkArrayGrad("def f(a, b, w) = sum(stack((a, b, a * b)) * w);", [rnd([3], 61), rnd([3], 62), rnd([3, 3], 63)]);
    checkArrayGrad("def f(a, b, w) = sum(stack((a, b)) * w);", [rnd([2, 3], 64), rnd([2, 3], 65), rnd([2, 2, 3], 66)]);
  });
});

describe("indexing", () => {
  it("a[i] of a 1-d array (a Num), with a negative index and the same element used twice", () => {
    checkArrayGrad("def f(a) = a[1] * a[-1] + sin(a[1]) + a[0] * a[0];", [rnd([4], 67)]);
  });

  it("a[i] of a 2-d array (a row) and a[i, j], with negative indices", () => {
    checkArrayGrad("def f(a, w) = sum(a[1] * w) + a[0, 2] * a[-1, -3] + a[-2][1];", [rnd([2, 3], 68), rnd([3], 69)]);
  });

  it("slices a[1:3], a[-2:], a[:2] of a 1-d array", () => {
    checkArrayGrad("def f(a, w) = sum(a[1:3] * w) + sum(a[-2:] * w * w) + sum(sin(a[:2]));", [rnd([5], 70), rnd([2], 71)]);
  });

  it("a[:, j] and a[i, :] and a slice on both axes of a 2-d array", () => {
    checkArrayGrad("def f(a, u, v) = sum(a[:, 1] * u) + sum(a[:, -1] * u * u) + sum(a[1, :] * v) + sum(a[1:3, 0:2] * a[0:2, 1:3]);", [rnd([3, 3], 72), rnd([3], 73), rnd([3], 74)]);
  });

  it("indexes a computed array: the sensitivity flows through the indexed result", () => {
    checkArrayGrad("def f(a, b) = sum((a * b)[1]) + (a @ transpose(b))[0, 1] + (exp(a)[-1:])[0, 0];", [rnd([2, 3], 75), rnd([2, 3], 76)]);
  });

  it("gives zero to the elements not indexed, and sums repeated reads", () => {
    const m = load("def f(a) = a[1] * 3 + a[1] + a[-1] * a[-1];\ndef g(a) = grad(f)(a);");
    expect(Array.from((m.fn("g")([5, 6, 7]) as Tensor).data)).toEqual([0, 4, 14]);
  });
});

describe("array constructors", () => {
  it("a literal made of Num parameters: [a, b * 2]", () => {
    checkArrayGrad("def f(a, b, w) = sum([a, b * 2, a * b] * w);", [0.6, -1.1, rnd([3], 77)]);
  });

  it("a literal made of array parameters, and a nested literal", () => {
    checkArrayGrad("def f(a, b, w) = sum([a, b * 2] * w) + sum([[a[0], b[1]], [a[1] * b[0], sin(a[2])]] * [[1, 2], [3, 4]]);", [rnd([3], 78), rnd([3], 79), rnd([2, 3], 80)]);
  });

  it("full(shape, v) w.r.t. v, for a tuple shape and a Num shape", () => {
    checkArrayGrad("def f(v, w) = sum(full((2, 3), v) * w) + sum(full(3, v * v) * w[0]);", [0.7, rnd([2, 3], 81)]);
  });

  it("linspace(a, b, n) w.r.t. its end points", () => {
    checkArrayGrad("def f(a, b, w) = sum(linspace(a, b, 5) * w) + sum(linspace(b, a * a, 3) ** 2);", [0.4, 1.7, rnd([5], 82)], { wrt: [0, 1, 2] });
  });
});

describe("map and fold", () => {
  it("map with a closure capturing a parameter: gradients w.r.t. the array and the captured Num", () => {
    checkArrayGrad("def f(c, a, w) = sum(map(|x| sin(x * c) + c * x * x, a) * w);", [0.8, rnd([2, 3], 83), rnd([2, 3], 84)]);
  });

  it("map with a closure capturing an array element", () => {
    checkArrayGrad("def f(a, b) { let k = b[1]; sum(map(|x| x * k + exp(x) * b[0], a)) }", [rnd([4], 85), rnd([2], 86)]);
  });

  it("fold over a 1-d array", () => {
    checkArrayGrad("def f(c, a) = fold(|acc, x| acc * c + sin(x), 0.5, a);", [0.9, rnd([4], 87)]);
  });

  it("fold over the rows of a 2-d array, with an array accumulator", () => {
    checkArrayGrad("def f(c, a, init) = sum(fold(|acc, row| acc * c + row * row, init, a) * [1, -2]);", [0.9, rnd([3, 2], 88), rnd([2], 89)]);
  });

  it("fold over a tuple of arrays of different shapes", () => {
    checkArrayGrad("def f(c, a, b) = fold(|acc, x| acc * c + sum(x * x), 1, (a, b, a));", [0.9, rnd([2], 90), rnd([2, 3], 91)]);
  });
});

describe("structured arguments", () => {
  it("a record of arrays: the gradient is a record with the same fields holding arrays of the same shapes", () => {
    const src = "def f(p, x) = sum(tanh(p.w @ x + p.b) * [1, -2]) + p.s * sum(p.w);";
    const p = { w: rnd([2, 3], 92), b: rnd([2], 93), s: 0.4 };
    checkArrayGrad(src, [p, rnd([3], 94)]);
    const g = load(`${src}\ndef g(p, x) = grad(f)(p, x);`).fn("g")(p, rnd([3], 94));
    expect(Object.keys(g as object)).toEqual(["w", "b", "s"]);
    const { w, b, s } = g as { w: unknown; b: unknown; s: unknown };
    expect(w).toBeInstanceOf(Tensor);
    expect((w as Tensor).shape).toEqual([2, 3]);
    expect((b as Tensor).shape).toEqual([2]);
    expect(typeof s).toBe("number");
  });

  it("a tuple of arrays: the gradient is a tuple (a JS array) of arrays", () => {
    const src = "def f(t, c) = sum(t[0] * t[1]) * c + sum(sin(t[2] * t[1]));";
    const t: Val = [rnd([2, 3], 95), rnd([3], 96), rnd([2, 1], 97)];
    checkArrayGrad(src, [t, 0.6]);
    const g = load(`${src}\ndef g(t, c) = grad(f)(t, c);`).fn("g")(tuple(...(t as Tensor[])), 0.6);
    expect(Array.isArray(g)).toBe(true);
    expect((g as Tensor[]).map((x) => x.shape)).toEqual([[2, 3], [3], [2, 1]]);
  });

  it("a record holding a tuple of arrays and a nested record", () => {
    checkArrayGrad("def f(p) = sum(p.layers[0] @ p.layers[1]) * p.inner.k + sum(p.inner.v * p.layers[1][0]);", [
      { layers: [rnd([2, 3], 98), rnd([3, 2], 99)], inner: { k: 1.2, v: rnd([2], 100) } },
    ]);
  });
});

describe("jacobian", () => {
  it("of Array → Array (1-d to 1-d)", () => {
    checkJacobian("def f(a) = softmax(a * 2, 0) + sin(a) * a[0];", rnd([3], 101));
  });

  it("of Array → Array with more dimensions: shape out ++ in", () => {
    checkJacobian("def f(a) = outer(a, [1, 2, 3]) * a[1];", rnd([2], 102)); // (2,) → (2,3): (2,3,2)
    checkJacobian("def f(a) = sum(a * a, 1) + a @ [1, -1, 2];", rnd([2, 3], 103)); // (2,3) → (2,): (2,2,3)
    checkJacobian("def f(a) = transpose(a) @ a;", rnd([3, 2], 104)); // (3,2) → (2,2): (2,2,3,2)
  });

  it("of Array → Num: shape in", () => {
    checkJacobian("def f(a) = logsumexp(a) * a[0];", rnd([3], 105));
    checkJacobian("def f(a) = sum(a * a) + max(a);", rnd([2, 2], 106));
  });

  it("of Num → Array", () => {
    checkJacobian("def f(x) = [x, x * x, sin(x)];", 0.7);
  });
});

describe("hessian", () => {
  it("of a scalar function of a 1-d array matches finite differences of its gradient", () => {
    const src = "def f(a) = sum(a * a * a) + logsumexp(a) + sin(a @ [[1, 2, 0], [0, 1, 3], [1, 0, 1]] @ a) + sum(softmax(a, 0) * [1, 2, 3]);";
    checkArrayGrad(src, [rnd([3], 107)]);
    checkHessian(src, rnd([3], 107));
  });

  it("of a function with max, where and indexing (piecewise quadratic)", () => {
    checkHessian("def f(a) = max(a * a) + sum(where(a > 0, a * a * a, a * 2)) + a[0] * a[-1];", arr([4], [0.3, -0.7, 1.1, 0.45]));
  });
});

describe("loops and second order", () => {
  it("grad through a for loop applying @ and accumulating into an array var", () => {
    const src = `def f(w, x, b) {
  var h = x;
  var acc = zeros(2);
  for i in 0..3 { h = tanh(w @ h + b); acc = acc + h * (i + 1); }
  sum(acc * acc)
}`;
    checkArrayGrad(src, [rnd([2, 2], 108), rnd([2], 109), rnd([2], 110)]);
  });

  it("grad through a while loop whose trip count depends on an array's values", () => {
    const src = "def f(a, c) { var v = a; var n = 0; while sum(v * v) < 10 { v = v * c + a; n = n + 1; } sum(v) * n }";
    checkArrayGrad(src, [arr([3], [0.5, -0.3, 0.8]), 1.4]);
  });

  it("a gradient of array code can be differentiated again (grad of grad)", () => {
    // g(c, a) = ⟨∇_a f(c, a), w⟩ is itself differentiated in c and a by reverse mode.
    const src = `def f(c, a) = sum(softmax(a * c, 0) * [1, 2, 3]) + logsumexp(a * c) + max(a * a) + sum(sin(a @ [[1, 2], [0, 1], [2, 1]]));
def g(c, a) = sum(grad(f, 1)(c, a) * [0.3, -1, 2]);`;
    checkArrayGrad(src, [0.8, rnd([3], 111)], { name: "g", noJvp: true });
  });

  // Sensitivities of different shapes meeting in second order: in g's backward pass c gets one
  // broadcast over a's shape (from a * c) and a Num one (from logsumexp(…) * c). Before add_sens
  // summed them to a common shape first, the Num one was counted 3 times (11.51 instead of 4.36).
  it("grad of grad where c is both broadcast (a * c) and used alone (… * c)", () => {
    const src = `def f(c, a) = sum(softmax(a * c, 0) * [1, 2, 3]) + logsumexp(a @ [[1, 2], [0, 1], [2, 1]]) * c;
def g(c, a) = sum(grad(f, 1)(c, a) * [0.3, -1, 2]);`;
    checkArrayGrad(src, [0.8, arr([3], [0.5, -0.3, 1.2])], { name: "g", noJvp: true });
  });
});

describe("second order through the sensitivity primitives", () => {
  // Found in review: each of these was wrong, silently, before its rule learned that a
  // sensitivity may carry broadcast axes.
  it("indexing: index_add picks its element of d only once d is summed to the array's shape", () => {
    const src = `def h(x) { let s = [x, 2 * x]; let t = tanh(s * x + s[1]); sum(tanh(t * x + t[1])) }
def g(x) = grad(h)(x);`;
    checkArrayGrad(src, [0.4], { name: "g" });
    checkArrayGrad("def f(x) = sum(grad(|y| y[0] * y[1])(x) * ones((2, 3)));", [rnd([3], 120)]);
  });

  it("stack: the sensitivity of unstack is stacked back", () => {
    expect(run("def f(y) = sum(stack((y, y)) * y[0]);\nprint(grad(|x| sum(grad(f)(x)))([1, 2]));")).toBe("[6, 2]\n");
  });

  it("add_sens: the sensitivity of a sum of differently shaped sensitivities is spread back out", () => {
    const src = `def f(y) = sum(reshape(y, (3, 1)) * y);
def h(v) = sum(grad(f)(v) * [[1, 2, 3], [4, 5, 6]]);`;
    checkArrayGrad(src, [rnd([3], 121)], { name: "h" });
    const [opt, plain] = [true, false].map((optimize) => compile(`${src}\ndef g(v) = grad(h)(v);`, { optimize }).fn("g")([0.3, 0.7, 1.2]) as Tensor);
    expect(Array.from(opt!.data)).toEqual(Array.from(plain!.data));
  });
});

describe("the checkers themselves", () => {
  it("flatten and rebuild are inverse, over records, tuples and arrays", () => {
    // The FD loop perturbs flatten's numbers and calls f on rebuild's value: they must agree on order.
    const v: Val = { a: [1, arr([2, 2], [2, 3, 4, 5])], b: 6 };
    expect(flatten(v)).toEqual([1, 2, 3, 4, 5, 6]);
    const w = rebuild(v, [6, 5, 4, 3, 2, 1]) as { a: [number, Tensor]; b: number };
    expect([w.a[0], w.a[1].shape, Array.from(w.a[1].data), w.b]).toEqual([6, [2, 2], [5, 4, 3, 2], 1]);
  });

  it("would catch a wrong derivative", () => {
    // grad of a·stop_gradient(a) is a, while finite differences see the derivative of a², 2a.
    expect(() => checkArrayGrad("def f(a) = sum(a * stop_gradient(a));", [rnd([3], 2)])).toThrow(/finite differences/);
  });
});
