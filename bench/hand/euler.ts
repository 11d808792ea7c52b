// W2, explicit Euler on y' = −a·y + sin t from y(0) = y0:
//   y_{k+1} = y_k + dt·(−a·y_k + sin t_k),  t_k = k·dt,  k = 0 .. steps−1,
// and the sensitivity s_k = ∂y_k/∂a by forward mode, which needs O(1) memory where an adjoint
// would have to store (or recompute) all 10^6 states. Differentiating the update gives
//   s_{k+1} = s_k + dt·(−y_k − a·s_k),  s_0 = 0 (y0 does not depend on a).
// The default dt = 1e-5 makes the 10^6 steps cover t ∈ [0, 10]: long enough that the transient
// e^{−a t} has mostly decayed and the forcing matters, with a·dt far inside Euler's stability
// bound a·dt < 2.
import { Rng } from "./rng.js";

export interface EulerInputs {
  readonly a: number;
  readonly y0: number;
  readonly dt: number;
  readonly steps: number;
}

export interface EulerSizes {
  readonly dt: number;
  readonly steps: number;
}

export const EULER_SIZES: EulerSizes = { dt: 1e-5, steps: 1_000_000 };

export function setup(sizes: EulerSizes = EULER_SIZES, seed = 2): EulerInputs {
  const rng = new Rng(seed);
  return { a: 0.5 + rng.uniform(), y0: 1, dt: sizes.dt, steps: sizes.steps };
}

/** y_N, the state after `steps` steps. */
export function primal(inp: EulerInputs): number {
  const { a, dt, steps } = inp;
  let y = inp.y0;
  // t is k·dt rather than a running sum, so rounding does not drift over 10^6 steps.
  for (let k = 0; k < steps; k++) y += dt * (-a * y + Math.sin(k * dt));
  return y;
}

/** y_N and ∂y_N/∂a. */
export function valueAndGrad(inp: EulerInputs): { value: number; grad: number } {
  const { a, dt, steps } = inp;
  let y = inp.y0;
  let s = 0;
  for (let k = 0; k < steps; k++) {
    // s first: its update reads the old y.
    s += dt * (-y - a * s);
    y += dt * (-a * y + Math.sin(k * dt));
  }
  return { value: y, grad: s };
}
