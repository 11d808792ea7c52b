// W4, logistic regression with the mean log-loss over N rows of X (row-major, N×D):
//   z_n = X_n·w + b,  loss = (1/N) Σ_n [softplus(z_n) − y_n·z_n]
// which is −[y log σ(z) + (1 − y) log(1 − σ(z))] rewritten so that no log of a rounded-to-0
// probability appears. softplus(z) = max(z, 0) + log1p(e^{−|z|}) never overflows, and the same
// e^{−|z|} gives σ(z) without overflow on either side. The gradient is
//   r_n = (σ(z_n) − y_n)/N,  ∂/∂w = Xᵀ·r,  ∂/∂b = Σ_n r_n.
import { Rng } from "./rng.js";

export interface LogregSizes {
  readonly rows: number;
  readonly features: number;
}

export interface LogregParams {
  readonly w: Float64Array;
  readonly b: number;
}

export interface LogregInputs {
  readonly sizes: LogregSizes;
  /** rows×features */
  readonly X: Float64Array;
  /** 0 or 1 per row */
  readonly y: Float64Array;
  readonly params: LogregParams;
}

export const LOGREG_SIZES: LogregSizes = { rows: 10_000, features: 100 };

/**
 * Labels come from a hidden linear model plus noise, so the data is learnable but not separable;
 * the parameters start small and random, away from both the optimum and zero.
 */
export function setup(sizes: LogregSizes = LOGREG_SIZES, seed = 4): LogregInputs {
  const { rows, features } = sizes;
  const rng = new Rng(seed);
  const X = rng.normals(rows * features);
  const truth = rng.normals(features, 1 / Math.sqrt(features));
  const y = new Float64Array(rows);
  for (let n = 0; n < rows; n++) {
    let s = 0.5 * rng.normal();
    for (let f = 0; f < features; f++) s += X[n * features + f]! * truth[f]!;
    y[n] = s > 0 ? 1 : 0;
  }
  return { sizes, X, y, params: { w: rng.normals(features, 0.1), b: 0.1 * rng.normal() } };
}

function logit(inp: LogregInputs, n: number): number {
  const { features } = inp.sizes;
  const { X } = inp;
  const { w } = inp.params;
  let z = inp.params.b;
  const row = n * features;
  for (let f = 0; f < features; f++) z += X[row + f]! * w[f]!;
  return z;
}

export function primal(inp: LogregInputs): number {
  const { rows } = inp.sizes;
  const { y } = inp;
  let total = 0;
  for (let n = 0; n < rows; n++) {
    const z = logit(inp, n);
    total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[n]! * z;
  }
  return total / rows;
}

export function valueAndGrad(inp: LogregInputs): { value: number; grad: LogregParams } {
  const { rows, features } = inp.sizes;
  const { X, y } = inp;
  const dw = new Float64Array(features);
  let db = 0;
  let total = 0;
  for (let n = 0; n < rows; n++) {
    const z = logit(inp, n);
    const e = Math.exp(-Math.abs(z));
    total += Math.max(z, 0) + Math.log1p(e) - y[n]! * z;
    const sigma = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const r = (sigma - y[n]!) / rows;
    db += r;
    const row = n * features;
    for (let f = 0; f < features; f++) dw[f] += r * X[row + f]!;
  }
  return { value: total / rows, grad: { w: dw, b: db } };
}
