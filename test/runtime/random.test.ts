import { describe, expect, it } from "vitest";
import { rand, randn } from "../../src/runtime/tensor/random.js";
import { Tensor } from "../../src/runtime/values.js";
import { nested } from "./helpers.js";

describe("rand", () => {
  // Pinned once; the sequence is part of the contract (see the header of random.ts). They were
  // also checked against a C transcription of the reference SplitMix32 and xoshiro128** code.
  it("gives the documented sequence for a fixed seed", () => {
    expect(nested(rand([3], 0))).toEqual([0.41675133265905573, 0.5870561741002205, 0.2650367332581032]);
    expect(nested(rand([3], 42))).toEqual([0.15377165265745885, 0.018084542542176507, 0.5348906284683476]);
  });

  it("uses the integer part of the seed, modulo 2^32", () => {
    expect(nested(rand([3], 42.9))).toEqual(nested(rand([3], 42)));
    expect(nested(rand([3], -1))).toEqual(nested(rand([3], 2 ** 32 - 1)));
    expect(nested(rand([3], -1))).toEqual([0.9555830018603452, 0.2682696548492096, 0.8580147783595625]);
  });

  it("fills shapes in row-major order and gives a Num for ()", () => {
    const flat = rand([6], 7) as Tensor;
    const grid = rand([2, 3], 7) as Tensor;
    expect(grid.shape).toEqual([2, 3]);
    expect([...grid.data]).toEqual([...flat.data]);
    expect(rand([], 7)).toBe(flat.data[0]);
  });

  it("stays in [0, 1) with mean near 1/2", () => {
    const t = rand([100000], 3) as Tensor;
    expect(t.data.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(t.data.reduce((s, x) => s + x, 0) / t.data.length).toBeCloseTo(0.5, 2);
  });

  it("refuses a non-finite seed", () => {
    expect(() => rand([2], NaN)).toThrow("a random seed must be a finite Num, got nan");
  });
});

describe("randn", () => {
  it("gives the documented sequence for a fixed seed", () => {
    expect(nested(randn([3], 0))).toEqual([-0.8868947106344905, -0.5400935828026158, -0.7337002414628956]);
  });

  it("has mean about 0 and standard deviation about 1", () => {
    const t = randn([100000], 11) as Tensor;
    let sum = 0;
    let sq = 0;
    for (const x of t.data) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / t.data.length;
    const std = Math.sqrt(sq / t.data.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
  });

  it("uses both Box–Muller outputs, so an odd count is a prefix of the next even one", () => {
    expect(nested(randn([3], 5))).toEqual((nested(randn([4], 5)) as number[]).slice(0, 3));
  });
});
