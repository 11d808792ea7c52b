// Random array programs `def f(a, b, c)` over two array parameters of random small shapes and a
// Num (helpers/programs/arrays.ts), differentiated in reverse mode (grad in each argument) and
// forward mode (jvp along random directions), and compared with finite differences of the program
// on the VM and with each other. Operations with kinks (maximum, max, abs, where) are allowed: a
// point whose FD stencil crosses one shows up as two step sizes disagreeing, and that element is
// skipped, not reported.
//
// `npm test` runs 100 programs from a fixed seed; MYX_FUZZ_RUNS=<n> runs n, MYX_FUZZ_SEED=random
// draws a new seed and MYX_FUZZ_SEED=<n> replays a run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Tensor, type MyxModule } from "../../src/index.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { centralDiff, coordinate, directionalDiff, finiteDifference } from "../helpers/finite-difference.js";
import { expr, parameterShape, program, show, type Expr, type Params, type Shape } from "../helpers/programs/arrays.js";
import { random } from "../helpers/random.js";
import { isClose, load } from "./helpers.js";

const RUNS = Number(process.env.MYX_FUZZ_RUNS ?? 100);
const SEED = fuzzSeed("MYX_FUZZ_SEED", 20261205);

type Args = readonly [Tensor, Tensor, number];

/** The numbers of the arguments, in one list, and back. */
const flat = ([a, b, c]: Args): number[] => [...a.data, ...b.data, c];
const unflat = ([a, b]: Args, xs: readonly number[]): Args => [
  new Tensor(a.shape, Float64Array.from(xs.slice(0, a.data.length))),
  new Tensor(b.shape, Float64Array.from(xs.slice(a.data.length, a.data.length + b.data.length))),
  xs[xs.length - 1]!,
];

const DEFS = `def __g0(a, b, c) = grad(f, 0)(a, b, c);
def __g1(a, b, c) = grad(f, 1)(a, b, c);
def __g2(a, b, c) = grad(f, 2)(a, b, c);
def __jvp(a, b, c, ta, tb, tc) = jvp(f, (a, b, c), (ta, tb, tc));`;

/** The three gradients as one flat list, after checking each has its argument's structure. */
function gradients(m: MyxModule, args: Args): number[] {
  const gs = [0, 1, 2].map((k) => m.fn(`__g${k}`)(...args));
  const [ga, gb, gc] = gs;
  for (const [k, g, x] of [[0, ga, args[0]], [1, gb, args[1]]] as const) {
    if (!(g instanceof Tensor) || g.shape.join() !== x.shape.join()) throw new Error(`grad(f, ${k}) is not an array of shape (${x.shape.join(",")})`);
  }
  if (typeof gc !== "number") throw new Error("grad(f, 2) is not a Num");
  return flat([ga as Tensor, gb as Tensor, gc]);
}

const stats = { programs: 0, checked: 0, rejected: 0, skippedElements: 0, nearKink: 0, elements: 0 };
/** How many programs used each feature: a check that the generator exercises what it claims to. */
const features: Record<string, number> = {};
const FEATURES: Readonly<Record<string, RegExp>> = {
  "@": / @ /, where: /where\(/, "index or slice": /[\w)]\[/, "axis": /(sum|mean|max|min|logsumexp|softmax)\(.*, -?\d\)/,
  "negative axis": /, -\d\)/, softmax: /softmax\(/, "max/min": /\b(max|min)\(/, "maximum/minimum": /(maximum|minimum)\(/, transpose: /transpose\(/,
};
type Outcome = "checked" | "rejected";

/** Compares one program's grad and jvp with finite differences; throws with the program on a mismatch. */
function checkProgram(e: Expr, shapes: readonly [Shape, Shape], values: readonly number[][], tseed: number): Outcome {
  stats.programs++;
  const src = program(e, { shapes });
  for (const [name, re] of Object.entries(FEATURES)) if (re.test(src)) features[name] = (features[name] ?? 0) + 1;
  const args: Args = [
    // Offsets by multiples of √2, √3 and √5 keep values distinct across and within the
    // arguments: an exact tie between independent elements is a point where max is not differentiable.
    new Tensor(shapes[0], Float64Array.from(values[0]!.slice(0, shapes[0].reduce((x, y) => x * y, 1)).map((v, i) => v + 1e-4 * Math.SQRT2 * (i + 1)))),
    new Tensor(shapes[1], Float64Array.from(values[1]!.slice(0, shapes[1].reduce((x, y) => x * y, 1)).map((v, i) => v + 1e-4 * Math.sqrt(3) * (i + 1)))),
    values[2]![0]! + 1e-5 * Math.sqrt(5),
  ];
  const fail = (msg: string): never => {
    throw new Error(`${msg}\nat a = ${JSON.stringify(Array.from(args[0].data))} (shape ${shapes[0].join(",")}), b = ${JSON.stringify(Array.from(args[1].data))} (shape ${shapes[1].join(",")}), c = ${args[2]} in the program\n${src}\n`);
  };
  let m: MyxModule;
  try {
    m = load(`${src}\n${DEFS}`);
  } catch (err) {
    return fail(`compiling failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const call = (mod: MyxModule, xs: readonly number[]): number => mod.fn("f")(...unflat(args, xs)) as number;
  const xs = flat(args);
  let value: number;
  try {
    value = call(m, xs);
  } catch (err) {
    return fail(`running f failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== "number") return fail(`f returned ${String(value)}, not a Num`);
  if (!Number.isFinite(value) || Math.abs(value) > 1e6) {
    stats.rejected++;
    return "rejected";
  }
  const f = (...v: number[]): number => call(m, v);
  const fd = xs.map((_, k) => finiteDifference(f, xs, k));
  // Elements whose two FD steps disagree beyond what smoothness allows sit near a kink or jump.
  const stable = fd.map(({ d, err }) => Number.isFinite(d) && err <= 1e-3 * (1 + Math.abs(d)));
  stats.elements += xs.length;
  stats.skippedElements += stable.filter((s) => !s).length;
  if (!stable.some((s) => s)) {
    stats.rejected++;
    return "rejected";
  }
  const tolFor = (k: number): { rel: number; abs: number } => ({ rel: 1e-5, abs: 1e-9 * (1 + Math.abs(value)) + 1e-2 * fd[k]!.err });
  const names = xs.map((_, k) => (k < args[0].data.length ? `a[${k}]` : k < xs.length - 1 ? `b[${k - args[0].data.length}]` : "c"));
  // A kink (max, maximum, abs, where) closer to the point than the step, but not at its centre,
  // gives two step sizes that agree about a wrong slope (D(h) − D(h/2) is only ~δ/h of the
  // jump in slope). So before a disagreement counts, FD is redone with steps 100 and 1000 times
  // smaller, which such a kink no longer reaches; a wrong derivative disagrees with those too.
  const agrees = (g: number, k: number): boolean => {
    if (isClose(g, fd[k]!.d, tolFor(k))) return true;
    const near = [1e-6, 1e-7].some((h0) => isClose(g, centralDiff(f, xs, k, h0), { rel: 1e-5, abs: 1e-7 * (1 + Math.abs(value)) }));
    if (near) stats.nearKink++;
    return near;
  };
  const mismatches = (g: readonly number[]): string[] =>
    xs.flatMap((_, k) => (stable[k] && !agrees(g[k]!, k) ? [`∂f/∂${names[k]}: grad gives ${g[k]}, finite differences ${fd[k]!.d} (±${fd[k]!.err})`] : []));

  /** What is wrong with the gradients of the program in module `mod`: an error, or the elements FD disagrees with. */
  const problems = (mod: MyxModule): { g: number[]; bad: string[] } => {
    try {
      const g = gradients(mod, args);
      return { g, bad: mismatches(g) };
    } catch (err) {
      return { g: [], bad: [`grad failed: ${err instanceof Error ? err.message : String(err)}`] };
    }
  };
  const { g, bad } = problems(m);
  if (bad.length > 0) fail(`grad disagrees with finite differences:\n${bad.join("\n")}`);

  // Forward mode: the tangent along random directions t is Σ ∂f/∂x·t (from the gradients, which
  // were just checked) and, where FD is reliable in every coordinate, the directional difference.
  const r = random(tseed);
  const ts = xs.map(() => 2 * r() - 1);
  const out = m.fn("__jvp")(...args, ...unflat(args, ts));
  if (!Array.isArray(out) || out.length !== 2) return fail(`jvp returned ${String(out)}, not (value, tangent)`);
  const [y, dy] = out as [unknown, unknown];
  if (typeof y !== "number" || !isClose(y, value, { rel: 1e-12, abs: 1e-14 })) fail(`jvp's value ${String(y)} is not f's ${value}`);
  if (typeof dy !== "number") return fail(`jvp's tangent ${String(dy)} is not a Num`);
  const want = g.reduce((s, x, k) => s + x * ts[k]!, 0);
  const size = g.reduce((s, x, k) => s + Math.abs(x * ts[k]!), 0);
  if (!isClose(dy, want, { rel: 1e-8, abs: 1e-12 * (1 + size) })) fail(`jvp's tangent ${dy} disagrees with the gradients, which give ${want} along t = ${JSON.stringify(ts)}`);
  if (stable.every((s) => s)) {
    const fdDir = fd.reduce((s, { d }, k) => s + d * ts[k]!, 0);
    const errDir = fd.reduce((s, { err }, k) => s + err * Math.abs(ts[k]!), 0);
    // As for the gradients: a kink inside the stencil is ruled out with a 100 times smaller step.
    const small = directionalDiff(f, xs, ts);
    const ok = isClose(dy, fdDir, { rel: 1e-5, abs: 1e-9 * (1 + Math.abs(value)) + 1e-2 * errDir }) || isClose(dy, small, { rel: 1e-5, abs: 1e-7 * (1 + Math.abs(value)) });
    if (!ok) fail(`jvp's tangent ${dy} disagrees with finite differences ${fdDir} (${small} with a smaller step) along t = ${JSON.stringify(ts)}`);
  }
  stats.checked++;
  return "checked";
}

const values = fc.tuple(...[6, 6, 1].map((n) => fc.array(coordinate, { minLength: n, maxLength: n })));

describe("random array programs: grad and jvp agree with finite differences and with each other", () => {
  it(`holds for ${RUNS} generated programs`, { timeout: Math.max(60_000, RUNS * 1000) }, () => {
    fc.assert(
      fc.property(expr, fc.tuple(parameterShape, parameterShape), values, fc.nat(), (e, shapes, vs, tseed) => void checkProgram(e, shapes, vs, tseed)),
      { numRuns: RUNS, ...SEED },
    );
    console.info(`array-property.test.ts: ${JSON.stringify(stats)}\nprograms using: ${JSON.stringify(features)}`);
    // Rejected programs (f not finite, or no coordinate where FD is reliable) must stay rare, or
    // the test would silently check little.
    expect(stats.checked, JSON.stringify(stats)).toBeGreaterThanOrEqual(0.8 * stats.programs);
    expect(stats.skippedElements, JSON.stringify(stats)).toBeLessThanOrEqual(0.1 * stats.elements);
  });

  it("prints well-typed programs: broadcasting repair, axes, @ with a transposed operand, indexing", () => {
    const p: Params = { shapes: [[2, 3], [2]] };
    // (2,3) with (2,) does not broadcast: b is summed; (2,3) @ (2,) does not fit, transpose(a) @ b does.
    expect(show({ k: "bin", op: "*", a: { k: "var", i: 0 }, b: { k: "var", i: 1 } }, p)).toEqual({ src: "(a * sum(b))", shape: [2, 3] });
    expect(show({ k: "mm", a: { k: "var", i: 0 }, b: { k: "var", i: 1 } }, p)).toEqual({ src: "(transpose(a) @ b)", shape: [3] });
    expect(show({ k: "red", f: "max", axis: 4, a: { k: "var", i: 0 } }, p)).toEqual({ src: "max(a, -2)", shape: [3] });
    expect(show({ k: "idx", sel: 2 + (1 << 2) + (1 << 4), a: { k: "var", i: 0 } }, p)).toEqual({ src: "a[:, -1]", shape: [2] });
    // A Bool condition (Num against Num) picks a branch whole: both are stretched to one shape.
    const pick: Expr = { k: "where", op: "<", l: { k: "var", i: 2 }, r: { k: "num", v: 1 }, t: { k: "var", i: 0 }, e: { k: "num", v: 2 } };
    expect(show(pick, p).src).toBe("where(c < 1, a, (2 + zeros((2, 3))))");
    expect(program({ k: "var", i: 2 }, p)).toBe("def f(a, b, c) {\n  let r = c;\n  r * 1.3\n}");
    const e: Expr = { k: "where", op: ">", l: { k: "var", i: 0 }, r: { k: "var", i: 2 }, t: { k: "un", f: "sin", a: { k: "var", i: 1 } }, e: { k: "num", v: 0.5 } };
    expect(checkProgram(e, [[2, 3], [3]], [[1, -1, 0.5, 2, -2, 0.3], [0.1, 0.2, 0.3, 0, 0, 0], [0.4]], 7)).toBe("checked");
  });
});
