// Workloads W1–W7 in Myx against the hand-written TypeScript of bench/hand/: the same math
// (programs in bench/myx/) on the same inputs (each hand `setup()`, its Float64Arrays wrapped
// as Tensors of the right shapes). Each workload's Myx value and gradient are first checked
// against the hand version (a failure is printed loudly and makes the exit status 1), then
// timed: per call, the median of a few sections after a warm-up section, the hand value+grad,
// the Myx primal and the Myx value+grad (the hand primal too, for its grad/primal ratio)
// alternating so that a change in machine load moves them alike. Every Myx call goes through
// the library (`m.fn(name)(...)`), conversions of arguments and results included. The numbers
// are for reading, never for asserting: nothing in the test suite depends on speed.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { compile, Tensor } from "../src/index.js";
import * as euler from "./hand/euler.js";
import * as gmm from "./hand/gmm.js";
import * as logreg from "./hand/logreg.js";
import * as mlp from "./hand/mlp.js";
import * as rnn from "./hand/rnn.js";
import * as rosenbrock from "./hand/rosenbrock.js";
import * as seed from "./hand/seed.js";
import { median, printTable, RUNS } from "./util.js";

/** Largest error allowed, relative to the largest entry of each compared block. */
const TOLERANCE = 1e-8;

/** One array (or number) of a result, by name, as the hand version and Myx give it. */
interface Block {
  readonly name: string;
  readonly hand: Float64Array | number;
  readonly myx: unknown;
}

interface Workload {
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

function load(file: string) {
  return compile(readFileSync(new URL(file, myxDir), "utf8"), { filename: `bench/myx/${file}` });
}

const tensor = (shape: number[], data: Float64Array) => new Tensor(shape, data);

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
function blockError(b: Block): number {
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

function w1(): Workload {
  const m = load("w1-seed.myx");
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

function w2(forward: boolean): Workload {
  const m = load("w2-euler.myx");
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

function w3(): Workload {
  const m = load("w3-mlp.myx");
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

function w4(): Workload {
  const m = load("w4-logreg.myx");
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

function w5(): Workload {
  const m = load("w5-rnn.myx");
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
function gmmScatter(d: number): { diag: Tensor; lower: Tensor } {
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

function w6(): Workload {
  const m = load("w6-gmm.myx");
  const primal = m.fn("primal");
  const vg = m.fn("vg");
  const inp = gmm.setup();
  const { d, k, n } = inp.sizes;
  const size = (d * (d + 1)) / 2;
  const { diag, lower } = gmmScatter(d);
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

function w7(hvp: boolean): Workload {
  const m = load("w7-rosenbrock.myx");
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

// ---------------------------------------------------------------- timing

/** Where results of timed calls go, so that V8 cannot drop the hand-written work as dead code. */
let sink = 0;

function consume(r: unknown): void {
  if (typeof r === "number") sink += r;
  else if (r instanceof Float64Array) sink += r[0] ?? 0;
  else if (typeof r === "object" && r !== null && "value" in r) sink += (r as { value: number }).value;
}

/** Milliseconds per call of one section of `reps` calls of f. */
function section(reps: number, f: (rep: number) => unknown): number {
  const start = performance.now();
  for (let rep = 0; rep < reps; rep++) consume(f(rep));
  return (performance.now() - start) / reps;
}

interface Timing {
  readonly handPrimal: number;
  readonly handGrad: number;
  readonly myxPrimal: number;
  readonly myxGrad: number;
}

/** Median ms per call of each of the four, over `w.runs` alternating sections after a warm-up of each. */
function time(w: Workload): Timing {
  const cases = [
    [w.handReps, w.handPrimal],
    [w.handReps, w.handGrad],
    [w.myxReps, w.myxPrimal],
    [w.myxReps, w.myxGrad],
  ] as const;
  for (const [reps, f] of cases) section(reps, f);
  const times: number[][] = cases.map(() => []);
  for (let run = 0; run < w.runs; run++) cases.forEach(([reps, f], i) => times[i]!.push(section(reps, f)));
  const [handPrimal, handGrad, myxPrimal, myxGrad] = times.map(median) as [number, number, number, number];
  return { handPrimal, handGrad, myxPrimal, myxGrad };
}

const fmt = (ms: number) => (ms < 0.01 ? `${(ms * 1000).toFixed(3)} µs` : ms < 1000 ? `${ms.toFixed(3)} ms` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b < 10 ? 2 : 0)}x`;

/** Each workload by name, built (its program compiled) only when its turn comes. */
const builders: [string, () => Workload][] = [
  ["W1 seed", w1],
  ["W2 euler", () => w2(false)],
  ["W2 euler, jvp", () => w2(true)],
  ["W3 mlp", w3],
  ["W4 logreg", w4],
  ["W5 rnn", w5],
  ["W6 gmm", w6],
  ["W7 rosenbrock", () => w7(false)],
  ["W7 rosenbrock, H·v", () => w7(true)],
];

/** `npx tsx bench/workloads.ts W3 W6` runs only the workloads whose names start with an argument. */
const only = process.argv.slice(2);
const chosen = only.length === 0 ? builders : builders.filter(([name]) => only.some((prefix) => name.startsWith(prefix)));

const failures: string[] = [];
const rows: string[][] = [];
const started = performance.now();
for (const [name, build] of chosen) {
  let w: Workload;
  let err: number;
  try {
    w = build();
    const blocks = w.check();
    const errors = blocks.map((b) => [b.name, blockError(b)] as const);
    err = Math.max(...errors.map(([, e]) => e));
    if (!(err <= TOLERANCE)) {
      const detail = errors.map(([block, e]) => `${block} ${e.toExponential(1)}`).join(", ");
      failures.push(`${name}: Myx disagrees with the hand version (relative error ${detail}; tolerance ${TOLERANCE})`);
      console.log(`\n*** FAIL ${failures[failures.length - 1]}\n`);
    }
  } catch (e) {
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    console.log(`\n*** FAIL ${failures[failures.length - 1]}\n`);
    continue;
  }
  const t = time(w);
  rows.push([
    name,
    w.size,
    w.timed,
    String(w.runs),
    fmt(t.handGrad),
    fmt(t.myxGrad),
    ratio(t.myxGrad, t.handGrad),
    fmt(t.myxPrimal),
    ratio(t.myxGrad, t.myxPrimal),
    ratio(t.handGrad, t.handPrimal),
    err <= TOLERANCE ? err.toExponential(1) : `${err.toExponential(1)} FAIL`,
  ]);
}

printTable(
  `workloads W1–W7, Myx (through the library) against hand-written TypeScript, per call (runs: timed sections, RUNS = ${RUNS} unless fewer)`,
  ["workload", "size", "timed", "runs", "hand", "myx", "myx/hand", "myx primal", "myx grad/primal", "hand grad/primal", "max rel err"],
  rows,
);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (!Number.isFinite(sink)) console.log(`(sink ${sink})`);
if (failures.length > 0) {
  console.log(`\nFAILED: ${failures.length} workload(s)`);
  for (const f of failures) console.log(`  ${f}`);
  process.exitCode = 1;
}
