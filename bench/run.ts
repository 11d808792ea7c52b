// `npm run bench`: how much slower each backend (compiled JavaScript, the VM) is than the same
// computation written by hand in TypeScript (and so JIT-compiled by V8). Each case is compiled
// outside the timer; execution is timed as the median of 5 runs after a warm-up run, which also
// lets the backends build their code.
// The numbers are for reading, never for asserting: nothing in the test suite depends on speed.
import { performance } from "node:perf_hooks";
import { compile, frontEnd, newMachine } from "../src/index.js";
import type { Value } from "../src/runtime/values.js";

interface Case {
  readonly name: string;
  readonly source: string;
  /** The top-level def that runs the computation, and its argument. */
  readonly entry: string;
  readonly n: number;
  /** The same computation in TypeScript; `n` is a parameter so V8 cannot fold it away. */
  readonly native: (n: number) => number;
}

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

const cases: Case[] = [
  {
    name: "scalar loop, 10^7 iterations",
    source: "def run(n) {\n  var s = 0;\n  for i in 0..n {\n    s = s + i * 0.5;\n  }\n  s\n}\n",
    entry: "run",
    n: 10_000_000,
    native: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s = s + i * 0.5;
      return s;
    },
  },
  {
    name: "fib(25), naive recursion",
    source: "def fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) };\n",
    entry: "fib",
    n: 25,
    native: fib,
  },
  {
    name: "closure fold, 10^6 calls",
    source: [
      "def make_step(k) = |acc, x| acc + k * x;",
      "def fold_range(f, n) {",
      "  var acc = 0;",
      "  for i in 0..n {",
      "    acc = f(acc, i);",
      "  }",
      "  acc",
      "}",
      "def run(n) = fold_range(make_step(3), n);",
    ].join("\n"),
    entry: "run",
    n: 1_000_000,
    native: (n) => {
      const makeStep = (k: number) => (acc: number, x: number) => acc + k * x;
      const step = makeStep(3);
      let acc = 0;
      for (let i = 0; i < n; i++) acc = step(acc, i);
      return acc;
    },
  },
];

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds of each of RUNS calls after one warm-up call, and the warm-up's result. */
function time(f: () => Value): { ms: number; result: Value } {
  const result = f();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

const header = ["benchmark", "compile ms", "js ms", "vm ms", "ts ms", "js/ts", "vm/ts"];
const rows: string[][] = [];
for (const c of cases) {
  const compile = time(() => {
    frontEnd(c.source, { filename: `${c.entry}.myx` });
    return 0;
  });
  const { module } = frontEnd(c.source, { filename: `${c.entry}.myx` });
  const graph = module.defs.get(c.entry);
  if (graph === undefined) throw new Error(`${c.name}: no def ${c.entry}`);
  const [js, vm] = (["js", "vm"] as const).map((backend) => {
    const machine = newMachine(backend, { print: () => {} });
    return time(() => machine.run(graph, [c.n]));
  }) as [{ ms: number; result: Value }, { ms: number; result: Value }];
  const native = time(() => c.native(c.n));
  for (const myx of [js, vm]) {
    if (myx.result !== native.result) throw new Error(`${c.name}: myx gave ${String(myx.result)}, TypeScript ${String(native.result)}`);
  }
  const ratio = (ms: number) => `${(ms / native.ms).toFixed(ms / native.ms < 10 ? 1 : 0)}x`;
  rows.push([c.name, compile.ms.toFixed(2), js.ms.toFixed(1), vm.ms.toFixed(1), native.ms.toFixed(2), ratio(js.ms), ratio(vm.ms)]);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
console.log(`median of ${RUNS} runs after a warm-up; node ${process.version}`);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line(r));

// The library boundary (issue 22, item 6): a call from JavaScript into a compiled def, numbers in,
// a number or a tuple out, beside the same function called directly in JavaScript.
const boundary: [name: string, source: string, native: (x: number, y: number) => unknown][] = [
  ["def id(x, y) = x", "def f(x, y) = x;", (x) => x],
  ["def pair(x, y) = (x + y, x * y)", "def f(x, y) = (x + y, x * y);", (x, y) => [x + y, x * y]],
];
const CALLS = 1_000_000;
const perCall = (f: (x: number, y: number) => unknown): number => {
  let s = 0;
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const r = f(i, 2);
    s += typeof r === "number" ? r : (r as number[])[0]!;
  }
  if (!Number.isFinite(s)) console.log(s);
  return ((performance.now() - start) / CALLS) * 1e6;
};
const boundaryRows = boundary.map(([name, source, native]) => {
  const fns = (["js", "vm"] as const).map((backend) => compile(source, { backend }).fn("f") as (x: number, y: number) => unknown);
  const cases = [...fns, native];
  for (const f of cases) perCall(f);
  const times = cases.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) cases.forEach((f, i) => times[i]!.push(perCall(f)));
  return [name, ...times.map((t) => `${median(t).toFixed(0)} ns`)];
});
console.log(`\nlibrary calls, ${CALLS} per timing, median of ${RUNS}`);
const bHeader = ["call", "js", "vm", "js function"];
const bWidths = bHeader.map((h, i) => Math.max(h.length, ...boundaryRows.map((r) => r[i]!.length)));
const bLine = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(bWidths[i]!) : cell.padStart(bWidths[i]!))).join("  ");
console.log(bLine(bHeader));
console.log(bLine(bWidths.map((w) => "-".repeat(w))));
for (const r of boundaryRows) console.log(bLine(r));
