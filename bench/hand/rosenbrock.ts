// W7, the n-variable Rosenbrock function (the chained form, as in SciPy's rosen):
//   f(x) = Σ_{i=0}^{n−2} 100·(x_{i+1} − x_i²)² + (1 − x_i)²
// Each term couples only x_i and x_{i+1}, so the Hessian is tridiagonal:
//   g_i    = [i < n−1] (−400·x_i·(x_{i+1} − x_i²) − 2·(1 − x_i)) + [i > 0] 200·(x_i − x_{i−1}²)
//   H_ii   = [i < n−1] (1200·x_i² − 400·x_{i+1} + 2) + [i > 0] 200
//   H_i,i+1 = H_i+1,i = −400·x_i
// and H·v costs O(n) without ever forming H.
import { Rng } from "./rng.js";

export interface RosenbrockInputs {
  readonly x: Float64Array;
  /** The vector the Hessian is applied to. */
  readonly v: Float64Array;
}

export const ROSENBROCK_N = 1000;

export function setup(n = ROSENBROCK_N, seed = 7): RosenbrockInputs {
  const rng = new Rng(seed);
  return { x: rng.uniforms(n, -1.5, 1.5), v: rng.normals(n) };
}

export function primal(inp: RosenbrockInputs): number {
  const { x } = inp;
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
  }
  return f;
}

export function valueAndGrad(inp: RosenbrockInputs): { value: number; grad: Float64Array } {
  const { x } = inp;
  const n = x.length;
  const g = new Float64Array(n);
  let f = 0;
  // Term i−1's share of g_i, carried in a local so that each g_i is written once.
  let carry = 0;
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] = carry - 400 * x[i]! * a - 2 * b;
    carry = 200 * a;
  }
  if (n > 0) g[n - 1] = carry;
  return { value: f, grad: g };
}

/** H(x)·v. */
export function hvp(inp: RosenbrockInputs): Float64Array {
  const { x, v } = inp;
  const n = x.length;
  const hv = new Float64Array(n);
  // Term i contributes its 2×2 Hessian block on (x_i, x_{i+1}) applied to (v_i, v_{i+1}); the
  // half that lands on hv_{i+1} is carried so that each hv_i is written once.
  let carry = 0;
  for (let i = 0; i + 1 < n; i++) {
    const off = -400 * x[i]!;
    hv[i] = carry + (1200 * x[i]! * x[i]! - 400 * x[i + 1]! + 2) * v[i]! + off * v[i + 1]!;
    carry = off * v[i]! + 200 * v[i + 1]!;
  }
  if (n > 0) hv[n - 1] = carry;
  return hv;
}
