// Workloads W1–W7 in Myx against the hand-written TypeScript of bench/hand/ (the workloads are
// in workload-defs.ts). Each workload's Myx value and gradient are first checked against the hand
// version (a failure is printed loudly and makes the exit status 1), then timed: per call, the
// median of a few sections after a warm-up section, the hand value+grad, the Myx primal and the
// Myx value+grad (the hand primal too, for its grad/primal ratio) alternating so that a change in
// machine load moves them alike. Every Myx call goes through the library (`m.fn(name)(...)`),
// conversions of arguments and results included. The numbers are for reading, never for
// asserting: nothing in the test suite depends on speed.
import { performance } from "node:perf_hooks";
import * as myx from "../src/index.js";
import { median, printTable, RUNS } from "./util.js";
import { blockError, TOLERANCE, workloads, type Workload } from "./workload-defs.js";

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


/** `npx tsx bench/workloads.ts W3 W6` runs only the workloads whose names start with an argument. */
const only = process.argv.slice(2);
const chosen = only.length === 0 ? workloads : workloads.filter(([name]) => only.some((prefix) => name.startsWith(prefix)));

const failures: string[] = [];
const rows: string[][] = [];
const started = performance.now();
for (const [name, , build] of chosen) {
  let w: Workload;
  let err: number;
  try {
    w = build(myx);
    const blocks = w.check();
    const errors = blocks.map((b) => [b.name, blockError(b, myx.Tensor)] as const);
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
