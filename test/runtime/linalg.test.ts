import { describe, expect, it } from "vitest";
import { dot, matmul, outer, reshape, transpose } from "../../src/runtime/tensor/linalg.js";
import { Tensor } from "../../src/runtime/values.js";
import { arr, nested, seq, type Nested } from "./helpers.js";

/** The textbook triple loop over nested arrays, with 1-d operands promoted as NumPy does. */
function naiveMatmul(a: Nested[], b: Nested[]): Nested {
  const rows = (typeof a[0] === "number" ? [a] : a) as number[][];
  const cols = (typeof b[0] === "number" ? (b as number[]).map((x) => [x]) : b) as number[][];
  const out = rows.map((r) => cols[0]!.map((_, j) => r.reduce((s, x, p) => s + x * cols[p]![j]!, 0)));
  const squeezed = typeof b[0] === "number" ? out.map((r) => r[0]!) : out;
  return typeof a[0] === "number" ? (squeezed as Nested[])[0]! : squeezed;
}

function expectClose(actual: Nested, expected: Nested): void {
  if (typeof expected === "number") {
    expect(typeof actual).toBe("number");
    expect(actual as number).toBeCloseTo(expected, 10);
    return;
  }
  expect(Array.isArray(actual)).toBe(true);
  expect((actual as Nested[]).length).toBe(expected.length);
  expected.forEach((e, i) => expectClose((actual as Nested[])[i]!, e));
}

describe("matmul", () => {
  const A = nested(seq([3, 4], 1)) as Nested[];
  const B = nested(seq([4, 5], 2)) as Nested[];
  const u = nested(seq([4], 3)) as Nested[];
  const v = nested(seq([3], 4)) as Nested[];

  it("2-d · 2-d gives 2-d", () => {
    const r = matmul(arr(A), arr(B));
    expect((r as Tensor).shape).toEqual([3, 5]);
    expectClose(nested(r), naiveMatmul(A, B));
  });

  it("2-d · 1-d gives 1-d", () => {
    const r = matmul(arr(A), arr(u));
    expect((r as Tensor).shape).toEqual([3]);
    expectClose(nested(r), naiveMatmul(A, u));
  });

  it("1-d · 2-d gives 1-d", () => {
    const r = matmul(arr(v), arr(A));
    expect((r as Tensor).shape).toEqual([4]);
    expectClose(nested(r), naiveMatmul(v, A));
  });

  it("1-d · 1-d gives a Num", () => {
    const r = matmul(arr(u), arr(u));
    expect(typeof r).toBe("number");
    expectClose(r as number, naiveMatmul(u, u));
    expect(matmul(arr([1, 2, 3]), arr([4, 5, 6]))).toBe(32);
  });

  it("names both shapes when they do not align", () => {
    expect(() => matmul(arr(A), arr(v))).toThrow("matmul: shapes (3, 4) and (3,) do not align (4 ≠ 3)");
    expect(() => matmul(arr(A), arr(A))).toThrow("shapes (3, 4) and (3, 4) do not align");
  });

  it("refuses Nums and arrays of rank 3 or more", () => {
    expect(() => matmul(2, arr(u))).toThrow("matmul needs 1-d or 2-d arrays, got a Num");
    expect(() => matmul(seq([2, 2, 2]), arr(u))).toThrow("matmul needs 1-d or 2-d arrays, got shape (2, 2, 2)");
  });
});

describe("dot and outer", () => {
  it("dot is matmul on arrays and scaling with a Num", () => {
    expect(dot(arr([1, 2, 3]), arr([4, 5, 6]))).toBe(32);
    expect(nested(dot(arr([[1, 2], [3, 4]]), arr([1, 1])))).toEqual([3, 7]);
    expect(nested(dot(2, arr([1, 2])))).toEqual([2, 4]);
    expect(dot(2, 3)).toBe(6);
  });

  it("outer flattens its operands", () => {
    expect(nested(outer(arr([1, 2]), arr([3, 4, 5])))).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(outer(arr([[1, 2], [3, 4]]), 2).shape).toEqual([4, 1]);
  });
});

describe("transpose", () => {
  it("swaps the axes of a matrix", () => {
    expect(nested(transpose(arr([[1, 2, 3], [4, 5, 6]])))).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it("reverses all axes of a 3-d array", () => {
    const a = seq([2, 3, 4]);
    const t = transpose(a) as Tensor;
    expect(t.shape).toEqual([4, 3, 2]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(t.data[k * 6 + j * 2 + i]).toBe(a.data[i * 12 + j * 4 + k]);
    }
  });

  it("leaves Nums and 1-d arrays alone", () => {
    expect(transpose(3)).toBe(3);
    expect(nested(transpose(arr([1, 2])))).toEqual([1, 2]);
  });
});

describe("reshape", () => {
  it("keeps the elements in row-major order", () => {
    expect(nested(reshape(arr([1, 2, 3, 4, 5, 6]), [2, 3]))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(nested(reshape(arr([[1, 2], [3, 4]]), [4]))).toEqual([1, 2, 3, 4]);
    expect(reshape(arr([7]), [])).toBe(7);
    expect(nested(reshape(7, [1, 1]))).toEqual([[7]]);
  });

  it("refuses a different size", () => {
    expect(() => reshape(arr([1, 2, 3]), [2, 2])).toThrow("cannot reshape an array of shape (3,) (3 elements) to (2, 2) (4 elements)");
  });
});
