// Random array programs `def f(a, b, c)` over two array parameters of random small shapes and a
// Num, differentiated in reverse mode (grad in each argument) and forward mode (jvp along random
// directions), and compared with finite differences of the program on the VM and with each other.
// Programs are a small AST (so fast-check can shrink them) whose printer infers shapes and only
// writes what is well-typed: elementwise operators with NumPy broadcasting (an operand that cannot
// broadcast is summed to a Num first), reductions and softmax with positive and negative axes, @
// where the shapes allow it (transposing an operand when that makes them fit), indexing and
// slicing, and where with a comparison as the condition. Operations with kinks (maximum, max,
// abs, where) are allowed: a point whose FD stencil crosses one shows up as two step sizes
// disagreeing, and that element is skipped, not reported.
//
// `npm test` runs 100 programs from a fixed seed; MYX_FUZZ_RUNS=<n> runs n, MYX_FUZZ_SEED=random
// draws a new seed and MYX_FUZZ_SEED=<n> replays a run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Tensor, type MyxModule } from "../../src/index.js";
import { random } from "./array-helpers.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { isClose, load } from "./helpers.js";

const RUNS = Number(process.env.MYX_FUZZ_RUNS ?? 100);
const SEED = fuzzSeed("MYX_FUZZ_SEED", 20261205);

type Shape = readonly number[];
type Unary = "sin" | "tanh" | "exp" | "log" | "sigmoid" | "softplus" | "neg" | "square" | "abs";
type Binary = "+" | "-" | "*" | "/" | "maximum" | "minimum";
type Reduction = "sum" | "mean" | "max" | "min" | "logsumexp" | "softmax";
type Expr =
  | { readonly k: "var"; readonly i: number } // a, b or c
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "bin"; readonly op: Binary; readonly a: Expr; readonly b: Expr }
  | { readonly k: "un"; readonly f: Unary; readonly a: Expr }
  | { readonly k: "red"; readonly f: Reduction; readonly axis: number; readonly a: Expr }
  | { readonly k: "mm"; readonly a: Expr; readonly b: Expr }
  | { readonly k: "idx"; readonly sel: number; readonly a: Expr }
  | { readonly k: "where"; readonly op: "<" | ">"; readonly l: Expr; readonly r: Expr; readonly t: Expr; readonly e: Expr };

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "medium", maxDepth: 5, depthIdentifier: "expr" },
    // The first is what the depth limit falls back to: a leaf, mostly a parameter.
    { weight: 6, arbitrary: fc.oneof(
      fc.constantFrom(0, 0, 1, 1, 2).map((i): Expr => ({ k: "var", i })),
      fc.constantFrom(0.5, 2, -1.5, 0.25).map((v): Expr => ({ k: "num", v })),
    ) },
    { weight: 5, arbitrary: fc.record({ k: fc.constant("bin" as const), op: fc.constantFrom<Binary>("+", "-", "*", "/", "maximum", "minimum"), a: tie("expr"), b: tie("expr") }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("un" as const), f: fc.constantFrom<Unary>("sin", "tanh", "exp", "log", "sigmoid", "softplus", "neg", "square", "abs"), a: tie("expr") }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("red" as const), f: fc.constantFrom<Reduction>("sum", "mean", "max", "min", "logsumexp", "softmax"), axis: fc.nat(8), a: tie("expr") }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("mm" as const), a: tie("expr"), b: tie("expr") }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("idx" as const), sel: fc.nat(63), a: tie("expr") }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("where" as const), op: fc.constantFrom("<" as const, ">" as const), l: tie("expr"), r: tie("expr"), t: tie("expr"), e: tie("expr") }) },
  ),
}));

// ---- Printing with shape inference.

/** NumPy broadcasting; null if the shapes do not broadcast. */
function broadcast(x: Shape, y: Shape): Shape | null {
  const n = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [p, q] = [x[x.length - n + i] ?? 1, y[y.length - n + i] ?? 1];
    if (p !== q && p !== 1 && q !== 1) return null;
    out.push(Math.max(p, q));
  }
  return out;
}

interface Shown {
  readonly src: string;
  readonly shape: Shape;
}

/** `x` as an operand broadcasting against `against`: itself if it does, else summed to a Num. */
function fit(x: Shown, against: Shape): Shown {
  return broadcast(x.shape, against) === null ? { src: `sum(${x.src})`, shape: [] } : x;
}

/** The axis argument for choice k on a rank-r array: none (k = 0), 0…r-1, or -1…-r. */
function axisFor(k: number, r: number): number | null {
  const c = k % (2 * r + 1);
  return c === 0 ? null : c <= r ? c - 1 : -(c - r);
}

interface Params {
  readonly shapes: readonly [Shape, Shape];
}

function show(e: Expr, p: Params): Shown {
  switch (e.k) {
    case "var": {
      const name = "abc"[e.i]!;
      if (e.i === 2) return { src: "c", shape: [] };
      return { src: name, shape: p.shapes[e.i]! };
    }
    case "num": return { src: e.v < 0 ? `(${e.v})` : `${e.v}`, shape: [] };
    case "bin": {
      const a = show(e.a, p);
      const b = fit(show(e.b, p), a.shape);
      const shape = broadcast(a.shape, b.shape)!;
      // A divisor in [0.5, 2.5]: no poles.
      if (e.op === "/") return { src: `(${a.src} / (1.5 + sin(${b.src})))`, shape };
      if (e.op === "maximum" || e.op === "minimum") return { src: `${e.op}(${a.src}, ${b.src})`, shape };
      return { src: `(${a.src} ${e.op} ${b.src})`, shape };
    }
    case "un": {
      const a = show(e.a, p);
      // exp and log on bounded arguments: values stay moderate and log's argument ≥ 1.
      const src = e.f === "neg" ? `(-${a.src})` : e.f === "square" ? `(${a.src} ** 2)` : e.f === "exp" ? `exp(tanh(${a.src}))` : e.f === "log" ? `log(2 + sin(${a.src}))` : `${e.f}(${a.src})`;
      return { src, shape: a.shape };
    }
    case "red": {
      const a = show(e.a, p);
      if (a.shape.length === 0) return a;
      const axis = axisFor(e.axis, a.shape.length);
      if (e.f === "softmax") return { src: axis === null ? `softmax(${a.src})` : `softmax(${a.src}, ${axis})`, shape: a.shape };
      if (axis === null) return { src: `${e.f}(${a.src})`, shape: [] };
      const k = axis < 0 ? axis + a.shape.length : axis;
      return { src: `${e.f}(${a.src}, ${axis})`, shape: a.shape.filter((_, i) => i !== k) };
    }
    case "mm": {
      const a = show(e.a, p);
      const b = show(e.b, p);
      const product = (x: Shown, y: Shown): Shown | null => {
        if (x.shape.length < 1 || x.shape.length > 2 || y.shape.length < 1 || y.shape.length > 2) return null;
        if (x.shape[x.shape.length - 1] !== y.shape[0]) return null;
        return { src: `(${x.src} @ ${y.src})`, shape: [...x.shape.slice(0, -1), ...y.shape.slice(1)] };
      };
      const t = (x: Shown): Shown => ({ src: `transpose(${x.src})`, shape: x.shape.slice().reverse() });
      const made = product(a, b) ?? product(a, t(b)) ?? product(t(a), b);
      if (made !== null) return made;
      const c = fit(b, a.shape);
      return { src: `(${a.src} * ${c.src})`, shape: broadcast(a.shape, c.shape)! };
    }
    case "idx": {
      const a = show(e.a, p);
      const r = a.shape.length;
      if (r === 0) return a;
      const [d0, d1] = [a.shape[0]!, a.shape[1] ?? 1];
      const form = e.sel % 4;
      const i = (e.sel >> 2) % d0;
      const neg = (e.sel >> 4) % 2 === 1;
      const j = (e.sel >> 2) % d1;
      if (form === 0 || (form === 2 && r !== 2)) return { src: `${a.src}[${neg ? i - d0 : i}]`, shape: a.shape.slice(1) };
      if (form === 2) return { src: `${a.src}[:, ${neg ? j - d1 : j}]`, shape: [d0] };
      if (form === 3 && r === 2) return { src: `${a.src}[${neg ? i - d0 : i}, ${j}]`, shape: [] };
      // A slice of the first axis: a[lo:hi], or a[-n:].
      const hi = i + 1 + ((e.sel >> 5) % (d0 - i));
      return { src: neg ? `${a.src}[${i - d0}:]` : `${a.src}[${i}:${hi}]`, shape: [neg ? d0 - i : hi - i, ...a.shape.slice(1)] };
    }
    case "where": {
      const l = show(e.l, p);
      const r = fit(show(e.r, p), l.shape);
      const cond = broadcast(l.shape, r.shape)!;
      const t = fit(show(e.t, p), cond);
      const s = broadcast(cond, t.shape)!;
      const f = fit(show(e.e, p), s);
      const shape = broadcast(s, f.shape)!;
      if (cond.length > 0) return { src: `where(${l.src} ${e.op} ${r.src}, ${t.src}, ${f.src})`, shape };
      // A Bool condition (Num against Num) picks a branch whole (docs/language.md), so both are
      // first stretched to the one shape the program is typed with.
      const stretch = (x: Shown): string => (x.shape.join() === shape.join() ? x.src : `(${x.src} + zeros(${shape.length === 1 ? shape[0] : `(${shape.join(", ")})`}))`);
      return { src: `where(${l.src} ${e.op} ${r.src}, ${stretch(t)}, ${stretch(f)})`, shape };
    }
  }
}

/** Fixed, non-zero, uneven weights: the program's result is Σ r·W, so every element of r matters differently. */
function weights(shape: Shape): string {
  let i = 0;
  const build = (d: number): string => {
    if (d === shape.length) return `${(((i++ * 37) % 11) - 5.5) / 3.7}`;
    return `[${Array.from({ length: shape[d]! }, () => build(d + 1)).join(", ")}]`;
  };
  return build(0);
}

function program(e: Expr, p: Params): string {
  const r = show(e, p);
  const result = r.shape.length === 0 ? "r * 1.3" : `sum(r * ${weights(r.shape)})`;
  return `def f(a, b, c) {\n  let r = ${r.src};\n  ${result}\n}`;
}

// ---- Checking.

type Args = readonly [Tensor, Tensor, number];

/** The numbers of the arguments, in one list, and back. */
const flat = ([a, b, c]: Args): number[] => [...a.data, ...b.data, c];
const unflat = ([a, b]: Args, xs: readonly number[]): Args => [
  new Tensor(a.shape, Float64Array.from(xs.slice(0, a.data.length))),
  new Tensor(b.shape, Float64Array.from(xs.slice(a.data.length, a.data.length + b.data.length))),
  xs[xs.length - 1]!,
];

/**
 * Richardson-extrapolated central difference in coordinate k (error O(h⁴)), with an error
 * estimate: D(h) and D(h/2) differ by ~¾h²·f''' where f is smooth, and wildly across a kink or jump.
 */
function finiteDifference(f: (xs: readonly number[]) => number, xs: readonly number[], k: number): { d: number; err: number } {
  const h = 1e-4 * Math.max(1, Math.abs(xs[k]!));
  const at = (s: number): number => f(xs.map((x, i) => (i === k ? x + s : x)));
  const d1 = (at(h) - at(-h)) / (2 * h);
  const d2 = (at(h / 2) - at(-h / 2)) / h;
  return { d: d2 + (d2 - d1) / 3, err: Math.abs(d2 - d1) };
}

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
  const fd = xs.map((_, k) => finiteDifference((v) => call(m, v), xs, k));
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
  const fdSmall = (k: number, h0: number): number => {
    const h = h0 * Math.max(1, Math.abs(xs[k]!));
    const at = (s: number): number => call(m, xs.map((x, i) => (i === k ? x + s : x)));
    return (at(h) - at(-h)) / (2 * h);
  };
  const agrees = (g: number, k: number): boolean => {
    if (isClose(g, fd[k]!.d, tolFor(k))) return true;
    const near = [1e-6, 1e-7].some((h0) => isClose(g, fdSmall(k, h0), { rel: 1e-5, abs: 1e-7 * (1 + Math.abs(value)) }));
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
    const h = 1e-6 * Math.max(1, ...xs.map(Math.abs));
    const small = (call(m, xs.map((x, k) => x + h * ts[k]!)) - call(m, xs.map((x, k) => x - h * ts[k]!))) / (2 * h);
    const ok = isClose(dy, fdDir, { rel: 1e-5, abs: 1e-9 * (1 + Math.abs(value)) + 1e-2 * errDir }) || isClose(dy, small, { rel: 1e-5, abs: 1e-7 * (1 + Math.abs(value)) });
    if (!ok) fail(`jvp's tangent ${dy} disagrees with finite differences ${fdDir} (${small} with a smaller step) along t = ${JSON.stringify(ts)}`);
  }
  stats.checked++;
  return "checked";
}

// Shapes that broadcast in many ways ((2,1) with (1,3), (3,) with (2,3)) and give @ something to do.
const shape = fc.constantFrom<Shape>([3], [2, 3], [2, 1], [1, 3], [3, 2], [2]);
// Values on a grid of step 1/997 in [-2, 2]: no tiny or subnormal numbers.
const coordinate = fc.integer({ min: -1994, max: 1994 }).map((n) => n / 997);
const values = fc.tuple(...[6, 6, 1].map((n) => fc.array(coordinate, { minLength: n, maxLength: n })));

describe("random array programs: grad and jvp agree with finite differences and with each other", () => {
  it(`holds for ${RUNS} generated programs`, { timeout: Math.max(60_000, RUNS * 1000) }, () => {
    fc.assert(
      fc.property(expr, fc.tuple(shape, shape), values, fc.nat(), (e, shapes, vs, tseed) => void checkProgram(e, shapes, vs, tseed)),
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
