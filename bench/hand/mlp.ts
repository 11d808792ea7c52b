// W3, a two-layer perceptron with softmax cross-entropy over a batch (all matrices row-major):
//   H = tanh(X·W1 + b1)        X: batch×in, W1: in×hidden
//   Z = H·W2 + b2              W2: hidden×classes
//   loss = (1/batch) Σ_b [logsumexp(Z_b) − Y_b·Z_b]   (Y one-hot, so Y_b·log softmax(Z_b) = Y_b·Z_b − lse)
// Backward, with P = softmax(Z) by rows:
//   dZ = (P − Y)/batch,  dW2 = Hᵀ·dZ,  db2 = Σ_b dZ_b,
//   dA = (dZ·W2ᵀ) ⊙ (1 − H²),  dW1 = Xᵀ·dA,  db1 = Σ_b dA_b.
import { Rng } from "./rng.js";

export interface MlpSizes {
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly classes: number;
}

export interface MlpParams {
  /** input×hidden */
  readonly W1: Float64Array;
  readonly b1: Float64Array;
  /** hidden×classes */
  readonly W2: Float64Array;
  readonly b2: Float64Array;
}

export interface MlpInputs {
  readonly sizes: MlpSizes;
  /** batch×input */
  readonly X: Float64Array;
  /** batch×classes, one-hot rows */
  readonly Y: Float64Array;
  readonly params: MlpParams;
}

export const MLP_SIZES: MlpSizes = { batch: 64, input: 32, hidden: 64, classes: 10 };

/** Weights scaled by 1/√fan-in so tanh is not saturated and the gradients are not tiny. */
export function setup(sizes: MlpSizes = MLP_SIZES, seed = 3): MlpInputs {
  const { batch, input, hidden, classes } = sizes;
  const rng = new Rng(seed);
  const X = rng.normals(batch * input);
  const Y = new Float64Array(batch * classes);
  for (let b = 0; b < batch; b++) Y[b * classes + rng.below(classes)] = 1;
  const params: MlpParams = {
    W1: rng.normals(input * hidden, 1 / Math.sqrt(input)),
    b1: rng.normals(hidden, 0.1),
    W2: rng.normals(hidden * classes, 1 / Math.sqrt(hidden)),
    b2: rng.normals(classes, 0.1),
  };
  return { sizes, X, Y, params };
}

/** H = tanh(X·W1 + b1), batch×hidden. */
function hiddenLayer(inp: MlpInputs): Float64Array {
  const { batch, input, hidden } = inp.sizes;
  const { X } = inp;
  const { W1, b1 } = inp.params;
  const H = new Float64Array(batch * hidden);
  for (let b = 0; b < batch; b++) {
    const row = b * hidden;
    for (let j = 0; j < hidden; j++) H[row + j] = b1[j]!;
    // i outside j so the inner loop walks rows of W1 and H contiguously.
    for (let i = 0; i < input; i++) {
      const xbi = X[b * input + i]!;
      const w = i * hidden;
      for (let j = 0; j < hidden; j++) H[row + j] += xbi * W1[w + j]!;
    }
    for (let j = 0; j < hidden; j++) H[row + j] = Math.tanh(H[row + j]!);
  }
  return H;
}

/**
 * Writes the logits of row b of H into z and returns their logsumexp, shifted by the maximum so
 * exp cannot overflow.
 */
function logits(inp: MlpInputs, H: Float64Array, b: number, z: Float64Array): number {
  const { hidden, classes } = inp.sizes;
  const { W2, b2 } = inp.params;
  for (let c = 0; c < classes; c++) z[c] = b2[c]!;
  for (let j = 0; j < hidden; j++) {
    const h = H[b * hidden + j]!;
    const w = j * classes;
    for (let c = 0; c < classes; c++) z[c] += h * W2[w + c]!;
  }
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, z[c]!);
  let s = 0;
  for (let c = 0; c < classes; c++) s += Math.exp(z[c]! - max);
  return max + Math.log(s);
}

/** Mean cross-entropy over the batch. */
export function primal(inp: MlpInputs): number {
  const { batch, classes } = inp.sizes;
  const { Y } = inp;
  const H = hiddenLayer(inp);
  const z = new Float64Array(classes);
  let total = 0;
  for (let b = 0; b < batch; b++) {
    total += logits(inp, H, b, z);
    for (let c = 0; c < classes; c++) total -= Y[b * classes + c]! * z[c]!;
  }
  return total / batch;
}

export function valueAndGrad(inp: MlpInputs): { value: number; grad: MlpParams } {
  const { batch, input, hidden, classes } = inp.sizes;
  const { X, Y } = inp;
  const { W2 } = inp.params;
  const H = hiddenLayer(inp);
  const z = new Float64Array(classes);
  const dW1 = new Float64Array(input * hidden);
  const db1 = new Float64Array(hidden);
  const dW2 = new Float64Array(hidden * classes);
  const db2 = new Float64Array(classes);
  const dA = new Float64Array(hidden);
  let total = 0;
  // One row of the batch at a time: every gradient is a sum over rows, so dZ and dA never
  // need to exist for the whole batch.
  for (let b = 0; b < batch; b++) {
    const lse = logits(inp, H, b, z);
    total += lse;
    for (let c = 0; c < classes; c++) {
      const y = Y[b * classes + c]!;
      total -= y * z[c]!;
      z[c] = (Math.exp(z[c]! - lse) - y) / batch; // z now holds dZ_b
      db2[c] += z[c]!;
    }
    for (let j = 0; j < hidden; j++) {
      const h = H[b * hidden + j]!;
      const w = j * classes;
      let dh = 0;
      for (let c = 0; c < classes; c++) {
        dW2[w + c] += h * z[c]!;
        dh += W2[w + c]! * z[c]!;
      }
      dA[j] = dh * (1 - h * h);
      db1[j] += dA[j]!;
    }
    for (let i = 0; i < input; i++) {
      const xbi = X[b * input + i]!;
      const w = i * hidden;
      for (let j = 0; j < hidden; j++) dW1[w + j] += xbi * dA[j]!;
    }
  }
  return { value: total / batch, grad: { W1: dW1, b1: db1, W2: dW2, b2: db2 } };
}
