// This checkout of Myx against another, in one process: `npx tsx bench/ab.ts DIR [W3 W6 …]`,
// DIR a checkout of an earlier version (say `git worktree add /tmp/myx-old HEAD~3`, with a
// node_modules). For each workload (workload-defs.ts) both versions must give the same value
// and gradient, bit for bit (a difference is printed loudly and makes the exit status 1), then
// their value+grad calls are timed in turns, the median of 9 sections after a warm-up; and so
// is compiling the workload's program (with the optimizer, which builds the gradients the
// program asks for). For speed claims
// between versions: machines here swing by half from one minute to the next, and turns in one
// process see the same swings. The numbers are for reading, never for asserting.
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as mine from "../src/index.js";
import { median, printTable } from "./util.js";
import { programOf, workloads, type Lib, type Workload } from "./workload-defs.js";

const [dir, ...only] = process.argv.slice(2);
if (dir === undefined) {
  console.error("usage: npx tsx bench/ab.ts DIR [workload prefixes…], DIR another checkout of Myx");
  process.exit(2);
}

const loaded: unknown = await import(pathToFileURL(resolve(dir, "src/index.ts")).href);
if (typeof loaded !== "object" || loaded === null || !("compile" in loaded) || !("Tensor" in loaded) || typeof loaded.compile !== "function") {
  throw new Error(`${dir}/src/index.ts does not export compile and Tensor`);
}
/** The other version, whose library has the shape of this one's (checked above as far as it can be). */
const theirs = loaded as Lib;

const SECTIONS = 9;

/** The same value, as both versions give it: numbers by Object.is, arrays element by element, structures item by item. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a instanceof mine.Tensor || b instanceof theirs.Tensor) {
    const [x, y] = [a as mine.Tensor, b as mine.Tensor];
    return x.shape.join() === y.shape.join() && x.data.every((v, i) => Object.is(v, y.data[i]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const [ka, kb] = [Object.keys(a), Object.keys(b)];
    return ka.join() === kb.join() && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Milliseconds per call of one section. */
function section(reps: number, f: (rep: number) => unknown): number {
  const start = performance.now();
  for (let rep = 0; rep < reps; rep++) f(rep);
  return (performance.now() - start) / reps;
}

/** Median ms of `run` for each side, taken in turns (who goes first alternating), after a warm-up of each. */
function inTurns(mineRun: () => number, theirsRun: () => number): [number, number] {
  mineRun();
  theirsRun();
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < SECTIONS; i++) {
    if (i % 2 === 0) times[0].push(mineRun()), times[1].push(theirsRun());
    else times[1].push(theirsRun()), times[0].push(mineRun());
  }
  return [median(times[0]), median(times[1])];
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

const chosen = only.length === 0 ? workloads : workloads.filter(([name]) => only.some((prefix) => name.startsWith(prefix)));
const rows: string[][] = [];
let differ = 0;
for (const [name, file, build] of chosen) {
  const ws: [Workload, Workload] = [build(mine), build(theirs)];
  const results = ws.map((w) => w.myxGrad(0));
  const agree = same(results[0], results[1]);
  if (!agree) {
    differ++;
    console.log(`\n*** ${name}: the two versions give different values or gradients\n`);
  }
  const [m, t] = inTurns(
    () => section(ws[0].myxReps, ws[0].myxGrad),
    () => section(ws[1].myxReps, ws[1].myxGrad),
  );
  const source = programOf(file);
  const [cm, ct] = inTurns(
    () => section(5, () => mine.compile(source)),
    () => section(5, () => theirs.compile(source)),
  );
  rows.push([name, fmt(t), fmt(m), (m / t).toFixed(3), fmt(ct), fmt(cm), (cm / ct).toFixed(3), agree ? "same" : "DIFFERENT"]);
}

printTable(
  `this checkout against ${dir}, in turns in one process: value+grad per call, and compiling the program`,
  ["workload", "theirs", "mine", "mine/theirs", "compile: theirs", "compile: mine", "mine/theirs", "results"],
  rows,
  `median of ${SECTIONS} sections after a warm-up`,
);
if (differ > 0) process.exitCode = 1;
