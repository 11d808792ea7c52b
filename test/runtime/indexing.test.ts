import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { index, indexScatter, sliceRange, type Index } from "../../src/runtime/tensor/indexing.js";
import { shapeOf } from "../../src/runtime/tensor/shape.js";
import { SliceValue } from "../../src/runtime/values.js";
import { arr, inner, nested, seq } from "./helpers.js";

const s = (lo: number | null, hi: number | null): SliceValue => new SliceValue(lo, hi);
const m = arr([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);

describe("index", () => {
  it("reads rows and elements", () => {
    expect(nested(index(m, [1]))).toEqual([4, 5, 6]);
    expect(index(m, [1, 2])).toBe(6);
    expect(index(arr([10, 20]), [1])).toBe(20);
  });

  it("counts negative indices from the end", () => {
    expect(nested(index(m, [-1]))).toEqual([7, 8, 9]);
    expect(index(m, [-3, -1])).toBe(3);
  });

  it("slices with missing and negative bounds", () => {
    expect(nested(index(m, [s(1, null)]))).toEqual([[4, 5, 6], [7, 8, 9]]);
    expect(nested(index(m, [s(null, -1)]))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(nested(index(m, [s(null, null), 0]))).toEqual([1, 4, 7]);
    expect(nested(index(m, [s(0, 2), s(1, 3)]))).toEqual([[2, 3], [5, 6]]);
    expect(nested(index(m, [-1, s(-2, null)]))).toEqual([8, 9]);
  });

  it("clamps slice bounds like Python", () => {
    expect(nested(index(arr([1, 2, 3]), [s(-10, 10)]))).toEqual([1, 2, 3]);
    expect(shapeOf(index(arr([1, 2, 3]), [s(2, 1)]))).toEqual([0]);
    expect(shapeOf(index(m, [s(5, null)]))).toEqual([0, 3]);
    expect(sliceRange(s(-2, null), 5)).toEqual([3, 5]);
  });

  it("reports out-of-range indices with the axis size", () => {
    expect(() => index(m, [3])).toThrow("index 3 is out of range for axis 0 of size 3");
    expect(() => index(m, [0, -4])).toThrow("index -4 is out of range for axis 1 of size 3");
  });

  it("reports other misuse", () => {
    expect(() => index(m, [0, 0, 0])).toThrow("too many indices: 3 for an array of shape (3, 3)");
    expect(() => index(m, [0.5])).toThrow("index must be a whole number, got 0.5");
    expect(() => index(m, [s(0.5, null)])).toThrow("slice bounds must be whole numbers, got 0.5");
    expect(() => index(4, [0])).toThrow("cannot index a Num");
  });
});

describe("indexScatter", () => {
  it("adds the gradient into the indexed block of zeros", () => {
    expect(nested(indexScatter([2, 3], [1], arr([1, 2, 3])))).toEqual([[0, 0, 0], [1, 2, 3]]);
    expect(nested(indexScatter([2, 3], [0, -1], 5))).toEqual([[0, 0, 5], [0, 0, 0]]);
    expect(nested(indexScatter([2, 3], [s(null, null), s(1, null)], arr([[1, 2], [3, 4]])))).toEqual([[0, 1, 2], [0, 3, 4]]);
  });

  it("refuses a gradient of the wrong shape", () => {
    expect(() => indexScatter([2, 3], [1], arr([1, 2]))).toThrow("a gradient of shape (2,) does not fit the indexed block of shape (3,)");
  });

  it("is the transpose of indexing: <index(x), g> = <x, scatter(g)>", () => {
    const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
    const pick = fc.tuple(fc.nat(2), fc.integer({ min: -5, max: 5 }), fc.option(fc.integer({ min: -5, max: 5 })), fc.option(fc.integer({ min: -5, max: 5 })));
    fc.assert(
      fc.property(shape, fc.array(pick, { maxLength: 3 }), fc.nat(100), (dims, picks, seed) => {
        const indices: Index[] = picks.slice(0, dims.length).map(([kind, i, lo, hi], axis) => {
          if (kind > 0) return new SliceValue(lo, hi);
          const size = dims[axis]!;
          return ((i % size) + size) % size - (i < 0 ? size : 0);
        });
        const x = seq(dims, seed + 1);
        const picked = index(x, indices);
        const g = seq([...shapeOf(picked)], seed + 2);
        const gOrNum = shapeOf(picked).length === 0 ? g.data[0]! : g;
        expect(inner(x, indexScatter(dims, indices, gOrNum))).toBeCloseTo(inner(picked, gOrNum), 9);
      }),
      { numRuns: 300 },
    );
  });
});
