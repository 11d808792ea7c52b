// W1, the seed function f(x1, x2) = (sin(x1/x2) + x1/x2 − exp(x2)) · (x1/x2 − exp(x2)).
// With u = x1/x2 and e = exp(x2), f = A·B where A = sin u + u − e and B = u − e, so
//   ∂f/∂xk = ∂A/∂xk · B + A · ∂B/∂xk,  ∂A = (cos u + 1)·∂u − ∂e,  ∂B = ∂u − ∂e,
//   ∂u/∂x1 = 1/x2,  ∂u/∂x2 = −x1/x2²,  ∂e/∂x1 = 0,  ∂e/∂x2 = e.
import { Rng } from "./rng.js";

export interface SeedInputs {
  readonly x1: number;
  readonly x2: number;
}

export interface SeedGrad {
  readonly x1: number;
  readonly x2: number;
}

/** x2 stays away from 0 so that x1/x2 is tame. */
export function setup(seed = 1): SeedInputs {
  const rng = new Rng(seed);
  return { x1: 1 + rng.uniform(), x2: 0.5 + 0.5 * rng.uniform() };
}

export function primal(inp: SeedInputs): number {
  const u = inp.x1 / inp.x2;
  const e = Math.exp(inp.x2);
  return (Math.sin(u) + u - e) * (u - e);
}

export function valueAndGrad(inp: SeedInputs): { value: number; grad: SeedGrad } {
  const { x1, x2 } = inp;
  const u = x1 / x2;
  const e = Math.exp(x2);
  const a = Math.sin(u) + u - e;
  const b = u - e;
  const du1 = 1 / x2;
  const du2 = -x1 / (x2 * x2);
  const dAdu = Math.cos(u) + 1;
  return {
    value: a * b,
    grad: {
      x1: dAdu * du1 * b + a * du1,
      x2: (dAdu * du2 - e) * b + a * (du2 - e),
    },
  };
}
