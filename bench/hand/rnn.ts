// W5, a vanilla RNN run for T steps from h_0 = 0 (all matrices row-major):
//   h_t = tanh(Wx·x_t + Wh·h_{t−1} + b),  t = 1 .. T,   Wx: hidden×input, Wh: hidden×hidden
//   loss = ½ |h_T|²
// a loss of the final state alone, so the gradient has to travel back through every step.
// Backprop through time keeps all T+1 states (T·hidden numbers, small here) and walks back:
//   g_T = h_T;  for t = T .. 1:  δ = g_t ⊙ (1 − h_t²),
//     ∂Wx += δ·x_tᵀ,  ∂Wh += δ·h_{t−1}ᵀ,  ∂b += δ,  g_{t−1} = Whᵀ·δ.
import { Rng } from "./rng.js";

export interface RnnSizes {
  readonly hidden: number;
  readonly input: number;
  readonly steps: number;
}

export interface RnnParams {
  /** hidden×input */
  readonly Wx: Float64Array;
  /** hidden×hidden */
  readonly Wh: Float64Array;
  readonly b: Float64Array;
}

export interface RnnInputs {
  readonly sizes: RnnSizes;
  /** steps×input: row t−1 is x_t */
  readonly xs: Float64Array;
  readonly params: RnnParams;
}

export const RNN_SIZES: RnnSizes = { hidden: 32, input: 8, steps: 100 };

/** Weights scaled by 1/√fan-in, so the state neither saturates nor dies out over the steps. */
export function setup(sizes: RnnSizes = RNN_SIZES, seed = 5): RnnInputs {
  const { hidden, input, steps } = sizes;
  const rng = new Rng(seed);
  return {
    sizes,
    xs: rng.normals(steps * input),
    params: {
      Wx: rng.normals(hidden * input, 1 / Math.sqrt(input)),
      Wh: rng.normals(hidden * hidden, 1 / Math.sqrt(hidden)),
      b: rng.normals(hidden, 0.1),
    },
  };
}

/**
 * Fills rows 1..T of `hs` ((T+1)×hidden, row 0 being h_0 = 0) with the states. Taking the whole
 * buffer lets the primal and the gradient share this loop.
 */
function forward(inp: RnnInputs, hs: Float64Array): void {
  const { hidden, input, steps } = inp.sizes;
  const { xs } = inp;
  const { Wx, Wh, b } = inp.params;
  for (let t = 1; t <= steps; t++) {
    const prev = (t - 1) * hidden;
    const cur = t * hidden;
    const x = (t - 1) * input;
    for (let j = 0; j < hidden; j++) {
      let a = b[j]!;
      const wx = j * input;
      for (let i = 0; i < input; i++) a += Wx[wx + i]! * xs[x + i]!;
      const wh = j * hidden;
      for (let m = 0; m < hidden; m++) a += Wh[wh + m]! * hs[prev + m]!;
      hs[cur + j] = Math.tanh(a);
    }
  }
}

function halfSquaredNorm(hs: Float64Array, from: number, length: number): number {
  let s = 0;
  for (let j = 0; j < length; j++) s += hs[from + j]! * hs[from + j]!;
  return 0.5 * s;
}

export function primal(inp: RnnInputs): number {
  const { hidden, steps } = inp.sizes;
  const hs = new Float64Array((steps + 1) * hidden);
  forward(inp, hs);
  return halfSquaredNorm(hs, steps * hidden, hidden);
}

export function valueAndGrad(inp: RnnInputs): { value: number; grad: RnnParams } {
  const { hidden, input, steps } = inp.sizes;
  const { xs } = inp;
  const { Wh } = inp.params;
  const hs = new Float64Array((steps + 1) * hidden);
  forward(inp, hs);
  const dWx = new Float64Array(hidden * input);
  const dWh = new Float64Array(hidden * hidden);
  const db = new Float64Array(hidden);
  let g = hs.slice(steps * hidden, (steps + 1) * hidden); // ∂loss/∂h_T = h_T
  let gPrev = new Float64Array(hidden);
  for (let t = steps; t >= 1; t--) {
    const prev = (t - 1) * hidden;
    const cur = t * hidden;
    const x = (t - 1) * input;
    gPrev.fill(0);
    for (let j = 0; j < hidden; j++) {
      const h = hs[cur + j]!;
      const d = g[j]! * (1 - h * h);
      db[j] += d;
      const wx = j * input;
      for (let i = 0; i < input; i++) dWx[wx + i] += d * xs[x + i]!;
      const wh = j * hidden;
      // Row j of Wh feeds both ∂Wh (outer product) and g_{t−1} (Whᵀ·δ), so one pass does both.
      for (let m = 0; m < hidden; m++) {
        dWh[wh + m] += d * hs[prev + m]!;
        gPrev[m] += Wh[wh + m]! * d;
      }
    }
    const swap = g;
    g = gPrev;
    gPrev = swap;
  }
  return { value: halfSquaredNorm(hs, steps * hidden, hidden), grad: { Wx: dWx, Wh: dWh, b: db } };
}
