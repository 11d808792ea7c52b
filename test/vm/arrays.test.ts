// Arrays end to end in the forward language (SPEC §3–§5): Myx programs using every array builtin
// and operator, run through lowering, the optimizer and the VM, with and without the optimizer.
import { describe, expect, it } from "vitest";
import { compile, Tensor, tuple } from "../../src/index.js";
import { formatValue } from "../../src/runtime/format-value.js";
import { rand, randn } from "../../src/runtime/tensor/random.js";
import { myxError } from "../helpers/errors.js";

/** What a program prints; the optimizer must not change it (SPEC §6 `--no-opt`). */
function run(source: string): string {
  const optimized = compile(source, { filename: "t.myx" }).run();
  expect(compile(source, { filename: "t.myx", optimize: false }).run()).toBe(optimized);
  return optimized;
}

/** The printed value of one expression. */
const show = (expr: string): string => run(`print(${expr});`).trimEnd();

const errorOf = (source: string): string => myxError(source).diagnostics[0]!.message;

describe("elementwise math on arrays", () => {
  const unary: Record<string, (x: number) => number> = {
    sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
    tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh, exp: Math.exp, log: Math.log, log1p: Math.log1p,
    expm1: Math.expm1, sqrt: Math.sqrt, abs: Math.abs, sign: Math.sign, floor: Math.floor, ceil: Math.ceil,
  };

  it.each(Object.entries(unary))("applies %s to each element and keeps the shape", (name, f) => {
    const xs = [[0.25, -0.5], [0.75, 0]];
    expect(show(`${name}([[0.25, -0.5], [0.75, 0]])`)).toBe(formatValue(new Tensor([2, 2], Float64Array.from(xs.flat(), f))));
  });

  it("applies round, sigmoid, relu and softplus elementwise as on Nums", () => {
    expect(show("round([0.5, 1.5, 2.5, -0.5])")).toBe("[0, 2, 2, 0]");
    expect(show("relu([-1, 0, 2])")).toBe("[0, 0, 2]");
    expect(show("sigmoid([0, 1000, -1000])")).toBe("[0.5, 1, 0]");
    expect(show("softplus([0, 1000])")).toBe(`[${Math.log(2)}, 1000]`);
    expect(show("(sigmoid(1), relu(-2))")).toBe(`(${1 / (1 + Math.exp(-1))}, 0)`);
  });

  it("negates arrays", () => {
    expect(show("-[[1, -2], [3, 0.5]]")).toBe("[[-1, 2], [-3, -0.5]]");
  });

  it("does arithmetic with NumPy broadcasting", () => {
    expect(show("[1, 2, 3] + 1")).toBe("[2, 3, 4]");
    expect(show("10 - [1, 2, 3]")).toBe("[9, 8, 7]");
    expect(show("[[1, 2, 3], [4, 5, 6]] * [10, 20, 30]")).toBe("[[10, 40, 90], [40, 100, 180]]");
    expect(show("[[1], [2]] + [10, 20, 30]")).toBe("[[11, 21, 31], [12, 22, 32]]");
    expect(show("[1, 2] / [4, 0]")).toBe("[0.25, inf]");
    expect(show("[-7, 7] % 3")).toBe("[2, 1]");
    expect(show("[1, 2, 3] ** 2")).toBe("[1, 4, 9]");
    expect(show("pow(2, [1, 2, 3])")).toBe("[2, 4, 8]");
  });

  it("broadcasts maximum, minimum and atan2", () => {
    expect(show("maximum([1, 5, 3], 2)")).toBe("[2, 5, 3]");
    expect(show("minimum([[1, 5], [3, 0]], [2, 2])")).toBe("[[1, 2], [2, 0]]");
    expect(show("maximum([1, 0 / 0], 0)")).toBe("[1, nan]");
    expect(show("atan2([1, -1], 1)")).toBe(`[${Math.atan2(1, 1)}, ${Math.atan2(-1, 1)}]`);
  });

  it("compares arrays into 0/1 arrays, and Nums into Bools", () => {
    expect(show("[1, 2, 3] < 2")).toBe("[1, 0, 0]");
    expect(show("[1, 2, 3] <= 2")).toBe("[1, 1, 0]");
    expect(show("2 > [1, 2, 3]")).toBe("[1, 0, 0]");
    expect(show("[[1, 2], [3, 4]] >= [3, 2]")).toBe("[[0, 1], [1, 1]]");
    expect(show("(1 < 2, 2 >= 3)")).toBe("(true, false)");
  });

  it("keeps == and != to Nums, Bools and Strings", () => {
    expect(errorOf("print([1] == [1]);")).toBe("== compares Num, Bool or String values of one type, got Array and Array");
    expect(errorOf("print([1] != 1);")).toBe("!= compares Num, Bool or String values of one type, got Array and Num");
  });

  it("selects elementwise with an array condition, and whole values with a scalar one", () => {
    expect(show("where([1, 2, 3] > 1, [10, 20, 30], 0)")).toBe("[0, 20, 30]");
    expect(show("where([[1], [0]], [1, 2], [3, 4])")).toBe("[[1, 2], [3, 4]]");
    expect(show("where(true, [1, 2], 0)")).toBe("[1, 2]");
    expect(show("where(true, 5, [7, 8])")).toBe("5");
    expect(show("where(0, 5, [7, 8])")).toBe("[7, 8]");
    expect(show("where([0 / 0], 1, 2)")).toBe("[1]");
    expect(show("(where(true, (1, 2), 3), where(0, 1, 2))")).toBe("((1, 2), 2)");
  });

  it("multiplies matrices with @ and matmul in SPEC §3's four cases", () => {
    const m = "[[1, 2], [3, 4]]";
    expect(show(`[1, 2] @ [3, 4]`)).toBe("11");
    expect(show(`${m} @ [1, 1]`)).toBe("[3, 7]");
    expect(show(`[1, 1] @ ${m}`)).toBe("[4, 6]");
    expect(show(`${m} @ ${m}`)).toBe("[[7, 10], [15, 22]]");
    expect(show(`matmul([[1, 2, 3]], [[1], [1], [1]])`)).toBe("[[6]]");
  });
});

describe("indexing arrays", () => {
  const a = "let a = [[1, 2, 3], [4, 5, 6]];\n";

  it("reads rows and elements, negative indices counting from the end", () => {
    expect(run(`${a}print(a[1], a[0, 2], a[-2], a[-1, -3], a[1][2]);`)).toBe("[4, 5, 6] 3 [1, 2, 3] 4 6\n");
    expect(run(`let v = arange(5);\nprint(v[0], v[-1], v[4]);`)).toBe("0 4 4\n");
  });

  it("slices along one axis or several, clamping bounds as Python does", () => {
    expect(run(`${a}print(a[:, 1], a[0:1], a[:, 1:], a[1, :2], a[:, -2:], a[0:1, 0:1]);`)).toBe("[2, 5] [[1, 2, 3]] [[2, 3], [5, 6]] [4, 5] [[2, 3], [5, 6]] [[1]]\n");
    expect(run(`let v = [1, 2, 3, 4];\nprint(v[1:3], v[:-1], v[2:], v[-10:10], v[3:1]);`)).toBe("[2, 3] [1, 2, 3] [3, 4] [1, 2, 3, 4] []\n");
  });

  it("reports indices out of range, too many indices and non-numeric indices", () => {
    expect(errorOf(`${a}print(a[2]);`)).toBe("index 2 is out of range for axis 0 of size 2");
    expect(errorOf(`${a}print(a[0, -4]);`)).toBe("index -4 is out of range for axis 1 of size 3");
    expect(errorOf(`${a}print(a[0, 0, 0]);`)).toBe("too many indices: 3 for an array of shape (2, 3)");
    expect(errorOf(`${a}print(a[0.5]);`)).toBe("index must be a whole number, got 0.5");
    expect(errorOf(`${a}print(a[(0, 1)]);`)).toBe("an array index is a Num or a slice, got Tuple");
  });

  it("leaves tuple indexing as it was", () => {
    expect(show("((1, 2, 3)[-1], (1, 2, 3)[0:2])")).toBe("(3, (1, 2))");
  });
});

describe("array builtins", () => {
  it("builds arrays from shapes", () => {
    expect(show("(zeros(3), ones((2, 2)), full((1, 3), 7), zeros(()))")).toBe("([0, 0, 0], [[1, 1], [1, 1]], [[7, 7, 7]], 0)");
    expect(show("(zeros((2, 0)), ones(0))")).toBe("([[], []], [])");
    expect(show("(arange(4), arange(2.5), arange(0))")).toBe("([0, 1, 2, 3], [0, 1, 2], [])");
    expect(show("linspace(0, 1, 5)")).toBe("[0, 0.25, 0.5, 0.75, 1]");
  });

  it("reports shapes, reshapes and transposes", () => {
    expect(show("(shape([[1, 2, 3], [4, 5, 6]]), shape([1]), shape(5), len([[1, 2, 3], [4, 5, 6]]))")).toBe("((2, 3), (1,), (), 2)");
    expect(show("reshape(arange(6), (3, 2))")).toBe("[[0, 1], [2, 3], [4, 5]]");
    expect(show("reshape([[1, 2], [3, 4]], 4)")).toBe("[1, 2, 3, 4]");
    expect(show("transpose([[1, 2, 3], [4, 5, 6]])")).toBe("[[1, 4], [2, 5], [3, 6]]");
    expect(show("(transpose([1, 2]), transpose(3))")).toBe("([1, 2], 3)");
  });

  it("takes dot and outer products", () => {
    expect(show("(dot([1, 2], [3, 4]), dot(2, [1, 2]), dot([[1, 0], [0, 1]], [5, 6]))")).toBe("(11, [2, 4], [5, 6])");
    expect(show("outer([1, 2], [3, 4, 5])")).toBe("[[3, 4, 5], [6, 8, 10]]");
  });

  it("reduces over everything or one axis, negative axes counting from the end", () => {
    const a = "[[1, 2, 3], [4, 5, 6]]";
    expect(show(`(sum(${a}), sum(${a}, 0), sum(${a}, -1), sum(7))`)).toBe("(21, [5, 7, 9], [6, 15], 7)");
    expect(show(`(mean(${a}), mean(${a}, 0), mean(${a}, 1))`)).toBe("(3.5, [2.5, 3.5, 4.5], [2, 5])");
    expect(show(`(max(${a}), max(${a}, 0), min(${a}), min(${a}, 1))`)).toBe("(6, [4, 5, 6], 1, [1, 4])");
    expect(show("(logsumexp([0, 0]), logsumexp([[0, 0], [1000, 1000]], 1))")).toBe(`(${Math.LN2}, [${Math.LN2}, ${1000 + Math.LN2}])`);
    expect(show("(softmax([1, 1]), softmax([[0, 0], [0, 0]], 0), softmax([[1000, 1000]]))")).toBe("([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]], [[0.5, 0.5]])");
  });

  it("joins arrays with concat and stack", () => {
    expect(show("concat(([1], [2, 3]))")).toBe("[1, 2, 3]");
    expect(show("concat(([[1], [2]], [[3], [4]]), 1)")).toBe("[[1, 3], [2, 4]]");
    expect(show("concat(([[1, 2]], [[3, 4]]), 0)")).toBe("[[1, 2], [3, 4]]");
    expect(show("stack(([1, 2], [3, 4]))")).toBe("[[1, 2], [3, 4]]");
    expect(show("stack((1, 2, 3))")).toBe("[1, 2, 3]");
  });

  it("draws the same random numbers for the same seed, as random.ts specifies", () => {
    expect(show("rand((2, 3), 42)")).toBe(formatValue(rand([2, 3], 42)));
    expect(show("randn(5, 7)")).toBe(formatValue(randn([5], 7)));
    expect(show("rand(3, 1) - rand(3, 1)")).toBe("[0, 0, 0]");
    expect(show("max(abs(rand(3, 1) - rand(3, 2))) > 0")).toBe("true");
    expect(run("print(min(rand(1000, 3)) >= 0, max(rand(1000, 3)) < 1);")).toBe("true true\n");
  });

  it("maps a closure over every element, keeping the shape", () => {
    expect(run("let k = 10;\nprint(map(|x| x * k + 1, [[1, 2], [3, 4]]));")).toBe("[[11, 21], [31, 41]]\n");
    expect(run("var k = 2;\nlet f = |x| x ** k;\nk = 3;\nprint(map(f, [1, 2, 3]), map(sin, [0]));")).toBe("[1, 4, 9] [0]\n");
    expect(run("def count(n) { var c = 0; for i in 0..n { c = c + 1; } c }\nprint(map(count, [3, 0, 2]));")).toBe("[3, 0, 2]\n");
  });

  it("folds over the first axis of an array, or over a tuple", () => {
    expect(show("fold(|acc, x| acc * 10 + x, 0, [1, 2, 3])")).toBe("123");
    expect(show("fold(|acc, row| acc + row, zeros(2), [[1, 2], [3, 4], [5, 6]])")).toBe("[9, 12]");
    expect(show(`fold(|acc, x| (x, acc), (), (1, "a", [2]))`)).toBe(`([2], ("a", (1, ())))`);
    expect(show("fold(|acc, x| acc + 1, 0, zeros(0))")).toBe("0");
  });

  it("checks the arguments of map and fold", () => {
    expect(errorOf("print(map(|x| (x, x), [1]));")).toBe("map: the function must return a Num, got Tuple");
    expect(errorOf("print(map(1, [1]));")).toBe("map expects a function first, got Num");
    expect(errorOf("print(map(sin, (1, 2)));")).toBe("map expects an Array second, got Tuple");
    expect(errorOf("print(fold(|a, x| a, 0, 3));")).toBe("fold expects an Array or a Tuple third, got Num");
  });

  it("locates a failure inside the mapped function in its body, under the map", () => {
    const d = myxError(`def f(x) = x + (1,);\ndef g(a) = map(|x| f(x) * 2, a);\nprint(g([1]));`).diagnostics[0]!;
    expect(d).toMatchObject({ line: 1, col: 14, message: "+ expects Num or Array operands, got Num and Tuple" });
    expect(d.trace!.map((f) => f.fn)).toEqual(["f", "lambda", "g", "main"]);
  });
});

describe("array errors", () => {
  it("name the operation and print both shapes when shapes do not fit", () => {
    expect(errorOf("print([1, 2] + [1, 2, 3]);")).toBe("+: shapes (2,) and (3,) cannot broadcast");
    expect(errorOf("print(maximum([[1, 2]], [1, 2, 3]));")).toBe("maximum: shapes (1, 2) and (3,) cannot broadcast");
    expect(errorOf("print([1, 2] < [1, 2, 3]);")).toBe("<: shapes (2,) and (3,) cannot broadcast");
    expect(errorOf("print(where([1, 0], [1, 2, 3], 0));")).toBe("where: shapes (2,) and (3,) cannot broadcast");
    expect(errorOf("print([[1, 2, 3]] @ [1, 2]);")).toBe("matmul: shapes (1, 3) and (2,) do not align (3 ≠ 2)");
    expect(errorOf("print(reshape(arange(3), (2, 2)));")).toBe("reshape: cannot reshape an array of shape (3,) (3 elements) to (2, 2) (4 elements)");
    expect(errorOf("print(stack(([1], [1, 2])));")).toBe("stack: item 1 has shape (2,), item 0 has shape (1,)");
  });

  it("name the operation for bad axes, shapes and types", () => {
    expect(errorOf("print(sum([1, 2], 1));")).toBe("sum: axis 1 is out of range for an array of rank 1");
    expect(errorOf("print(max(zeros(0)));")).toBe("max of an empty slice: the array has shape (0,)");
    expect(errorOf("print(zeros((2, -1)));")).toBe("zeros: a dimension must be a whole number ≥ 0, got -1");
    expect(errorOf(`print(ones("3"));`)).toBe("ones: a shape is a Num or a tuple of Nums, got String");
    expect(errorOf("print(sum((1, 2)));")).toBe("sum expects a Num or Array, got Tuple");
    expect(errorOf("print(sum([1], (0,)));")).toBe("sum: an axis is a Num, got Tuple");
    expect(errorOf("print(concat([1, 2]));")).toBe("concat expects a Tuple of arrays, got Array");
    expect(errorOf(`print([1] + "a");`)).toBe("+ expects Num or Array operands, got Array and String");
    expect(errorOf("print(sqrt((1,)));")).toBe("sqrt expects a Num or Array, got Tuple");
    expect(errorOf("print((1,) @ [1]);")).toBe("matmul (@) expects Arrays, got Tuple and Array");
    expect(errorOf("if [1] < [2] { print(1); }")).toBe("a condition must be a Bool, got Array");
    expect(errorOf(`print(where("c", 1, 2));`)).toBe("where expects a Bool, Num or Array condition, got String");
    expect(errorOf(`print(where("c", [1], 2));`)).toBe("where expects a Bool, Num or Array condition, got String");
    expect(errorOf(`def f(c) = where(c, [1], (2,));\nprint(f([1]));`)).toBe("where with an Array argument expects Num or Array values, got Array and Tuple");
  });

  it("locate a ragged array literal", () => {
    const e = myxError("let ok = [1, 2];\nlet a = [[1, 2], [3]];");
    expect(e.diagnostics[0]).toMatchObject({ line: 2, col: 9, message: "ragged array literal: item 1 has shape (1,), item 0 has shape (2,)" });
    expect(e.message.split("\n")[0]).toBe("t.myx:2:9: error: ragged array literal: item 1 has shape (1,), item 0 has shape (2,)");
    expect(errorOf("print([1, [2]]);")).toBe("ragged array literal: item 1 is of type Array, item 0 is a Num");
  });
});

describe("printing arrays", () => {
  it("prints nested brackets, inside structures too", () => {
    expect(show("([1, 2], {a: [[1.5, -2], [0 / 0, 0]]})")).toBe("([1, 2], {a: [[1.5, -2], [nan, 0]]})");
  });

  it("summarizes an array of more than 1000 elements with its corners, ... and its shape", () => {
    expect(show("arange(1000)").split(", ")).toHaveLength(1000);
    expect(show("arange(1001)")).toBe("[0, 1, 2, ..., 998, 999, 1000] (shape (1001,))");
    const big = show("reshape(arange(2000), (40, 50))");
    expect(big.startsWith("[[0, 1, 2, ..., 47, 48, 49], [50, 51, 52, ..., 97, 98, 99], ")).toBe(true);
    expect(big.endsWith(", [1950, 1951, 1952, ..., 1997, 1998, 1999]] (shape (40, 50))")).toBe(true);
    expect(big.match(/\.\.\./g)).toHaveLength(7);
  });

  it("summarizes an empty array with many empty rows too: printing it in full would write each", () => {
    expect(show("zeros((2, 0))")).toBe("[[], []]");
    expect(show("zeros((5000, 0))")).toBe("[[], [], [], ..., [], [], []] (shape (5000, 0))");
  });
});

describe("arrays at the library boundary", () => {
  const m = compile("def f(a) = a * 2;\ndef first(a) = a[0];\ndef s(a) = shape(a);\ndef t(x) = x;");

  it("takes nested number[] and Float64Array, and gives Tensors back", () => {
    const out = m.fn("f")([[1, 2], [3, 4]]) as Tensor;
    expect(out).toBeInstanceOf(Tensor);
    expect(out.shape).toEqual([2, 2]);
    expect(Array.from(out.data)).toEqual([2, 4, 6, 8]);
    const v = m.fn("f")(Float64Array.of(1, 2, 3)) as Tensor;
    expect([v.shape, Array.from(v.data)]).toEqual([[3], [2, 4, 6]]);
    expect(m.fn("first")([[1, 2], [3, 4]])).toBeInstanceOf(Tensor);
    expect(m.fn("first")([5, 6])).toBe(5);
  });

  it("takes a Tensor, and a nest of Float64Array rows as one 2-d array", () => {
    expect(m.fn("s")(new Tensor([2, 3], new Float64Array(6)))).toEqual([2, 3]);
    expect(m.fn("s")([Float64Array.of(1, 2), Float64Array.of(3, 4)])).toEqual([2, 2]);
    expect(m.fn("s")([[], []])).toEqual([2, 0]);
    expect(m.fn("t")(tuple(1, 2))).toEqual([1, 2]);
    expect(m.fn("t")([1, "a"])).toEqual([1, "a"]);
  });

  it("refuses a Tensor whose data does not fit its shape", () => {
    expect(() => m.fn("f")(new Tensor([2, 2], new Float64Array(3)))).toThrow("a Tensor of shape (2, 2) needs 4 elements of data, it has 3 elements");
  });
});
