import { describe, expect, it } from "vitest";
import { PrimError } from "../../src/runtime/host.js";
import { formatShape, normalizeAxis, shapeArg, sizeOf, strideOffsets, stridesOf } from "../../src/runtime/tensor/shape.js";
import { UNIT } from "../../src/runtime/values.js";

describe("shape helpers", () => {
  it("formats shapes as Python tuples", () => {
    expect(formatShape([])).toBe("()");
    expect(formatShape([4])).toBe("(4,)");
    expect(formatShape([2, 3])).toBe("(2, 3)");
  });

  it("computes sizes and row-major strides", () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
  });

  it("reads a shape argument from a Num or a tuple of Nums", () => {
    expect(shapeArg("zeros", 3)).toEqual([3]);
    expect(shapeArg("zeros", [2, 3])).toEqual([2, 3]);
    expect(shapeArg("zeros", [])).toEqual([]);
    expect(shapeArg("zeros", UNIT)).toEqual([]);
    expect(() => shapeArg("zeros", "3")).toThrow("zeros: a shape is a Num or a tuple of Nums, got String");
    expect(() => shapeArg("zeros", [2, UNIT])).toThrow("got a Unit inside a Tuple");
    expect(() => shapeArg("ones", [2, -1])).toThrow("ones: a dimension must be a whole number ≥ 0, got -1");
    expect(() => shapeArg("ones", 1.5)).toThrow(PrimError);
  });

  it("normalizes axes, counting negative ones from the end", () => {
    expect(normalizeAxis(0, 3)).toBe(0);
    expect(normalizeAxis(-1, 3)).toBe(2);
    expect(normalizeAxis(-3, 3)).toBe(0);
    expect(() => normalizeAxis(3, 3)).toThrow("axis 3 is out of range for an array of rank 3");
    expect(() => normalizeAxis(-4, 3)).toThrow("axis -4 is out of range for an array of rank 3");
    expect(() => normalizeAxis(0, 0)).toThrow("axis 0 is out of range for a Num");
    expect(() => normalizeAxis(0.5, 2)).toThrow("axis must be a whole number, got 0.5");
  });

  it("walks a shape with arbitrary strides", () => {
    expect([...strideOffsets([2, 3], [3, 1])]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...strideOffsets([3, 2], [1, 3])]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...strideOffsets([2, 2], [0, 1], 5)]).toEqual([5, 6, 5, 6]);
    expect([...strideOffsets([], [], 7)]).toEqual([7]);
    expect([...strideOffsets([2, 0], [1, 1])]).toEqual([]);
  });
});
