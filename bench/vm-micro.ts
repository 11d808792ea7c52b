// A micro-benchmark of the VM on hand-built graphs: `npx tsx bench/vm-micro.ts` (or the same file
// compiled by tsc, as the package ships). It reports the best of several runs, in wall-clock time
// and in CPU time (which counts the garbage collector's threads too).
import { Machine } from "../src/vm/index.js";
import { depthFn, sumLoop } from "../test/vm/build.js";

function measure(n: number, body: () => unknown): [number, number] {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  body();
  const t = process.cpuUsage(cpu);
  return [((performance.now() - wall) * 1e6) / n, ((t.user + t.system) * 1000) / n];
}

function report(label: string, unit: string, [wall, cpu]: [number, number]): void {
  console.log(`${label}: ${wall.toFixed(1)} ns/${unit} (cpu ${cpu.toFixed(1)})`);
}

function best(label: string, n: number, unit: string, body: () => unknown): void {
  let min: [number, number] = [Infinity, Infinity];
  for (let r = 0; r < 7; r++) {
    const [wall, cpu] = measure(n, body);
    min = [Math.min(min[0], wall), Math.min(min[1], cpu)];
  }
  report(label, unit, min);
}

const machine = new Machine({ print: (line) => console.log(line) });
const sum = sumLoop();
const depth = depthFn();
best("loop, 10^7 iterations", 1e7, "iteration", () => machine.run(sum, [1e7]));
best("non-tail recursion, depth 10^6", 1e6, "call", () => machine.run(depth, [1e6]));
best("non-tail recursion, depth 10^3 x 10^3", 1e6, "call", () => {
  for (let i = 0; i < 1000; i++) machine.run(depth, [1000]);
});
const fresh = new Machine({ print: (line) => console.log(line) });
report("first deep run on a fresh machine", "call", measure(1e6, () => fresh.run(depth, [1e6])));
