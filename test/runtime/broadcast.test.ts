import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PrimError } from "../../src/runtime/host.js";
import { broadcastShapes, broadcastTo, elementwise1, elementwise2, unbroadcast } from "../../src/runtime/tensor/broadcast.js";
import { shapeOf } from "../../src/runtime/tensor/shape.js";
import { Tensor } from "../../src/runtime/values.js";
import { arr, inner, nested, seq } from "./helpers.js";

const add = (x: number, y: number): number => x + y;
const sub = (x: number, y: number): number => x - y;

describe("broadcastShapes", () => {
  it("follows NumPy's rules", () => {
    expect(broadcastShapes([3, 1], [1, 4])).toEqual([3, 4]);
    expect(broadcastShapes([], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes([2, 3], [3])).toEqual([2, 3]);
    expect(broadcastShapes([5, 1, 3], [4, 1])).toEqual([5, 4, 3]);
    expect(broadcastShapes([0], [1])).toEqual([0]);
  });

  it("names both shapes when they cannot broadcast", () => {
    expect(() => broadcastShapes([2, 3], [4])).toThrow(new PrimError("shapes (2, 3) and (4,) cannot broadcast"));
    expect(() => broadcastShapes([2], [3])).toThrow("shapes (2,) and (3,) cannot broadcast");
  });
});

describe("elementwise", () => {
  it("keeps Nums as Nums", () => {
    expect(elementwise2(2, 3, add)).toBe(5);
    expect(elementwise1(4, Math.sqrt)).toBe(2);
  });

  it("maps over an array", () => {
    expect(nested(elementwise1(arr([[1, 4], [9, 16]]), Math.sqrt))).toEqual([[1, 2], [3, 4]]);
  });

  it("combines same shapes, and a Num with an array on either side", () => {
    expect(nested(elementwise2(arr([1, 2]), arr([10, 20]), add))).toEqual([11, 22]);
    expect(nested(elementwise2(10, arr([1, 2]), sub))).toEqual([9, 8]);
    expect(nested(elementwise2(arr([1, 2]), 10, sub))).toEqual([-9, -8]);
  });

  it("broadcasts (3, 1) with (1, 4)", () => {
    const r = elementwise2(arr([[1], [2], [3]]), arr([[10, 20, 30, 40]]), add);
    expect(nested(r)).toEqual([[11, 21, 31, 41], [12, 22, 32, 42], [13, 23, 33, 43]]);
  });

  it("broadcasts across a rank mismatch, keeping operand order", () => {
    const r = elementwise2(arr([[1, 2, 3], [4, 5, 6]]), arr([100, 200, 300]), sub);
    expect(nested(r)).toEqual([[-99, -198, -297], [-96, -195, -294]]);
    const s = elementwise2(arr([100, 200, 300]), arr([[1, 2, 3], [4, 5, 6]]), sub);
    expect(nested(s)).toEqual([[99, 198, 297], [96, 195, 294]]);
  });

  it("broadcasts a 0-d Tensor and returns a Num for 0-d results", () => {
    const zeroD = new Tensor([], Float64Array.of(5));
    expect(elementwise2(zeroD, 1, add)).toBe(6);
    expect(nested(elementwise2(zeroD, arr([1, 2]), add))).toEqual([6, 7]);
  });

  it("handles empty arrays", () => {
    expect(shapeOf(elementwise2(new Tensor([0, 3], new Float64Array(0)), arr([[1, 2, 3]]), add))).toEqual([0, 3]);
  });

  it("reports shapes that cannot broadcast", () => {
    expect(() => elementwise2(arr([[1, 2, 3], [4, 5, 6]]), arr([1, 2, 3, 4]), add)).toThrow("shapes (2, 3) and (4,) cannot broadcast");
  });
});

describe("broadcastTo", () => {
  it("stretches a Num or an array, and refuses to shrink", () => {
    expect(nested(broadcastTo(2, [2, 2]))).toEqual([[2, 2], [2, 2]]);
    expect(nested(broadcastTo(arr([1, 2]), [2, 2]))).toEqual([[1, 2], [1, 2]]);
    const a = arr([1, 2]);
    expect(broadcastTo(a, [2])).toBe(a);
    expect(() => broadcastTo(arr([[1, 2]]), [2])).toThrow("shape (1, 2) cannot broadcast to (2,)");
  });
});

describe("unbroadcast", () => {
  it("sums over the broadcast axes", () => {
    const g = arr([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    expect(nested(unbroadcast(g, [3, 1]))).toEqual([[10], [26], [42]]);
    expect(nested(unbroadcast(g, [1, 4]))).toEqual([[15, 18, 21, 24]]);
    expect(nested(unbroadcast(g, [4]))).toEqual([15, 18, 21, 24]);
    expect(unbroadcast(g, [])).toBe(78);
    expect(unbroadcast(g, [1, 1])).toBeInstanceOf(Tensor);
    expect(nested(unbroadcast(g, [1, 1]))).toEqual([[78]]);
    expect(unbroadcast(3, [])).toBe(3);
    expect(unbroadcast(g, [3, 4])).toBe(g);
  });

  it("refuses shapes that do not broadcast to the gradient's", () => {
    expect(() => unbroadcast(arr([1, 2]), [3])).toThrow("a gradient of shape (2,) cannot be summed down to shape (3,)");
    expect(() => unbroadcast(2, [2])).toThrow("a gradient of shape () cannot be summed down to shape (2,)");
  });

  it("is the transpose of broadcasting: <broadcast(x), g> = <x, unbroadcast(g)>", () => {
    const dims = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 });
    fc.assert(
      fc.property(dims, fc.array(fc.boolean(), { maxLength: 3 }), fc.nat(2), (out, ones, drop) => {
        const lead = Math.min(drop, out.length);
        const shape = out.slice(lead).map((d, k) => (ones[k] ? 1 : d));
        const x = seq(shape, 2);
        const g = seq(out, 3);
        const lhs = inner(broadcastTo(x, out), g);
        const rhs = inner(x, unbroadcast(g, shape));
        expect(rhs).toBeCloseTo(lhs, 9);
      }),
      { numRuns: 200 },
    );
  });
});
