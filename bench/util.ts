// What compile-time.ts and grad.ts share with run.ts's way of measuring: the median of a few
// runs after a warm-up (the warm-up lets V8 compile the code under test, the VM linearize its
// graphs, and AD build the gradients it builds lazily), and a plain right-aligned table.
import { performance } from "node:perf_hooks";

export const RUNS = 5;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median milliseconds of RUNS timed sections after one warm-up, and the warm-up's result.
 * `setup` runs before each section outside the timer, so a section can start from fresh state.
 */
export function timeMs<S, R>(setup: () => S, section: (state: S) => R): { ms: number; result: R } {
  const result = section(setup());
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const state = setup();
    const start = performance.now();
    section(state);
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

/** Relative agreement, for results whose floating-point sums may be ordered differently. */
export function close(a: number, b: number, tolerance = 1e-9): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[], method = `median of ${RUNS} runs after a warm-up`): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  console.log(`\n${title}`);
  console.log(`${method}; node ${process.version}`);
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(r));
}
