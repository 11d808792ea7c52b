// Gradient code before and after the optimizer (issue 4's bench ratios): each workload runs
// `grad` inside Myx, compiled with `optimize: false` and with the default optimizer, and the
// same value and gradient written by hand in TypeScript (the derivative derived by hand, so V8
// compiles what an ideal AD would emit). Every Myx call includes building its gradient closure,
// but J itself never runs in a timed call: the optimizer builds it when compiling, and without
// the optimizer it is built on first use, in the warm-up. The numbers are for reading only.
import { compile } from "../src/index.js";
import { close, printTable, timeMs } from "./util.js";

interface Workload {
  readonly name: string;
  /** Defines `run(arg)`, which computes the workload's gradients. */
  readonly source: string;
  readonly arg: number;
  /** The value and gradient by hand; returns what `run` returns. */
  readonly native: (arg: number) => number;
}

/**
 * Where the hand-written versions leave the values they compute but `run` does not return (a
 * gradient call computes the value too), so that V8 cannot drop that work as dead code.
 */
let sink = 0;

const SEED = "def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));";

/** f and ∂f/∂x1 + ∂f/∂x2 of the seed function, with u = x1/x2, e = exp(x2), f = A·B. */
function seedValueAndGrad(x1: number, x2: number): number {
  const u = x1 / x2;
  const e = Math.exp(x2);
  const a = Math.sin(u) + u - e;
  const b = u - e;
  sink += a * b;
  const du1 = 1 / x2;
  const du2 = -x1 / (x2 * x2);
  const dA = Math.cos(u) + 1;
  const g1 = dA * du1 * b + a * du1;
  const g2 = (dA * du2 - e) * b + a * (du2 - e);
  return g1 + g2;
}

/** Forward-mode by hand through fibx: returns the value and leaves d/dx in `fibDx`. */
let fibDx = 0;
function fibValueAndDx(x: number, n: number): number {
  if (n < 2) {
    fibDx = Math.cos(x + n);
    return Math.sin(x + n);
  }
  const v1 = fibValueAndDx(x, n - 1);
  const d1 = fibDx;
  const v2 = fibValueAndDx(x, n - 2);
  const d2 = fibDx;
  fibDx = d1 + d2 * x + v2;
  return v1 + v2 * x;
}

const workloads: Workload[] = [
  {
    name: "seed f value+grad, 10^5 calls",
    source: [
      SEED,
      "def run(n) {",
      "  var s = 0;",
      "  for i in 0..n {",
      "    let (g1, g2) = grad(f, (0, 1))(1.5 + i * 0.00001, 0.5);",
      "    s = s + g1 + g2;",
      "  }",
      "  s",
      "}",
    ].join("\n"),
    arg: 100_000,
    native: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s = s + seedValueAndGrad(1.5 + i * 0.00001, 0.5);
      return s;
    },
  },
  {
    name: "grad of a 10^5-iteration loop",
    source: [
      "def loop_sum(x) { var s = 0; for i in 0..100000 { s = s + x * 0.000001; } s }",
      "def run(x) = grad(loop_sum)(x);",
    ].join("\n"),
    arg: 1,
    native: (x) => {
      let s = 0;
      let ds = 0;
      for (let i = 0; i < 100_000; i++) {
        s = s + x * 0.000001;
        ds = ds + 0.000001;
      }
      sink += s;
      return ds;
    },
  },
  {
    name: "grad of fib-like recursion, n = 22",
    // Both branches use x, and the product makes the derivative need the value too.
    source: [
      "def fibx(x, n) = if n < 2 { sin(x + n) } else { fibx(x, n - 1) + fibx(x, n - 2) * x };",
      "def run(n) = grad(fibx, 0)(0.5, n);",
    ].join("\n"),
    arg: 22,
    native: (n) => {
      sink += fibValueAndDx(0.5, n);
      return fibDx;
    },
  },
];

/** Median ms of `run(arg)` in a module compiled with or without the optimizer, and its result. */
function timeMyx(w: Workload, optimize: boolean): { ms: number; result: number } {
  // Compiled and warmed up (which builds J of the differentiated function) before the next
  // module is compiled: each compile installs its own choice of optimizer for the gradients AD
  // builds at run time.
  const run = compile(w.source, { filename: "grad.myx", optimize }).fn("run");
  const { ms, result } = timeMs(
    () => w.arg,
    (arg) => run(arg),
  );
  return { ms, result: result as number };
}

const rows: string[][] = [];
for (const w of workloads) {
  const plain = timeMyx(w, false);
  const optimized = timeMyx(w, true);
  const native = timeMs(() => w.arg, w.native);
  for (const [label, r] of [["no-opt", plain.result], ["opt", optimized.result]] as const) {
    if (!close(r, native.result)) throw new Error(`${w.name}: myx (${label}) gave ${r}, TypeScript ${native.result}`);
  }
  rows.push([
    w.name,
    plain.ms.toFixed(1),
    optimized.ms.toFixed(1),
    native.ms.toFixed(2),
    `${(plain.ms / native.ms).toFixed(0)}x`,
    `${(optimized.ms / native.ms).toFixed(0)}x`,
    `${(plain.ms / optimized.ms).toFixed(1)}x`,
  ]);
}

printTable(
  "grad code before and after the optimizer, against the derivative written by hand in TypeScript",
  ["workload", "no-opt ms", "opt ms", "ts ms", "no-opt/ts", "opt/ts", "no-opt/opt"],
  rows,
);
// Printed so that nothing the hand-written versions compute is dead code to V8.
if (!Number.isFinite(sink)) console.log(`(sink ${sink})`);
