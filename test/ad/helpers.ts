// Shared by the AD tests: compile a Myx program, differentiate one of its defs with `grad`, and
// compare against central finite differences of the same def run on the VM. Checking against FD
// of the program itself (rather than of a JS transcription) tests exactly what users run.
import { expect } from "vitest";
import { compile, MyxError, type Backend, type CompileOptions, type MyxModule } from "../../src/index.js";
import { myxError } from "../helpers/errors.js";
import { centralDiff } from "../helpers/finite-difference.js";

export const load = (source: string, backend?: Backend): MyxModule => compile(source, { filename: "ad.myx", backend });

/** Runs a program and returns what it printed. */
export const run = (source: string): string => load(source).run();

export interface Tolerance {
  /** Relative to the larger magnitude of the two. */
  readonly rel?: number;
  /** An absolute floor, for derivatives near zero where FD's rounding error dominates. */
  readonly abs?: number;
}

export function isClose(got: number, want: number, { rel = 1e-6, abs = 1e-9 }: Tolerance = {}): boolean {
  if (!Number.isFinite(want) || !Number.isFinite(got)) return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
  return Math.abs(got - want) <= rel * Math.max(Math.abs(got), Math.abs(want)) + abs;
}

export function expectClose(got: unknown, want: number, tol: Tolerance = {}, what = ""): void {
  expect(typeof got, `${what}: expected a Num, got ${String(got)}`).toBe("number");
  if (!isClose(got as number, want, tol)) {
    expect.fail(`${what}: got ${String(got)}, expected ${want} (difference ${Math.abs((got as number) - want)}, tolerance ${JSON.stringify(tol)})`);
  }
}

/**
 * `source` defines `name` with `arity` Num parameters. Adds `def __gK(…) = grad(name, K)(…)` for
 * each K, and checks every partial at every point against central differences of `name`.
 */
export function checkGradAgainstFd(
  source: string,
  name: string,
  points: readonly (readonly number[])[],
  options: Tolerance & { args?: readonly number[]; h?: number; backend?: Backend } = {},
): void {
  const arity = points[0]!.length;
  const ps = Array.from({ length: arity }, (_, i) => `p${i}`).join(", ");
  const args = options.args ?? Array.from({ length: arity }, (_, i) => i);
  const wrappers = args.map((k) => `def __g${k}(${ps}) = grad(${name}, ${k})(${ps});`).join("\n");
  const m = load(`${source}\n${wrappers}\n`, options.backend);
  const f = m.fn(name) as (...xs: number[]) => number;
  for (const xs of points) {
    for (const k of args) {
      const what = `∂${name}/∂arg${k} at (${xs.join(", ")}) of\n${source}\n`;
      expectClose(m.fn(`__g${k}`)(...xs), centralDiff(f, xs, k, options.h), options, what);
    }
  }
}

/** True when the language has a builtin of this name (e.g. `jvp`, which is written concurrently). */
export function hasBuiltin(name: string): boolean {
  try {
    load(`def __probe() = ${name};`);
    return true;
  } catch (e) {
    if (e instanceof MyxError) return false;
    throw e;
  }
}

/** The helpers above, and compile and myxError, running programs on one backend. */
export function on(backend: Backend) {
  return {
    load: (source: string) => load(source, backend),
    run: (source: string) => load(source, backend).run(),
    compile: (source: string, options: CompileOptions = {}) => compile(source, { ...options, backend }),
    myxError: (source: string, options: CompileOptions = {}) => myxError(source, { ...options, backend }),
    checkGradAgainstFd: (...[source, name, points, options]: Parameters<typeof checkGradAgainstFd>) => checkGradAgainstFd(source, name, points, { ...options, backend }),
  };
}
