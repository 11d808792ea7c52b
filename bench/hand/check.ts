// `npx tsx bench/hand/check.ts`: checks every hand-derived gradient in this folder (and the
// Rosenbrock Hessian-vector product) against finite differences at small sizes, then times each
// workload at its benchmark size. Exits with status 1 if any relative error exceeds TOLERANCE.
//
// The differences use the five-point stencil (f(−2h) − 8f(−h) + 8f(h) − f(2h))/12h: its O(h⁴)
// truncation lets h be large enough (1e-3) that rounding, O(ε·|f|/h), also stays far below
// the tolerance, where plain central differences would leave little room between the two.
import { performance } from "node:perf_hooks";
import { close, median, printTable, RUNS } from "../util.js";
import * as euler from "./euler.js";
import * as gmm from "./gmm.js";
import * as logreg from "./logreg.js";
import * as mlp from "./mlp.js";
import { Rng } from "./rng.js";
import * as rnn from "./rnn.js";
import * as rosenbrock from "./rosenbrock.js";
import * as seed from "./seed.js";

const TOLERANCE = 1e-5;
const STEP = 1e-3;
const DIRECTIONS = 3;

/** One array of parameters, changed in place by the check, and the gradient claimed for it. */
interface Block {
  readonly name: string;
  readonly x: Float64Array;
  readonly grad: Float64Array;
}

interface GradCheck {
  readonly name: string;
  readonly size: string;
  readonly blocks: readonly Block[];
  /** The objective at the blocks' current contents. */
  readonly f: () => number;
}

/** Five-point derivative of `at(s)` at s = 0. */
function fivePoint<T>(at: (s: number) => T, combine: (m2: T, m1: T, p1: T, p2: T) => T): T {
  return combine(at(-2 * STEP), at(-STEP), at(STEP), at(2 * STEP));
}

function unitNormal(rng: Rng, n: number): Float64Array {
  const v = rng.normals(n);
  let norm = 0;
  for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) v[i]! /= norm;
  return v;
}

function relativeError(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** Sets `x` to base + s·v. */
function displace(x: Float64Array, base: Float64Array, v: Float64Array, s: number): void {
  for (let i = 0; i < x.length; i++) x[i] = base[i]! + s * v[i]!;
}

/** Worst relative error of grad·v against the differences of f along v, per block. */
function checkGradient(c: GradCheck, rng: Rng): Map<string, number> {
  const worst = new Map<string, number>();
  for (const block of c.blocks) {
    const base = block.x.slice();
    let err = 0;
    // A direction in one coordinate is just its sign, so one is enough.
    const directions = block.x.length === 1 ? 1 : DIRECTIONS;
    for (let dir = 0; dir < directions; dir++) {
      const v = unitNormal(rng, block.x.length);
      const fd = fivePoint(
        (s) => {
          displace(block.x, base, v, s);
          return c.f();
        },
        (m2, m1, p1, p2) => (m2 - 8 * m1 + 8 * p1 - p2) / (12 * STEP),
      );
      block.x.set(base);
      let analytic = 0;
      for (let i = 0; i < v.length; i++) analytic += block.grad[i]! * v[i]!;
      err = Math.max(err, relativeError(fd, analytic));
    }
    worst.set(block.name, err);
  }
  return worst;
}

/** Worst error, relative to the largest entry, of H·w against the differences of ∇f along w. */
function checkHvp(n: number, rng: Rng): number {
  const inp = rosenbrock.setup(n);
  const base = inp.x.slice();
  let err = 0;
  for (let dir = 0; dir < DIRECTIONS; dir++) {
    const w = unitNormal(rng, n);
    const hv = rosenbrock.hvp({ x: inp.x, v: w });
    const fd = fivePoint(
      (s) => {
        displace(inp.x, base, w, s);
        return rosenbrock.valueAndGrad(inp).grad;
      },
      (m2, m1, p1, p2) => m2.map((g, i) => (g - 8 * m1[i]! + 8 * p1[i]! - p2[i]!) / (12 * STEP)),
    );
    inp.x.set(base);
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(hv[i]!), Math.abs(fd[i]!));
      diff = Math.max(diff, Math.abs(hv[i]! - fd[i]!));
    }
    err = Math.max(err, diff / scale);
  }
  return err;
}

/** Blocks for every Float64Array field of a params record, in the order of its keys. */
function arrayBlocks<P extends Record<keyof P, Float64Array>>(params: P, grad: P): Block[] {
  return (Object.keys(params) as (keyof P & string)[]).map((name) => ({ name, x: params[name], grad: grad[name] }));
}

function gradChecks(): GradCheck[] {
  const checks: GradCheck[] = [];
  {
    const inp = seed.setup();
    const x = new Float64Array([inp.x1, inp.x2]);
    const { grad } = seed.valueAndGrad(inp);
    const g = new Float64Array([grad.x1, grad.x2]);
    checks.push({
      name: "W1 seed",
      size: "scalar",
      blocks: [
        { name: "x1", x: x.subarray(0, 1), grad: g.subarray(0, 1) },
        { name: "x2", x: x.subarray(1, 2), grad: g.subarray(1, 2) },
      ],
      f: () => seed.primal({ x1: x[0]!, x2: x[1]! }),
    });
  }
  {
    const inp = euler.setup({ dt: 1e-2, steps: 1000 });
    const a = new Float64Array([inp.a]);
    checks.push({
      name: "W2 euler",
      size: "1000 steps of 1e-2",
      blocks: [{ name: "a", x: a, grad: new Float64Array([euler.valueAndGrad(inp).grad]) }],
      f: () => euler.primal({ ...inp, a: a[0]! }),
    });
  }
  {
    const inp = mlp.setup({ batch: 5, input: 4, hidden: 6, classes: 3 });
    checks.push({
      name: "W3 mlp",
      size: "4-6-3, batch 5",
      blocks: arrayBlocks(inp.params, mlp.valueAndGrad(inp).grad),
      f: () => mlp.primal(inp),
    });
  }
  {
    const inp = logreg.setup({ rows: 50, features: 7 });
    const { grad } = logreg.valueAndGrad(inp);
    const b = new Float64Array([inp.params.b]);
    const withB = (): logreg.LogregInputs => ({ ...inp, params: { w: inp.params.w, b: b[0]! } });
    checks.push({
      name: "W4 logreg",
      size: "50×7",
      blocks: [
        { name: "w", x: inp.params.w, grad: grad.w },
        { name: "b", x: b, grad: new Float64Array([grad.b]) },
      ],
      f: () => logreg.primal(withB()),
    });
  }
  {
    const inp = rnn.setup({ hidden: 5, input: 3, steps: 12 });
    checks.push({
      name: "W5 rnn",
      size: "hidden 5, input 3, 12 steps",
      blocks: arrayBlocks(inp.params, rnn.valueAndGrad(inp).grad),
      f: () => rnn.primal(inp),
    });
  }
  {
    const inp = gmm.setup({ d: 3, k: 4, n: 20 });
    checks.push({
      name: "W6 gmm",
      size: "d 3, k 4, n 20",
      blocks: arrayBlocks(inp.params, gmm.valueAndGrad(inp).grad),
      f: () => gmm.primal(inp),
    });
  }
  {
    const inp = rosenbrock.setup(10);
    checks.push({
      name: "W7 rosenbrock",
      size: "n 10",
      blocks: [{ name: "x", x: inp.x, grad: rosenbrock.valueAndGrad(inp).grad }],
      f: () => rosenbrock.primal(inp),
    });
  }
  return checks;
}

let failed = false;
const rng = new Rng(42);
console.log(`finite-difference checks (five-point, h = ${STEP}, ${DIRECTIONS} random unit directions per block)`);
const report = (name: string, size: string, err: number, detail: string) => {
  if (!(err <= TOLERANCE)) failed = true;
  const mark = err <= TOLERANCE ? "ok  " : "FAIL";
  console.log(`${mark} ${name.padEnd(16)} ${size.padEnd(28)} max rel err ${err.toExponential(2)}  ${detail}`);
};
for (const c of gradChecks()) {
  const worst = checkGradient(c, rng);
  const detail = [...worst].map(([name, e]) => `${name} ${e.toExponential(1)}`).join(", ");
  report(c.name, c.size, Math.max(...worst.values()), `(${detail})`);
}
report("W7 rosenbrock", "n 10, H·v", checkHvp(10, rng), "(H·w against differences of the gradient)");

/** Where timed results go, so that V8 cannot drop the work that produces them. */
let sink = 0;

interface TimingCase {
  readonly name: string;
  readonly size: string;
  /** Calls per timed section, so that one section of the fastest workloads is measurable. */
  readonly reps: number;
  /** One call of each; `rep` lets a case vary its input so calls cannot be hoisted. */
  readonly primal: (rep: number) => number;
  readonly grad: (rep: number) => number;
  readonly gradLabel: string;
}

function sum(g: Float64Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]!;
  return s;
}

function timingCases(): TimingCase[] {
  const seedInp = seed.setup();
  const seedAt = (rep: number): seed.SeedInputs => ({ x1: seedInp.x1 + rep * 1e-9, x2: seedInp.x2 });
  const eulerInp = euler.setup();
  const mlpInp = mlp.setup();
  const logregInp = logreg.setup();
  const rnnInp = rnn.setup();
  const gmmInp = gmm.setup();
  const rosenInp = rosenbrock.setup();
  const s = mlp.MLP_SIZES;
  return [
    {
      name: "W1 seed",
      size: "scalar",
      reps: 3_000_000,
      primal: (rep) => seed.primal(seedAt(rep)),
      grad: (rep) => {
        const r = seed.valueAndGrad(seedAt(rep));
        return r.value + r.grad.x1 + r.grad.x2;
      },
      gradLabel: "value+grad",
    },
    {
      name: "W2 euler",
      size: `${euler.EULER_SIZES.steps} steps of ${euler.EULER_SIZES.dt}`,
      reps: 1,
      primal: () => euler.primal(eulerInp),
      grad: () => {
        const r = euler.valueAndGrad(eulerInp);
        return r.value + r.grad;
      },
      gradLabel: "value+grad",
    },
    {
      name: "W3 mlp",
      size: `${s.input}-${s.hidden}-${s.classes}, batch ${s.batch}`,
      reps: 100,
      primal: () => mlp.primal(mlpInp),
      grad: () => {
        const r = mlp.valueAndGrad(mlpInp);
        return r.value + sum(r.grad.W1) + sum(r.grad.b2);
      },
      gradLabel: "value+grad",
    },
    {
      name: "W4 logreg",
      size: `${logreg.LOGREG_SIZES.rows}×${logreg.LOGREG_SIZES.features}`,
      reps: 10,
      primal: () => logreg.primal(logregInp),
      grad: () => {
        const r = logreg.valueAndGrad(logregInp);
        return r.value + sum(r.grad.w) + r.grad.b;
      },
      gradLabel: "value+grad",
    },
    {
      name: "W5 rnn",
      size: `hidden ${rnn.RNN_SIZES.hidden}, input ${rnn.RNN_SIZES.input}, ${rnn.RNN_SIZES.steps} steps`,
      reps: 50,
      primal: () => rnn.primal(rnnInp),
      grad: () => {
        const r = rnn.valueAndGrad(rnnInp);
        return r.value + sum(r.grad.Wh);
      },
      gradLabel: "value+grad",
    },
    {
      name: "W6 gmm",
      size: `d ${gmm.GMM_SIZES.d}, k ${gmm.GMM_SIZES.k}, n ${gmm.GMM_SIZES.n}`,
      reps: 5,
      primal: () => gmm.primal(gmmInp),
      grad: () => {
        const r = gmm.valueAndGrad(gmmInp);
        return r.value + sum(r.grad.icf);
      },
      gradLabel: "value+grad",
    },
    {
      name: "W7 rosenbrock",
      size: `n ${rosenbrock.ROSENBROCK_N}`,
      reps: 30_000,
      primal: () => rosenbrock.primal(rosenInp),
      grad: () => {
        const r = rosenbrock.valueAndGrad(rosenInp);
        return r.value + r.grad[0]!;
      },
      gradLabel: "value+grad",
    },
    {
      name: "W7 rosenbrock",
      size: `n ${rosenbrock.ROSENBROCK_N}`,
      reps: 30_000,
      primal: () => rosenbrock.primal(rosenInp),
      grad: () => rosenbrock.hvp(rosenInp)[0]!,
      gradLabel: "H·v",
    },
  ];
}

/** Milliseconds of one section of `reps` calls of f. */
function section(reps: number, f: (rep: number) => number): number {
  const start = performance.now();
  let acc = 0;
  for (let rep = 0; rep < reps; rep++) acc += f(rep);
  sink += acc;
  return performance.now() - start;
}

/**
 * Median ms per call of the primal and of the gradient, over RUNS sections of each after a
 * warm-up section of each. The two alternate so that a change in machine load (other processes
 * share these cores) moves both medians alike instead of skewing their ratio.
 */
function timePair(c: TimingCase): { primal: number; grad: number } {
  section(c.reps, c.primal);
  section(c.reps, c.grad);
  const primal: number[] = [];
  const grad: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    primal.push(section(c.reps, c.primal));
    grad.push(section(c.reps, c.grad));
  }
  return { primal: median(primal) / c.reps, grad: median(grad) / c.reps };
}

/** Full-size sanity check: the gradient code computes the same value as the primal. */
function sameValues(): void {
  const pairs: [string, number, number][] = [
    ["W1 seed", seed.primal(seed.setup()), seed.valueAndGrad(seed.setup()).value],
    ["W2 euler", euler.primal(euler.setup()), euler.valueAndGrad(euler.setup()).value],
    ["W3 mlp", mlp.primal(mlp.setup()), mlp.valueAndGrad(mlp.setup()).value],
    ["W4 logreg", logreg.primal(logreg.setup()), logreg.valueAndGrad(logreg.setup()).value],
    ["W5 rnn", rnn.primal(rnn.setup()), rnn.valueAndGrad(rnn.setup()).value],
    ["W6 gmm", gmm.primal(gmm.setup()), gmm.valueAndGrad(gmm.setup()).value],
    ["W7 rosenbrock", rosenbrock.primal(rosenbrock.setup()), rosenbrock.valueAndGrad(rosenbrock.setup()).value],
  ];
  for (const [name, p, v] of pairs) {
    if (!close(p, v, 1e-12)) {
      failed = true;
      console.log(`FAIL ${name}: primal ${p}, valueAndGrad ${v} at full size`);
    }
  }
}

sameValues();
const rows = timingCases().map((c) => {
  const { primal: p, grad: g } = timePair(c);
  const fmt = (ms: number) => (ms < 0.01 ? `${(ms * 1000).toFixed(3)} µs` : `${ms.toFixed(3)} ms`);
  return [c.name, c.size, c.gradLabel, fmt(p), fmt(g), `${(g / p).toFixed(2)}x`];
});
printTable("hand-written workloads at benchmark size, per call", ["workload", "size", "timed", "primal", "grad", "grad/primal"], rows);
if (!Number.isFinite(sink)) console.log(`(sink ${sink})`);
if (failed) {
  console.log(`\nFAILED: some check exceeded ${TOLERANCE}`);
  process.exitCode = 1;
}
