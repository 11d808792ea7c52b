// Workloads W1–W7 in Myx against the hand-written TypeScript of bench/hand/ (the workloads are
// in workload-defs.ts), on both backends. Each workload's Myx value and gradient are first
// checked against the hand version (a failure is printed loudly and makes the exit status 1), then
// timed: per call, the median of a few sections after a warm-up section, the hand value+grad, the
// Myx primal and value+grad on the JS backend and the value+grad on the VM (the hand primal too,
// for its grad/primal ratio) alternating so that a change in machine load moves them alike. The
// first call is timed apart: compiling the program and one value+grad call, on a fresh module. Every Myx call goes through the library (`m.fn(name)(...)`),
// conversions of arguments and results included. The numbers are for reading, never for
// asserting: nothing in the test suite depends on speed.
import { performance } from "node:perf_hooks";
import * as myx from "../src/index.js";
import { median, printTable, RUNS } from "./util.js";
import { blockError, TOLERANCE, workloads, type Lib, type Workload } from "./workload-defs.js";

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
  readonly jsPrimal: number;
  readonly jsGrad: number;
  readonly vmGrad: number;
}

/** Median ms per call of each, over `js.runs` alternating sections after a warm-up of each. */
function time(js: Workload, vm: Workload): Timing {
  const cases = [
    [js.handReps, js.handPrimal],
    [js.handReps, js.handGrad],
    [js.myxReps, js.myxPrimal],
    [js.myxReps, js.myxGrad],
    [vm.myxReps, vm.myxGrad],
  ] as const;
  for (const [reps, f] of cases) section(reps, f);
  const times: number[][] = cases.map(() => []);
  for (let run = 0; run < js.runs; run++) cases.forEach(([reps, f], i) => times[i]!.push(section(reps, f)));
  const [handPrimal, handGrad, jsPrimal, jsGrad, vmGrad] = times.map(median) as [number, number, number, number, number];
  return { handPrimal, handGrad, jsPrimal, jsGrad, vmGrad };
}

/** The library running programs on one backend. */
const on = (backend: myx.Backend): Lib => ({ Tensor: myx.Tensor, compile: (source, options) => myx.compile(source, { ...options, backend }) });

/** Milliseconds from nothing to the first value+grad: compiling the program (and the hand inputs' setup) and one call. */
function firstCall(build: (lib: Lib) => Workload, lib: Lib): number {
  const start = performance.now();
  build(lib).myxGrad(0);
  return performance.now() - start;
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
  const built: Workload[] = [];
  let err = 0;
  try {
    const first = [firstCall(build, on("js")), firstCall(build, on("vm"))];
    for (const backend of ["js", "vm"] as const) {
      const w = build(on(backend));
      const errors = w.check().map((b) => [b.name, blockError(b, myx.Tensor)] as const);
      const worst = Math.max(...errors.map(([, e]) => e));
      err = Math.max(err, worst);
      if (!(worst <= TOLERANCE)) {
        const detail = errors.map(([block, e]) => `${block} ${e.toExponential(1)}`).join(", ");
        failures.push(`${name} (${backend}): Myx disagrees with the hand version (relative error ${detail}; tolerance ${TOLERANCE})`);
        console.log(`\n*** FAIL ${failures[failures.length - 1]}\n`);
      }
      built.push(w);
    }
    const [js, vm] = built as [Workload, Workload];
    const t = time(js, vm);
    rows.push([
      name,
      js.size,
      js.timed,
      String(js.runs),
      fmt(t.handGrad),
      fmt(t.jsGrad),
      ratio(t.jsGrad, t.handGrad),
      ratio(t.vmGrad, t.handGrad),
      ratio(t.jsGrad, t.jsPrimal),
      ratio(t.handGrad, t.handPrimal),
      `${first[0]!.toFixed(0)} / ${first[1]!.toFixed(0)}`,
      err <= TOLERANCE ? err.toExponential(1) : `${err.toExponential(1)} FAIL`,
    ]);
  } catch (e) {
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    console.log(`\n*** FAIL ${failures[failures.length - 1]}\n`);
  }
}

printTable(
  `workloads W1–W7, Myx (through the library) against hand-written TypeScript, per call (runs: timed sections, RUNS = ${RUNS} unless fewer); first call: compile + one value+grad, js / vm`,
  ["workload", "size", "timed", "runs", "hand", "myx js", "js/hand", "vm/hand", "js grad/primal", "hand grad/primal", "first call ms", "max rel err"],
  rows,
);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (!Number.isFinite(sink)) console.log(`(sink ${sink})`);
if (failures.length > 0) {
  console.log(`\nFAILED: ${failures.length} workload(s)`);
  for (const f of failures) console.log(`  ${f}`);
  process.exitCode = 1;
}
