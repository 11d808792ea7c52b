import { describe, expect, it } from "vitest";
import { argExtremeMask, expandReduced, logsumexp, max, mean, min, softmax, sum } from "../../src/runtime/tensor/reduce.js";
import { Tensor } from "../../src/runtime/values.js";
import { arr, nested, seq } from "./helpers.js";

const m = arr([[1, 5, 3], [4, 2, 6]]);

describe("sum, mean, max, min", () => {
  it("reduce everything to a Num without an axis", () => {
    expect(sum(m)).toBe(21);
    expect(mean(m)).toBe(3.5);
    expect(max(m)).toBe(6);
    expect(min(m)).toBe(1);
    expect(sum(4)).toBe(4);
  });

  it("reduce along every axis, counting negative axes from the end", () => {
    for (const [axis, other] of [[0, -2], [1, -1]] as const) {
      const [s, mu, hi, lo] = axis === 0 ? [[5, 7, 9], [2.5, 3.5, 4.5], [4, 5, 6], [1, 2, 3]] : [[9, 12], [3, 4], [5, 6], [1, 2]];
      for (const ax of [axis, other]) {
        expect(nested(sum(m, ax))).toEqual(s);
        expect(nested(mean(m, ax))).toEqual(mu);
        expect(nested(max(m, ax))).toEqual(hi);
        expect(nested(min(m, ax))).toEqual(lo);
      }
    }
  });

  it("reduce the middle axis of a 3-d array", () => {
    const a = seq([2, 3, 4]);
    const r = sum(a, 1) as Tensor;
    expect(r.shape).toEqual([2, 4]);
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += a.data[i * 12 + j * 4 + k]!;
      expect(r.data[i * 4 + k]).toBeCloseTo(s, 12);
    }
  });

  it("give a Num when reducing a 1-d array along its axis", () => {
    expect(sum(arr([1, 2, 3]), 0)).toBe(6);
    expect(max(arr([1, 7, 3]), -1)).toBe(7);
  });

  it("propagate NaN through max and min", () => {
    expect(max(arr([1, NaN, 3]))).toBeNaN();
    expect(min(arr([NaN, 1]))).toBeNaN();
  });

  it("follow NumPy on empty arrays", () => {
    const empty = new Tensor([0], new Float64Array(0));
    expect(sum(empty)).toBe(0);
    expect(mean(empty)).toBeNaN();
    expect(() => max(empty)).toThrow("max of an empty slice: the array has shape (0,)");
  });

  it("reject out-of-range axes", () => {
    expect(() => sum(m, 2)).toThrow("axis 2 is out of range for an array of rank 2");
    expect(() => mean(m, -3)).toThrow("axis -3 is out of range for an array of rank 2");
  });
});

describe("logsumexp", () => {
  it("matches the definition on small values", () => {
    expect(logsumexp(arr([1, 2, 3]))).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
    const r = logsumexp(arr([[0, 0], [1, 1]]), 1);
    expect(nested(r)).toEqual([Math.log(2), 1 + Math.log(2)]);
  });

  it("stays finite on large values", () => {
    expect(logsumexp(arr([1000, 1001]))).toBeCloseTo(1001 + Math.log(1 + Math.exp(-1)), 10);
    expect(logsumexp(arr([-1000, -1001]))).toBeCloseTo(-1000 + Math.log(1 + Math.exp(-1)), 10);
    const rows = logsumexp(arr([[1000, 1001], [0, 0]]), -1) as Tensor;
    expect(rows.data[0]).toBeCloseTo(1001 + Math.log1p(Math.exp(-1)), 10);
    expect(rows.data[1]).toBeCloseTo(Math.log(2), 14);
  });

  it("handles infinities the way the limit does", () => {
    expect(logsumexp(arr([-Infinity, -Infinity]))).toBe(-Infinity);
    expect(logsumexp(arr([Infinity, 0]))).toBe(Infinity);
    expect(logsumexp(arr([-Infinity, 0]))).toBe(0);
  });
});

describe("softmax", () => {
  it("gives rows that sum to 1, even with large values", () => {
    const s = softmax(arr([[1, 2, 3], [1000, 1001, 1002], [-5, -5, -5]]), 1);
    for (let r = 0; r < 3; r++) {
      const row = s.data.subarray(r * 3, r * 3 + 3);
      expect(row.every(Number.isFinite)).toBe(true);
      expect(row[0]! + row[1]! + row[2]!).toBeCloseTo(1, 14);
    }
    expect(s.data[0]).toBeCloseTo(s.data[3]!, 14);
    expect(s.data[6]).toBeCloseTo(1 / 3, 14);
  });

  it("normalizes along the axis it is given", () => {
    const s = softmax(seq([3, 4]), 0);
    for (let c = 0; c < 4; c++) expect(s.data[c]! + s.data[4 + c]! + s.data[8 + c]!).toBeCloseTo(1, 14);
    expect(nested(softmax(seq([3, 4]), -1))).toEqual(nested(softmax(seq([3, 4]), 1)));
  });
});

describe("gradient helpers", () => {
  it("argExtremeMask marks the arg-max of each slice, ties sharing it evenly", () => {
    const a = arr([[3, 1, 3], [2, 5, 5]]);
    expect(nested(argExtremeMask(a, max(a, 1), 1))).toEqual([[0.5, 0, 0.5], [0, 0.5, 0.5]]);
    expect(nested(argExtremeMask(a, max(a, 0), 0))).toEqual([[1, 0, 0], [0, 1, 1]]);
    expect(nested(argExtremeMask(a, max(a)))).toEqual([[0, 0, 0], [0, 0.5, 0.5]]);
    expect(nested(argExtremeMask(a, min(a, -1), -1))).toEqual([[0, 1, 0], [1, 0, 0]]);
  });

  it("argExtremeMask sums to 1 per slice, NaN included", () => {
    const a = arr([[1, NaN, NaN], [4, 4, 4]]);
    const mask = argExtremeMask(a, max(a, 1), 1);
    expect(nested(sum(mask, 1))).toEqual([1, 1]);
    expect(nested(mask)).toEqual([[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]]);
  });

  it("expandReduced broadcasts a reduced gradient back over the reduced axis", () => {
    expect(nested(expandReduced(arr([1, 2]), [2, 3], 1))).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(nested(expandReduced(arr([1, 2, 3]), [2, 3], -2))).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(nested(expandReduced(5, [2, 2]))).toEqual([[5, 5], [5, 5]]);
    expect(nested(expandReduced(5, [3], 0))).toEqual([5, 5, 5]);
    expect(() => expandReduced(arr([1, 2, 3]), [2, 3], 1)).toThrow("cannot broadcast");
  });
});
