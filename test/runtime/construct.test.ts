import { describe, expect, it } from "vitest";
import { arange, concat, full, linspace, ones, stack, zeros } from "../../src/runtime/tensor/construct.js";
import { Tensor } from "../../src/runtime/values.js";
import { arr, nested, seq } from "./helpers.js";

describe("zeros, ones, full", () => {
  it("fill a shape, and give a Num for the empty shape", () => {
    expect(nested(zeros([2, 3]))).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(nested(ones([2]))).toEqual([1, 1]);
    expect(nested(full([2, 1], 7))).toEqual([[7], [7]]);
    expect(zeros([])).toBe(0);
    expect(full([], 3)).toBe(3);
    expect((zeros([0, 4]) as Tensor).shape).toEqual([0, 4]);
  });
});

describe("arange and linspace", () => {
  it("arange counts up from 0 like NumPy", () => {
    expect(nested(arange(4))).toEqual([0, 1, 2, 3]);
    expect(nested(arange(2.5))).toEqual([0, 1, 2]);
    expect(arange(0).shape).toEqual([0]);
    expect(arange(-3).shape).toEqual([0]);
    expect(() => arange(Infinity)).toThrow("arange needs a finite Num, got inf");
  });

  it("linspace includes both ends", () => {
    expect(nested(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(nested(linspace(2, -2, 3))).toEqual([2, 0, -2]);
    const t = linspace(0, 0.3, 7);
    expect(t.data[6]).toBe(0.3);
    expect(nested(linspace(3, 9, 1))).toEqual([3]);
    expect(linspace(3, 9, 0).shape).toEqual([0]);
    expect(() => linspace(0, 1, 2.5)).toThrow("linspace needs a whole number of points ≥ 0, got 2.5");
  });
});

describe("concat", () => {
  it("joins along axis 0 by default and along any axis", () => {
    expect(nested(concat([arr([1, 2]), arr([3])]))).toEqual([1, 2, 3]);
    const a = arr([[1, 2], [3, 4]]);
    const b = arr([[5], [6]]);
    expect(nested(concat([a, b], 1))).toEqual([[1, 2, 5], [3, 4, 6]]);
    expect(nested(concat([a, b], -1))).toEqual([[1, 2, 5], [3, 4, 6]]);
    expect(nested(concat([a, arr([[7, 8]])], 0))).toEqual([[1, 2], [3, 4], [7, 8]]);
  });

  it("joins the middle axis of 3-d arrays", () => {
    const x = seq([2, 1, 3], 1);
    const y = seq([2, 2, 3], 2);
    const r = concat([x, y], 1);
    expect(r.shape).toEqual([2, 3, 3]);
    expect(nested(r)).toEqual((nested(x) as number[][][]).map((plane, i) => [...plane, ...(nested(y) as number[][][])[i]!]));
  });

  it("names the shapes that do not fit", () => {
    expect(() => concat([arr([[1, 2]]), arr([[1, 2, 3]])], 0)).toThrow("concat along axis 0: shapes (1, 2) and (1, 3) differ on another axis");
    expect(() => concat([arr([[1, 2]]), arr([1, 2])], 0)).toThrow("shapes (1, 2) and (2,) differ on another axis");
    expect(() => concat([arr([1]), 2])).toThrow("concat needs arrays, item 1 is a Num");
    expect(() => concat([])).toThrow("concat needs at least one array");
    expect(() => concat([arr([1])], 1)).toThrow("axis 1 is out of range for an array of rank 1");
  });
});

describe("stack", () => {
  it("adds a new first axis", () => {
    expect(nested(stack([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(nested(stack([arr([1, 2]), arr([3, 4])]))).toEqual([[1, 2], [3, 4]]);
    expect(stack([arr([[1]])]).shape).toEqual([1, 1, 1]);
  });

  it("names the shape that differs", () => {
    expect(() => stack([arr([1, 2]), arr([1, 2, 3])])).toThrow("stack: item 1 has shape (3,), item 0 has shape (2,)");
    expect(() => stack([])).toThrow("stack needs at least one array");
  });
});
