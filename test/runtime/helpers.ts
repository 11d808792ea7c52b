// Nested JS arrays in and out, so expectations read like the arrays they describe.
import { Tensor } from "../../src/runtime/values.js";
import { asTensor, type Numeric } from "../../src/runtime/tensor/shape.js";

export type Nested = number | Nested[];

export function arr(nested: Nested[]): Tensor {
  const shape: number[] = [];
  for (let level: Nested = nested; Array.isArray(level); level = level[0]!) shape.push(level.length);
  const flat: number[] = [];
  const walk = (n: Nested): void => {
    if (typeof n === "number") flat.push(n);
    else n.forEach(walk);
  };
  nested.forEach(walk);
  return new Tensor(shape, Float64Array.from(flat));
}

export function nested(a: Numeric): Nested {
  if (typeof a === "number") return a;
  const build = (axis: number, offset: number): Nested => {
    if (axis === a.shape.length) return a.data[offset]!;
    const inner = a.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    return Array.from({ length: a.shape[axis]! }, (_, i) => build(axis + 1, offset + i * inner));
  };
  return build(0, 0);
}

/** Deterministic test data: small, varied, with no exact ties unless a test makes them. */
export function seq(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return new Tensor(shape, Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 10));
}

/** ⟨a, b⟩ over all elements, for transpose identities. */
export function inner(a: Numeric, b: Numeric): number {
  const x = asTensor(a).data;
  const y = asTensor(b).data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}
