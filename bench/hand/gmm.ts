// W6, the ADBench GMM objective (microsoft/ADBench, src/cpp/shared/gmm.h), value and gradient,
// with the same constants and sign conventions as ADBench so values can be compared with it.
//
// Parameters for K components in D dimensions, all row-major:
//   alphas  K         unnormalized log mixture weights
//   means   K×D
//   icf     K×(D(D+1)/2): per component, first q (D numbers, the logs of the diagonal of a lower-
//           triangular L_k), then the strictly-lower entries of L_k column by column:
//           (1,0), (2,0), …, (D−1,0), (2,1), …, (D−1,D−2).
// L_k is the Cholesky-like factor of component k's precision matrix, so |L_k z|² is the
// Mahalanobis distance and Σ_j q_kj is log √det(precision). For N points x_i (N×D):
//
//   E = −(N·D/2)·log 2π
//       + Σ_i logsumexp_k( α_k + Σ_j q_kj − ½·|L_k (x_i − μ_k)|² )
//       − N·logsumexp(α)
//       + Σ_k [ ½γ²·(Σ_j e^{2 q_kj} + Σ (strict-lower entries of L_k)²) − m·Σ_j q_kj ]
//       − K·C,
//   C = n·D·(log γ − ½ log 2) − log Γ_D(n/2),  n = D + m + 1,
//   log Γ_D(a) = D(D−1)/4 · log π + Σ_{j=1..D} log Γ(a + (1 − j)/2)   (multivariate gamma).
//
// The last two lines are ADBench's Wishart prior on the precision factors (used with γ = 1, m = 0).
//
// Gradient. Write z = x_i − μ_k, y = L_k z, T_ik = the logsumexp argument, r_ik = softmax_k(T_i·)
// (the responsibility of component k for point i), and t = −r_ik·y = ∂E/∂y through point i. Then
//   ∂E/∂α_k  = Σ_i r_ik − N·softmax(α)_k
//   ∂E/∂μ_k  = −Σ_i L_kᵀ t
//   ∂E/∂q_kj = Σ_i (r_ik + t_j·z_j·e^{q_kj}) + γ²·e^{2 q_kj} − m
//   ∂E/∂ℓ    = Σ_i t_a·z_b + γ²·ℓ        for the strict-lower entry ℓ at row a, column b.
// The r_ik term of ∂q is the same sum as the data part of ∂α, so it is accumulated once.
import { Rng } from "./rng.js";

export interface GmmSizes {
  readonly d: number;
  readonly k: number;
  readonly n: number;
}

export interface GmmParams {
  readonly alphas: Float64Array;
  readonly means: Float64Array;
  readonly icf: Float64Array;
}

export interface GmmInputs {
  readonly sizes: GmmSizes;
  /** n×d */
  readonly x: Float64Array;
  readonly wishart: { readonly gamma: number; readonly m: number };
  readonly params: GmmParams;
}

export const GMM_SIZES: GmmSizes = { d: 10, k: 25, n: 1000 };

/** As ADBench's generator draws them: normal alphas, icf and points, means uniform on [0, 1). */
export function setup(sizes: GmmSizes = GMM_SIZES, seed = 6): GmmInputs {
  const { d, k, n } = sizes;
  const rng = new Rng(seed);
  const params: GmmParams = {
    alphas: rng.normals(k),
    means: rng.uniforms(k * d, 0, 1),
    icf: rng.normals((k * d * (d + 1)) / 2),
  };
  return { sizes, x: rng.normals(n * d), wishart: { gamma: 1, m: 0 }, params };
}

/** log Γ(a) for a positive multiple of ½, exactly, from Γ(1) = 1, Γ(½) = √π, Γ(a+1) = a·Γ(a). */
function logGammaHalfInteger(a: number): number {
  if (!Number.isInteger(2 * a) || a <= 0) throw new Error(`logGammaHalfInteger(${a}): not a positive multiple of 1/2`);
  let x = Number.isInteger(a) ? 1 : 0.5;
  let out = x === 1 ? 0 : 0.5 * Math.log(Math.PI);
  for (; x < a; x++) out += Math.log(x);
  return out;
}

/** The terms of E that involve neither the points nor the means, besides −N·logsumexp(α). */
function constantTerms(inp: GmmInputs): number {
  const { d, k, n } = inp.sizes;
  const { gamma, m } = inp.wishart;
  const dof = d + m + 1;
  let logMultiGamma = 0.25 * d * (d - 1) * Math.log(Math.PI);
  for (let j = 1; j <= d; j++) logMultiGamma += logGammaHalfInteger(0.5 * dof + 0.5 * (1 - j));
  const c = dof * d * (Math.log(gamma) - 0.5 * Math.LN2) - logMultiGamma;
  return -0.5 * n * d * Math.log(2 * Math.PI) - k * c;
}

function logsumexp(v: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]!);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i]! - max);
  return max + Math.log(s);
}

/** e^q (k×d) and Σ_j q (k), which every point reuses. */
interface Diagonals {
  readonly qdiag: Float64Array;
  readonly sumq: Float64Array;
}

function diagonals(inp: GmmInputs): Diagonals {
  const { d, k } = inp.sizes;
  const { icf } = inp.params;
  const size = (d * (d + 1)) / 2;
  const qdiag = new Float64Array(k * d);
  const sumq = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const q = icf[c * size + j]!;
      sumq[c] += q;
      qdiag[c * d + j] = Math.exp(q);
    }
  }
  return { qdiag, sumq };
}

/**
 * For point i, fills z = x_i − μ_c and y = L_c z (both k×d) and the logsumexp arguments T (k),
 * and returns logsumexp(T). The gradient reads z and y back, so they are kept for every c.
 */
function pointTerms(inp: GmmInputs, diag: Diagonals, i: number, z: Float64Array, y: Float64Array, T: Float64Array): number {
  const { d, k } = inp.sizes;
  const { x } = inp;
  const { alphas, means, icf } = inp.params;
  const { qdiag, sumq } = diag;
  const size = (d * (d + 1)) / 2;
  for (let c = 0; c < k; c++) {
    const o = c * d;
    for (let j = 0; j < d; j++) {
      z[o + j] = x[i * d + j]! - means[o + j]!;
      y[o + j] = qdiag[o + j]! * z[o + j]!;
    }
    let l = c * size + d;
    for (let col = 0; col < d; col++) {
      const zc = z[o + col]!;
      for (let row = col + 1; row < d; row++) y[o + row] += icf[l++]! * zc;
    }
    let sq = 0;
    for (let j = 0; j < d; j++) sq += y[o + j]! * y[o + j]!;
    T[c] = alphas[c]! + sumq[c]! - 0.5 * sq;
  }
  return logsumexp(T);
}

/** ½γ²·(|e^q|² + |strict lower|²) − m·Σq over all components. */
function priorTerms(inp: GmmInputs, diag: Diagonals): number {
  const { d, k } = inp.sizes;
  const { gamma, m } = inp.wishart;
  const { icf } = inp.params;
  const size = (d * (d + 1)) / 2;
  let frobenius = 0;
  let sumq = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) frobenius += diag.qdiag[c * d + j]! ** 2;
    for (let l = c * size + d; l < (c + 1) * size; l++) frobenius += icf[l]! ** 2;
    sumq += diag.sumq[c]!;
  }
  return 0.5 * gamma * gamma * frobenius - m * sumq;
}

export function primal(inp: GmmInputs): number {
  const { d, k, n } = inp.sizes;
  const diag = diagonals(inp);
  const z = new Float64Array(k * d);
  const y = new Float64Array(k * d);
  const T = new Float64Array(k);
  let slse = 0;
  for (let i = 0; i < n; i++) slse += pointTerms(inp, diag, i, z, y, T);
  return constantTerms(inp) + slse - n * logsumexp(inp.params.alphas) + priorTerms(inp, diag);
}

export function valueAndGrad(inp: GmmInputs): { value: number; grad: GmmParams } {
  const { d, k, n } = inp.sizes;
  const { gamma, m } = inp.wishart;
  const { alphas, icf } = inp.params;
  const size = (d * (d + 1)) / 2;
  const diag = diagonals(inp);
  const { qdiag } = diag;
  const z = new Float64Array(k * d);
  const y = new Float64Array(k * d);
  const T = new Float64Array(k);
  const dAlphas = new Float64Array(k);
  const dMeans = new Float64Array(k * d);
  const dIcf = new Float64Array(k * size);
  let slse = 0;
  for (let i = 0; i < n; i++) {
    const lse = pointTerms(inp, diag, i, z, y, T);
    slse += lse;
    for (let c = 0; c < k; c++) {
      const r = Math.exp(T[c]! - lse);
      dAlphas[c] += r;
      const o = c * d;
      const q = c * size;
      // y becomes t = −r·y; the diagonal of L_c contributes to ∂μ and ∂q.
      for (let j = 0; j < d; j++) {
        const t = -r * y[o + j]!;
        y[o + j] = t;
        dIcf[q + j] += t * z[o + j]! * qdiag[o + j]!;
        dMeans[o + j] -= qdiag[o + j]! * t;
      }
      let l = q + d;
      for (let col = 0; col < d; col++) {
        const zc = z[o + col]!;
        let ltT = 0; // (strict-lower part of L_c)ᵀ·t, entry col
        for (let row = col + 1; row < d; row++) {
          const t = y[o + row]!;
          dIcf[l] += t * zc;
          ltT += icf[l]! * t;
          l++;
        }
        dMeans[o + col] -= ltT;
      }
    }
  }
  const lseAlphas = logsumexp(alphas);
  const g2 = gamma * gamma;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const e = qdiag[c * d + j]!;
      dIcf[c * size + j] += dAlphas[c]! + g2 * e * e - m;
    }
    for (let l = c * size + d; l < (c + 1) * size; l++) dIcf[l] += g2 * icf[l]!;
    dAlphas[c] -= n * Math.exp(alphas[c]! - lseAlphas);
  }
  const value = constantTerms(inp) + slse - n * lseAlphas + priorTerms(inp, diag);
  return { value, grad: { alphas: dAlphas, means: dMeans, icf: dIcf } };
}
