// Random well-formed scalar programs `def f(x, y) { … }` (helpers/programs/smooth.ts),
// differentiated and compared with finite differences. Each is both printed as Myx and evaluated
// by a reference interpreter: the interpreter gives the value to check the VM against, and the
// outcome of every comparison the run evaluated. A point is used only if every point of the
// finite-difference stencil takes the same branches as the point itself (the exact form of "the
// comparison margin is larger than the step"); otherwise FD would measure a jump, not the
// derivative of the branch taken, and the point is rejected instead of reported.
//
// Every fifth program also has its second derivatives checked against finite differences of its
// gradient. `npm test` runs 500 programs from a fixed seed; `npm run fuzz:ad` runs 10,000 from a
// random one. MYX_FUZZ_SEED=<n> replays a run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MyxModule } from "../../src/index.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { coordinate, finiteDifference, stencil } from "../helpers/finite-difference.js";
import { block } from "../helpers/programs/scalar.js";
import { evaluate, expr, program, type Expr, type Trace } from "../helpers/programs/smooth.js";
import { hasBuiltin, isClose, load } from "./helpers.js";

const RUNS = Number(process.env.MYX_FUZZ_RUNS ?? 500);
const SEED = fuzzSeed("MYX_FUZZ_SEED", 20261205);

// ---- Derivative oracles: each gives (∂f/∂x, ∂f/∂y). More modes (jvp) slot in beside grad.

interface Oracle {
  readonly name: string;
  /** Defs appended to the program. */
  readonly defs: string;
  readonly partials: (m: MyxModule, x: number, y: number) => readonly [unknown, unknown];
}

const oracles: Oracle[] = [
  {
    name: "grad",
    defs: "def __d0(x, y) = grad(f, 0)(x, y);\ndef __d1(x, y) = grad(f, 1)(x, y);",
    partials: (m, x, y) => [m.fn("__d0")(x, y), m.fn("__d1")(x, y)],
  },
];
// `jvp(f, (x, y), (tx, ty))` returns (value, tangent): forward mode must agree with reverse mode.
if (hasBuiltin("jvp")) {
  oracles.push({
    name: "jvp",
    defs: "def __t0(x, y) = jvp(f, (x, y), (1, 0))[1];\ndef __t1(x, y) = jvp(f, (x, y), (0, 1))[1];",
    partials: (m, x, y) => [m.fn("__t0")(x, y), m.fn("__t1")(x, y)],
  });
}

type Point = readonly [number, number];

/** Whether every stencil point takes the branches `p` takes, with finite values. */
function branchesStable(e: Expr, p: Point, trace: Trace): boolean {
  const same = trace.join();
  for (const k of [0, 1] as const) {
    const { h, at } = stencil(p, k);
    for (const s of [h, -h, h / 2, -h / 2]) {
      const tr: Trace = [];
      if (!Number.isFinite(evaluate(e, at(s), tr)) || tr.join() !== same) return false;
    }
  }
  return true;
}

const stats = { programs: 0, checked: 0, rejected: 0, comparisons: 0 };

type Outcome = "checked" | "rejected";

function checkProgram(e: Expr, points: readonly Point[]): Outcome {
  stats.programs++;
  const src = program(e);
  try {
    const outcome = checkSource(e, src, points);
    stats[outcome]++;
    return outcome;
  } catch (err) {
    // Whatever went wrong (a mismatch, a Myx error, an internal one), show the program.
    if (err instanceof Error && err.message.includes(src)) throw err;
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nat points ${JSON.stringify(points)} in the program\n${src}\n`, { cause: err });
  }
}

function checkSource(e: Expr, src: string, points: readonly Point[]): "checked" | "rejected" {
  // Second derivatives cost a transform of a transform: every fifth program has them checked.
  const secondOrder = stats.programs % 5 === 0;
  const m = load(`${src}\n${oracles.map((o) => o.defs).join("\n")}${secondOrder ? `\n${SECOND_ORDER}` : ""}`);
  const f = m.fn("f") as (x: number, y: number) => number;
  const fail = (msg: string, p: Point): never => {
    throw new Error(`${msg}\nat (x, y) = (${p[0]}, ${p[1]}) in the program\n${src}\n`);
  };
  for (const p of points) {
    const trace: Trace = [];
    const want = evaluate(e, p, trace);
    if (!Number.isFinite(want) || Math.abs(want) > 1e8 || !branchesStable(e, p, trace)) continue;
    const got = f(p[0], p[1]);
    if (!isClose(got, want, { rel: 1e-9, abs: 1e-12 })) fail(`f = ${got} on the VM, ${want} by the reference interpreter`, p);
    const fd = ([0, 1] as const).map((k) => finiteDifference(f, p, k));
    // Two FD steps that disagree beyond what smoothness allows mean FD is no oracle here.
    if (fd.some(({ d, err }) => !Number.isFinite(d) || err > 1e-3 * (1 + Math.abs(d)))) continue;
    const results = oracles.map((o) => ({ name: o.name, ds: o.partials(m, p[0], p[1]) }));
    for (const k of [0, 1] as const) {
      const { d, err } = fd[k]!;
      // FD's rounding error is ~ε·|f|/h ≈ 1e-12·|f|; its truncation error is far below `err`.
      const tol = { rel: 1e-5, abs: 1e-9 * (1 + Math.abs(want)) + 1e-2 * err };
      for (const r of results) {
        const g = r.ds[k];
        if (typeof g !== "number" || !isClose(g, d, tol)) fail(`${r.name}: ∂f/∂${k === 0 ? "x" : "y"} = ${String(g)}, finite differences give ${d} (±${err})`, p);
      }
      for (const r of results.slice(1)) {
        const [g, g0] = [r.ds[k] as number, results[0]!.ds[k] as number];
        if (!isClose(g, g0, { rel: 1e-9, abs: 1e-12 })) fail(`${r.name} and ${results[0]!.name} disagree on ∂f/∂${k === 0 ? "x" : "y"}: ${g} vs ${g0}`, p);
      }
    }
    if (secondOrder) checkSecondOrder(m, p, fail);
    stats.comparisons += trace.length;
    return "checked";
  }
  return "rejected";
}

/**
 * Second derivatives, against finite differences of the first (∂f/∂x, from grad): ∂²f/∂x² and
 * ∂²f/∂x∂y by grad of a function that calls grad, and the mixed one again through a closure that
 * captures the outer variable — the sensitivity of what a closure captured, one order up.
 */
const SECOND_ORDER = `def __dd(x, y) = grad(|a, b| grad(f, 0)(a, b), (0, 1))(x, y);
def __ddc(x, y) = grad(|b| grad(|z| f(z, b), 0)(x), 0)(y);`;

function checkSecondOrder(m: MyxModule, p: Point, fail: (msg: string, p: Point) => never): void {
  const d0 = m.fn("__d0") as (x: number, y: number) => number;
  const fd = ([0, 1] as const).map((k) => finiteDifference(d0, p, k));
  if (fd.some(({ d, err }) => !Number.isFinite(d) || err > 1e-3 * (1 + Math.abs(d)))) return;
  const [dxx, dxy] = m.fn("__dd")(p[0], p[1]) as [number, number];
  const mixed = m.fn("__ddc")(p[0], p[1]) as number;
  const named: [string, unknown, 0 | 1][] = [["∂²f/∂x²", dxx, 0], ["∂²f/∂x∂y", dxy, 1], ["∂²f/∂x∂y through a closure", mixed, 1]];
  for (const [what, got, k] of named) {
    const { d, err } = fd[k]!;
    const tol = { rel: 1e-5, abs: 1e-7 * (1 + Math.abs(d)) + 1e-2 * err };
    if (typeof got !== "number" || !isClose(got, d, tol)) fail(`${what} = ${String(got)}, finite differences of grad give ${d} (±${err})`, p);
  }
}

// x = y now and then on this grid, which the branch-stability check must cope with.
const point = fc.tuple(coordinate, coordinate);

describe("random programs: derivatives agree with finite differences and with each other", () => {
  it(`holds for ${RUNS} generated programs (modes: ${oracles.map((o) => o.name).join(", ")})`, { timeout: Math.max(90_000, RUNS * 250) }, () => {
    fc.assert(fc.property(expr, fc.array(point, { minLength: 4, maxLength: 4 }), (e, ps) => void checkProgram(e, ps)), {
      numRuns: RUNS,
      ...SEED,
    });
    console.info(`property.test.ts: ${JSON.stringify(stats)}`);
    // Rejections (no point whose FD stencil stays on its branches, or unstable FD) and known
    // bugs must stay rare, or the test would silently check little.
    expect(stats.checked, JSON.stringify(stats)).toBeGreaterThanOrEqual(0.8 * stats.programs);
  });

  it("prints a program as valid Myx that evaluates like the reference, and checks it", () => {
    const e: Expr = { k: "hof", h: "fold3", arg: { k: "var", i: 0 }, body: { k: "loop", n: 2, upd: "mul", init: { k: "var", i: 2 }, step: { k: "var", i: 5 }, body: { k: "bin", op: "/", a: { k: "var", i: 4 }, b: { k: "var", i: 1 } } } };
    expect(block(e, ["x", "y"])).toBe("fold3(|v2, v3| { var v4 = v2; for v5 in 0..2 { v4 = v4 * cos(v5); } (v4 / (2 + y * y)) }, x)");
    expect(checkProgram(e, [[0.7, -1.2]])).toBe("checked");
  });
});
