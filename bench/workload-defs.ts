// The workloads W1–W7: each a Myx program of bench/myx/ and the same math written by hand in
// TypeScript (bench/hand/), on the same inputs (each hand `setup()`, its Float64Arrays wrapped
// as Tensors of the right shapes), with what to call and what to compare. Built for a library
// given as a parameter, so that bench/ab.ts can build them for two checkouts of Myx in one
// process; bench/workloads.ts times them against the hand versions.
import { readFileSync } from "node:fs";
import type { compile, Tensor } from "../src/index.js";
import * as euler from "./hand/euler.js";
import * as gmm from "./hand/gmm.js";
import * as logreg from "./hand/logreg.js";
import * as mlp from "./hand/mlp.js";
import * as rnn from "./hand/rnn.js";
import * as rosenbrock from "./hand/rosenbrock.js";
import * as seed from "./hand/seed.js";
import { RUNS } from "./util.js";

/** What the workloads need of a Myx library: compiling, and its Tensor class for array inputs. */
export interface Lib {
  readonly compile: typeof compile;
  readonly Tensor: typeof Tensor;
}

/** Largest error allowed, relative to the largest entry of each compared block. */
export const TOLERANCE = 1e-8;

/** One array (or number) of a result, by name, as the hand version and Myx give it. */
export interface Block {
  readonly name: string;
  readonly hand: Float64Array | number;
  readonly myx: unknown;
}

export interface Workload {
  readonly size: string;
  /** What the gradient timing measures. */
  readonly timed: string;
  /** Timed sections after the warm-up; fewer than RUNS for the slowest. */
  readonly runs: number;
  /** Calls per timed section of the hand code and of Myx, so a section of fast workloads is measurable. */
  readonly handReps: number;
  readonly myxReps: number;
  /** One call of each; `rep` lets W1 vary its input so that calls cannot be hoisted. */
  readonly handPrimal: (rep: number) => unknown;
  readonly handGrad: (rep: number) => unknown;
  readonly myxPrimal: (rep: number) => unknown;
  readonly myxGrad: (rep: number) => unknown;
  /** The blocks to compare, at the unvaried inputs. */
  readonly check: () => Block[];
}

const myxDir = new URL("./myx/", import.meta.url);

function load(lib: Lib, file: string) {
  return lib.compile(readFileSync(new URL(file, myxDir), "utf8"), { filename: `bench/myx/${file}` });
}

/** Array inputs as the library's Tensors. */
const tensorOf =
  (lib: Lib) =>
  (shape: number[], data: Float64Array): Tensor =>
    new lib.Tensor(shape, data);

/** The source of a workload's program, for timing its compile. */
export function programOf(file: string): string {
  return readFileSync(new URL(file, myxDir), "utf8");
}

/** `(value, gradient)` as the library returns `value_and_grad`'s tuple. */
function valueAndGradient(r: unknown): [number, unknown] {
  if (!Array.isArray(r) || r.length !== 2) throw new Error(`expected a (value, gradient) pair, got ${String(r)}`);
  return [r[0] as number, r[1]];
}

function field(r: unknown, name: string): unknown {
  if (typeof r !== "object" || r === null || !(name in r)) throw new Error(`expected a record with field '${name}', got ${String(r)}`);
  return (r as Record<string, unknown>)[name];
}

function item(r: unknown, i: number): unknown {
  if (!Array.isArray(r) || i >= r.length) throw new Error(`expected a tuple with item ${i}, got ${String(r)}`);
  return r[i];
}

/**
 * Worst |myx − hand| over a block, relative to the block's largest |hand| entry (1 at least for
 * a block of zeros), so that entries near zero, where summation order decides the last digits,
 * do not dominate.
 */
export function blockError(b: Block, Tensor: Lib["Tensor"]): number {
  const hand = typeof b.hand === "number" ? [b.hand] : b.hand;
  let myx: ArrayLike<number>;
  if (typeof b.hand === "number") {
    if (typeof b.myx !== "number") throw new Error(`${b.name}: Myx gave ${String(b.myx)}, expected a Num`);
    myx = [b.myx];
  } else {
    if (!(b.myx instanceof Tensor)) throw new Error(`${b.name}: Myx gave ${String(b.myx)}, expected an Array`);
    myx = b.myx.data;
  }
  if (myx.length !== hand.length) throw new Error(`${b.name}: Myx gave ${myx.length} numbers, the hand version ${hand.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < hand.length; i++) {
    scale = Math.max(scale, Math.abs(hand[i]!));
    diff = Math.max(diff, Math.abs(myx[i]! - hand[i]!));
  }
  return Number.isNaN(diff) ? Infinity : diff / Math.max(scale, Number.MIN_VALUE);
}

/** Blocks for every Float64Array field of a hand params record against the same fields of a Myx record. */
function recordBlocks<P extends Record<keyof P, Float64Array | number>>(hand: P, myx: unknown): Block[] {
  return (Object.keys(hand) as (keyof P & string)[]).map((name) => ({ name, hand: hand[name], myx: field(myx, name) }));
}

// ---------------------------------------------------------------- the workloads

function w1(lib: Lib): Workload {
  const m = load(lib, "w1-seed.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const inp = seed.setup();
  const at = (rep: number): seed.SeedInputs => ({ x1: inp.x1 + rep * 1e-9, x2: inp.x2 });
  const calls = 1_000_000;
  return {
    size: "scalar, 10^6 calls per timing",
    timed: "value+grad",
    runs: RUNS,
    // A call is 10^6 calls: the row reports the time of all of them.
    handReps: 1,
    myxReps: 1,
    handPrimal: () => {
      let s = 0;
      for (let rep = 0; rep < calls; rep++) s += seed.primal(at(rep));
      return s;
    },
    handGrad: () => {
      let s = 0;
      for (let rep = 0; rep < calls; rep++) {
        const r = seed.valueAndGrad(at(rep));
        s += r.value + r.grad.x1 + r.grad.x2;
      }
      return s;
    },
    myxPrimal: () => {
      let s = 0;
      for (let rep = 0; rep < calls; rep++) s += primal(inp.x1 + rep * 1e-9, inp.x2) as number;
      return s;
    },
    myxGrad: () => {
      let s = 0;
      for (let rep = 0; rep < calls; rep++) {
        const [v, g] = vg(inp.x1 + rep * 1e-9, inp.x2) as [number, [number, number]];
        s += v + g[0] + g[1];
      }
      return s;
    },
    check: () => {
      const h = seed.valueAndGrad(inp);
      const [v, g] = valueAndGradient(vg(inp.x1, inp.x2));
      return [
        { name: "value", hand: h.value, myx: v },
        { name: "x1", hand: h.grad.x1, myx: item(g, 0) },
        { name: "x2", hand: h.grad.x2, myx: item(g, 1) },
      ];
    },
  };
}

function w2(lib: Lib, forward: boolean): Workload {
  const m = load(lib, "w2-euler.myx");
  const primal = m.fn("primal");
  const vg = m.fn(forward ? "vg_fwd" : "vg");
  const inp = euler.setup();
  return {
    size: `${inp.steps.toLocaleString("en-US")} steps, dt ${inp.dt.toExponential()}`,
    timed: forward ? "value+jvp" : "value+grad",
    runs: 3,
    handReps: 1,
    myxReps: 1,
    handPrimal: () => euler.primal(inp),
    handGrad: () => euler.valueAndGrad(inp),
    myxPrimal: () => primal(inp.a, inp.y0, inp.dt, inp.steps),
    myxGrad: () => vg(inp.a, inp.y0, inp.dt, inp.steps),
    check: () => {
      const h = euler.valueAndGrad(inp);
      const [v, g] = valueAndGradient(vg(inp.a, inp.y0, inp.dt, inp.steps));
      return [
        { name: "value", hand: h.value, myx: v },
        { name: "a", hand: h.grad, myx: g },
      ];
    },
  };
}

function w3(lib: Lib): Workload {
  const tensor = tensorOf(lib);
  const m = load(lib, "w3-mlp.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const inp = mlp.setup();
  const { batch, input, hidden, classes } = inp.sizes;
  const p = inp.params;
  const params = {
    W1: tensor([input, hidden], p.W1),
    b1: tensor([hidden], p.b1),
    W2: tensor([hidden, classes], p.W2),
    b2: tensor([classes], p.b2),
  };
  const X = tensor([batch, input], inp.X);
  const Y = tensor([batch, classes], inp.Y);
  return {
    size: `${input}-${hidden}-${classes}, batch ${batch}`,
    timed: "value+grad",
    runs: RUNS,
    handReps: 200,
    myxReps: 20,
    handPrimal: () => mlp.primal(inp),
    handGrad: () => mlp.valueAndGrad(inp),
    myxPrimal: () => primal(params, X, Y),
    myxGrad: () => vg(params, X, Y),
    check: () => {
      const h = mlp.valueAndGrad(inp);
      const [v, g] = valueAndGradient(vg(params, X, Y));
      return [{ name: "value", hand: h.value, myx: v }, ...recordBlocks(h.grad, g)];
    },
  };
}

function w4(lib: Lib): Workload {
  const tensor = tensorOf(lib);
  const m = load(lib, "w4-logreg.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const inp = logreg.setup();
  const { rows, features } = inp.sizes;
  const params = { w: tensor([features], inp.params.w), b: inp.params.b };
  const X = tensor([rows, features], inp.X);
  const y = tensor([rows], inp.y);
  return {
    size: `${rows}×${features}`,
    timed: "value+grad",
    runs: RUNS,
    handReps: 10,
    myxReps: 4,
    handPrimal: () => logreg.primal(inp),
    handGrad: () => logreg.valueAndGrad(inp),
    myxPrimal: () => primal(params, X, y),
    myxGrad: () => vg(params, X, y),
    check: () => {
      const h = logreg.valueAndGrad(inp);
      const [v, g] = valueAndGradient(vg(params, X, y));
      return [{ name: "value", hand: h.value, myx: v }, ...recordBlocks(h.grad, g)];
    },
  };
}

function w5(lib: Lib): Workload {
  const tensor = tensorOf(lib);
  const m = load(lib, "w5-rnn.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const inp = rnn.setup();
  const { hidden, input, steps } = inp.sizes;
  const p = inp.params;
  const params = { Wx: tensor([hidden, input], p.Wx), Wh: tensor([hidden, hidden], p.Wh), b: tensor([hidden], p.b) };
  const xs = tensor([steps, input], inp.xs);
  return {
    size: `hidden ${hidden}, input ${input}, ${steps} steps`,
    timed: "value+grad",
    runs: RUNS,
    handReps: 100,
    myxReps: 10,
    handPrimal: () => rnn.primal(inp),
    handGrad: () => rnn.valueAndGrad(inp),
    myxPrimal: () => primal(params, xs),
    myxGrad: () => vg(params, xs),
    check: () => {
      const h = rnn.valueAndGrad(inp);
      const [v, g] = valueAndGradient(vg(params, xs));
      return [{ name: "value", hand: h.value, myx: v }, ...recordBlocks(h.grad, g)];
    },
  };
}

/**
 * The constant 0/1 matrices that build each flattened L_k from its icf row (see w6-gmm.myx):
 * `diag` (d × d²) puts q_j at (j, j), `lower` (d(d−1)/2 × d²) puts strict-lower entry e at its
 * (row, col), entries numbered column by column as in bench/hand/gmm.ts.
 */
function gmmScatter(d: number, tensor: (shape: number[], data: Float64Array) => Tensor): { diag: Tensor; lower: Tensor } {
  const dd = d * d;
  const diag = new Float64Array(d * dd);
  for (let j = 0; j < d; j++) diag[j * dd + j * d + j] = 1;
  const entries = (d * (d - 1)) / 2;
  const lower = new Float64Array(entries * dd);
  let e = 0;
  for (let col = 0; col < d; col++) {
    for (let row = col + 1; row < d; row++) lower[e++ * dd + row * d + col] = 1;
  }
  return { diag: tensor([d, dd], diag), lower: tensor([entries, dd], lower) };
}

function w6(lib: Lib): Workload {
  const tensor = tensorOf(lib);
  const m = load(lib, "w6-gmm.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const inp = gmm.setup();
  const { d, k, n } = inp.sizes;
  const size = (d * (d + 1)) / 2;
  const { diag, lower } = gmmScatter(d, tensor);
  const args = [
    tensor([k], inp.params.alphas),
    tensor([k, d], inp.params.means),
    tensor([k, size], inp.params.icf),
    tensor([n, d], inp.x),
    inp.wishart.gamma,
    inp.wishart.m,
    diag,
    lower,
  ];
  return {
    size: `d ${d}, k ${k}, n ${n}`,
    timed: "value+grad",
    runs: RUNS,
    handReps: 10,
    myxReps: 1,
    handPrimal: () => gmm.primal(inp),
    handGrad: () => gmm.valueAndGrad(inp),
    myxPrimal: () => primal(...args),
    myxGrad: () => vg(...args),
    check: () => {
      const h = gmm.valueAndGrad(inp);
      const [v, g] = valueAndGradient(vg(...args));
      return [
        { name: "value", hand: h.value, myx: v },
        { name: "alphas", hand: h.grad.alphas, myx: item(g, 0) },
        { name: "means", hand: h.grad.means, myx: item(g, 1) },
        { name: "icf", hand: h.grad.icf, myx: item(g, 2) },
      ];
    },
  };
}

function w7(lib: Lib, hvp: boolean): Workload {
  const tensor = tensorOf(lib);
  const m = load(lib, "w7-rosenbrock.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const hv = m.fn("hvp");
  const inp = rosenbrock.setup();
  const n = inp.x.length;
  const x = tensor([n], inp.x);
  const v = tensor([n], inp.v);
  return {
    size: `n ${n}`,
    timed: hvp ? "H·v (jvp of grad)" : "value+grad",
    runs: RUNS,
    handReps: 2000,
    myxReps: 100,
    handPrimal: () => rosenbrock.primal(inp),
    handGrad: hvp ? () => rosenbrock.hvp(inp) : () => rosenbrock.valueAndGrad(inp),
    myxPrimal: () => primal(x),
    myxGrad: hvp ? () => hv(x, v) : () => vg(x),
    check: () => {
      if (hvp) return [{ name: "H·v", hand: rosenbrock.hvp(inp), myx: hv(x, v) }];
      const h = rosenbrock.valueAndGrad(inp);
      const [value, g] = valueAndGradient(vg(x));
      return [
        { name: "value", hand: h.value, myx: value },
        { name: "x", hand: h.grad, myx: g },
      ];
    },
  };
}

/** Each workload by name and program, built (its program compiled) only when its turn comes. */
export const workloads: readonly (readonly [name: string, file: string, build: (lib: Lib) => Workload])[] = [
  ["W1 seed", "w1-seed.myx", w1],
  ["W2 euler", "w2-euler.myx", (lib) => w2(lib, false)],
  ["W2 euler, jvp", "w2-euler.myx", (lib) => w2(lib, true)],
  ["W3 mlp", "w3-mlp.myx", w3],
  ["W4 logreg", "w4-logreg.myx", w4],
  ["W5 rnn", "w5-rnn.myx", w5],
  ["W6 gmm", "w6-gmm.myx", w6],
  ["W7 rosenbrock", "w7-rosenbrock.myx", (lib) => w7(lib, false)],
  ["W7 rosenbrock, H·v", "w7-rosenbrock.myx", (lib) => w7(lib, true)],
];
