// Compile time of the optimizer, and whether it grows about linearly with the program. Each
// program of the family is many small defs (arithmetic, lets, a closure, an `if`, a short `for`
// loop, a call of the previous def) and one `loss` that sums them all. For each size we time
// the front end with and without the optimizer, and building plus optimizing the gradient graph
// of `loss` the way `myx ir --grad` does. The numbers are for reading, never for asserting.
import { performance } from "node:perf_hooks";
import { gradientGraph } from "../src/ad/gradient-graph.js";
import { Session } from "../src/ad/session.js";
import { irStats } from "../src/cli/stats.js";
import { compile, frontEnd } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import { optimize } from "../src/opt/optimize.js";
import { close, median, printTable, RUNS, timeMs } from "./util.js";

/**
 * Calls chain in runs of CHAIN defs (f1 calls f0, f2 calls f1, f3 calls f2, f4 calls none): enough
 * for the inliner to see calls of calls, while the cost of running `loss` stays linear in the
 * number of defs, as in a real program where not every function calls every other.
 */
const CHAIN = 4;

/** One def of 10 lines; constants vary with `i` so CSE cannot merge different defs. */
function unit(i: number): string[] {
  const c = (k: number, shift = 0) => ((((i * 7 + k * 3) % 11) + 1 + shift) / 10).toString();
  const call = i % CHAIN === 0 ? "0" : `f${i - 1}(a, b)`;
  return [
    `def f${i}(x, y) {`,
    `  let a = tanh(x * ${c(1)} + y * ${c(2)});`,
    `  let b = sin(a) - y / ${c(3, 10)};`,
    `  let scale = |z| z * b + ${c(4)};`,
    `  var s = a;`,
    `  for k in 0..3 { s = s * 0.5 + b * x; }`,
    `  let t = if a > ${c(5, -6)} { scale(s) + b } else { s - b * b };`,
    `  let u = ${call};`,
    `  tanh(t) * a + 0.5 * u`,
    `}`,
  ];
}

/** The smallest program of the family with at least `target` lines: defs f0…fn-1, then loss. */
function program(target: number): { source: string; lines: number; defs: number } {
  for (let n = 1; ; n++) {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(...unit(i));
    lines.push("def loss(x, y) {", "  var total = 0;");
    for (let i = 0; i < n; i++) lines.push(`  total = total + f${i}(x, y);`);
    lines.push("  total", "}");
    if (lines.length >= target) return { source: `${lines.join("\n")}\n`, lines: lines.length, defs: n };
  }
}

/** The `loss` of a fresh, optimized compile. */
function lossOf(source: string): Graph {
  const loss = frontEnd(source, { filename: "family.myx" }).module.defs.get("loss");
  if (loss === undefined) throw new Error("the generated program has no loss");
  return loss;
}

/**
 * The generated program must run and differentiate, and the optimizer must not change its
 * results (beyond rounding of reordered gradient sums); checked once, outside every timer.
 */
function check(source: string): void {
  const withGrad = `${source}def loss_grad(x, y) = grad(loss, (0, 1))(x, y);\n`;
  const results = [false, true].map((opt) => {
    // Each module is run before the next is compiled: the optimizer that AD runs on gradients
    // built at run time is installed by the latest compile.
    const m = compile(withGrad, { filename: "family.myx", optimize: opt });
    const value = m.fn("loss")(0.3, 0.7) as number;
    const gradient = m.fn("loss_grad")(0.3, 0.7) as number[];
    return [value, ...gradient];
  });
  const [plain, optimized] = results as [number[], number[]];
  if (!plain.every((v, i) => Number.isFinite(v) && close(v, optimized[i]!))) {
    throw new Error(`optimized and unoptimized results differ: ${plain.join(", ")} vs ${optimized.join(", ")}`);
  }
}

/**
 * Differentiates `loss` as `myx ir --grad` does, timing its three parts: J itself, the
 * optimizer AD runs on each unit it makes (here wrapped in a timer), and the final optimize of
 * the gradient graph. Returns the gradient's size too.
 */
function differentiate(loss: Graph) {
  let unitOptMs = 0;
  // As src/index.ts makes it: at each fixed point AD lifts its loops, branches and recursions.
  const session: Session = new Session((roots, owned, atFixedPoint) => {
    const start = performance.now();
    optimize(roots, owned, { atFixedPoint, session });
    unitOptMs += performance.now() - start;
  });
  const start = performance.now();
  const g = gradientGraph(session, loss);
  const built = performance.now();
  optimize([g], new Set([g]), { session });
  const end = performance.now();
  return { total: end - start, j: built - start - unitOptMs, unit: unitOptMs, final: end - built, stats: irStats(g) };
}

/**
 * Gradients timed per size. More than RUNS: on these shared machines a median of 5 moved by half
 * from one run to the next, and a gradient of the largest program takes well under a second.
 */
const GRADIENT_RUNS = 3 * RUNS;

/**
 * Median of each part over GRADIENT_RUNS samples after a warm-up, each from a fresh compile: J
 * caches the transform of each graph, so differentiating the same `loss` twice would time a cache hit.
 */
function timeGradient(source: string) {
  const samples = [];
  for (let i = 0; i <= GRADIENT_RUNS; i++) samples.push(differentiate(lossOf(source)));
  const rest = samples.slice(1);
  const med = (part: (s: (typeof rest)[number]) => number) => median(rest.map(part));
  // The fastest sample too: on a shared machine the median moves by half from one run to the next.
  const best = Math.min(...rest.map((s) => s.total));
  return { total: med((s) => s.total), best, j: med((s) => s.j), unit: med((s) => s.unit), final: med((s) => s.final), stats: samples[0]!.stats };
}

// The smallest programs take a few milliseconds, less than V8 needs to optimize the compiler
// itself, so the compiler is first run a few times on the largest program, untimed.
const largest = program(400).source;
for (let i = 0; i < 3; i++) {
  frontEnd(largest, { optimize: false });
  differentiate(lossOf(largest));
}

const compileRows: string[][] = [];
const gradientRows: string[][] = [];
for (const target of [50, 100, 200, 400]) {
  const { source, lines, defs } = program(target);
  check(source);
  const plain = timeMs(() => source, (s) => frontEnd(s, { filename: "family.myx", optimize: false }));
  const optimized = timeMs(() => source, (s) => frontEnd(s, { filename: "family.myx", optimize: true }));
  const gradient = timeGradient(source);
  const perLine = (ms: number) => ((ms * 1000) / lines).toFixed(0);
  compileRows.push([
    String(lines),
    String(defs),
    plain.ms.toFixed(2),
    optimized.ms.toFixed(2),
    gradient.total.toFixed(2),
    gradient.best.toFixed(2),
    perLine(plain.ms),
    perLine(optimized.ms),
    perLine(gradient.total),
  ]);
  gradientRows.push([
    String(lines),
    String(irStats(lossOf(source)).applies),
    String(gradient.stats.applies),
    String(gradient.stats.graphs),
    String(gradient.stats.calls),
    gradient.j.toFixed(2),
    gradient.unit.toFixed(2),
    gradient.final.toFixed(2),
  ]);
}

printTable(
  `compile time: frontEnd without / with the optimizer; grad = gradientGraph(loss) + optimize (median of ${GRADIENT_RUNS}, and the fastest); flat µs/line = linear growth`,
  ["lines", "defs", "no-opt ms", "opt ms", "grad ms", "grad min ms", "no-opt µs/line", "opt µs/line", "grad µs/line"],
  compileRows,
);
printTable(
  `where the grad ms go (medians of ${GRADIENT_RUNS}): J itself, the optimizer AD runs on each unit, the final optimize; and the optimized gradient's size`,
  ["lines", "primal applies", "grad applies", "grad graphs", "grad calls", "J ms", "unit opt ms", "final opt ms"],
  gradientRows,
);
