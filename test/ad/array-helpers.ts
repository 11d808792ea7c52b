// Shared by the array AD tests: arguments made of Nums, Arrays, tuples and records; their leaves
// as one flat list of numbers (so one finite-difference loop perturbs every element of every
// kind of argument); and checkers that run a real Myx program's `grad`, `jvp`, `jacobian` and
// `hessian` against central differences of the same program on the VM.
import { expect } from "vitest";
import { Tensor, tuple } from "../../src/index.js";
import { centralDiff } from "../helpers/finite-difference.js";
import { random } from "../helpers/random.js";
import { isClose, load, type Tolerance } from "./helpers.js";

/**
 * An argument or a gradient as JavaScript sees it: a JS array is a Myx Tuple here (a gradient
 * w.r.t. a tuple comes back as a JS array), a plain object a Record.
 */
export type Val = number | Tensor | readonly Val[] | { readonly [field: string]: Val };

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** An array of the given shape with the given (row-major) values. */
export const arr = (shape: readonly number[], values: readonly number[]): Tensor => {
  expect(values.length, `arr(${JSON.stringify(shape)})`).toBe(sizeOf(shape));
  return new Tensor(shape.slice(), Float64Array.from(values));
};

export interface Range {
  /** Smallest magnitude (default 0.2): keeps values off kinks at 0 (abs, relu, sign) and poles. */
  readonly lo?: number;
  /** Largest magnitude (default 1.5). */
  readonly hi?: number;
  /** Only positive values (for log, sqrt, the base of **). */
  readonly positive?: boolean;
}

/** Random values of magnitude in [lo, hi] with random signs (unless `positive`), seeded. */
export function rnd(shape: readonly number[], seed: number, { lo = 0.2, hi = 1.5, positive = false }: Range = {}): Tensor {
  const r = random(seed * 7919 + 17);
  const values = Array.from({ length: sizeOf(shape) }, () => {
    const m = lo + (hi - lo) * r();
    return positive || r() < 0.5 ? m : -m;
  });
  return arr(shape, values);
}

/** A random Num like `rnd`'s elements. */
export const rndNum = (seed: number, range: Range = {}): number => rnd([1], seed, range).data[0]!;

const isRecord = (v: Val): v is { readonly [field: string]: Val } => typeof v === "object" && !(v instanceof Tensor) && !Array.isArray(v);

/** What `compile(…).fn(…)` should be given for `v`: tuples wrapped in `tuple(…)`, so `[1, 2]` stays a Tuple. */
export function toInput(v: Val): unknown {
  if (typeof v === "number" || v instanceof Tensor) return v;
  if (Array.isArray(v)) return tuple(...(v as readonly Val[]).map(toInput));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toInput(x)]));
}

/** The numbers of `v` in a fixed order: tensor elements row-major, tuple items and record fields in order. */
export function flatten(v: Val): number[] {
  if (typeof v === "number") return [v];
  if (v instanceof Tensor) return Array.from(v.data);
  if (Array.isArray(v)) return (v as readonly Val[]).flatMap(flatten);
  return Object.values(v).flatMap(flatten);
}

/** `template` with its numbers replaced, in `flatten`'s order, by `values`. */
export function rebuild(template: Val, values: readonly number[]): Val {
  let at = 0;
  const go = (t: Val): Val => {
    if (typeof t === "number") return values[at++]!;
    if (t instanceof Tensor) {
      const data = Float64Array.from(values.slice(at, at + t.data.length));
      at += t.data.length;
      return new Tensor(t.shape.slice(), data);
    }
    if (Array.isArray(t)) return (t as readonly Val[]).map(go);
    return Object.fromEntries(Object.entries(t).map(([k, x]) => [k, go(x)]));
  };
  const out = go(template);
  expect(at).toBe(values.length);
  return out;
}

/** A readable description of `v`'s structure, e.g. `{w: (2,3), b: (2)}`. */
export function describeShape(v: unknown): string {
  if (typeof v === "number") return "Num";
  if (v instanceof Tensor) return `(${v.shape.join(",")})`;
  if (Array.isArray(v)) return `(${v.map(describeShape).join(", ")}${v.length === 1 ? "," : ""})`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${k}: ${describeShape(x)}`).join(", ")}}`;
  return String(v);
}

/**
 * Fails unless `got` (a value the library returned) has the structure of `template`: a Num for a
 * Num, a Tensor of the same shape for an Array (never a bare number or a nested JS array), a JS
 * array of the same length for a Tuple, an object with the same fields in the same order for a
 * Record (SPEC §4: "a gradient has the structure of the argument").
 */
export function expectSameStructure(got: unknown, template: Val, what: string): void {
  const fail = (): never => expect.fail(`${what}: expected the structure ${describeShape(template)}, got ${describeShape(got)}`);
  if (typeof template === "number") {
    if (typeof got !== "number") fail();
  } else if (template instanceof Tensor) {
    if (!(got instanceof Tensor) || got.shape.length !== template.shape.length || got.shape.some((d, i) => d !== template.shape[i])) fail();
    if ((got as Tensor).data.length !== template.data.length) fail();
  } else if (Array.isArray(template)) {
    if (!Array.isArray(got) || got.length !== template.length) return fail();
    (template as readonly Val[]).forEach((t, i) => expectSameStructure((got as unknown[])[i], t, `${what}[${i}]`));
  } else if (isRecord(template)) {
    if (got === null || typeof got !== "object" || got instanceof Tensor || Array.isArray(got)) return fail();
    const keys = Object.keys(template);
    if (Object.keys(got).join() !== keys.join()) fail();
    for (const k of keys) expectSameStructure((got as Record<string, unknown>)[k], template[k]!, `${what}.${k}`);
  }
}

export interface ArrayCheckOptions extends Tolerance {
  /** The def to differentiate (default `f`). */
  readonly name?: string;
  /** The arguments to differentiate with respect to (default: all). */
  readonly wrt?: readonly number[];
  /**
   * Arguments whose gradient is zero everywhere (floor, sign, …). For the others the checker
   * insists on some element of size > 1e-6, so that a program that accidentally ignores an
   * argument cannot pass by comparing zero with zero.
   */
  readonly zero?: readonly number[];
  /** The FD step relative to |x| (default 1e-6). */
  readonly h?: number;
  /** Seed of jvp's random tangent directions. */
  readonly seed?: number;
  /** Skip the forward-mode check (for programs jvp cannot take, e.g. one calling `grad`). */
  readonly noJvp?: boolean;
}

const paramsOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${i}`);

/**
 * `source` defines `def NAME(p0, …)` with a Num result. For each argument k in `wrt`, the gradient
 * `grad(NAME, k)` (through a Myx wrapper, as users call it) must have the structure of argument k
 * and every element must match a central difference of NAME in that element. `grad(NAME, (k…))`
 * must give the same gradients as a tuple. Then forward mode: `jvp(NAME, (x…), (t…))` with random
 * tangents t must return NAME's value and the tangent Σ_k ⟨∇_k NAME, t_k⟩.
 */
export function checkArrayGrad(source: string, args: readonly Val[], options: ArrayCheckOptions = {}): void {
  const name = options.name ?? "f";
  const ps = paramsOf(args.length);
  const ts = ps.map((p) => `t${p}`);
  const wrt = options.wrt ?? args.map((_, i) => i);
  const all = ps.map((_, i) => i);
  const tup = (xs: readonly string[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(", ")})`);
  const defs = [
    ...all.map((k) => `def __g${k}(${ps.join(", ")}) = grad(${name}, ${k})(${ps.join(", ")});`),
    `def __gall(${ps.join(", ")}) = grad(${name}, ${tup(all.map(String))})(${ps.join(", ")});`,
    `def __jvp(${[...ps, ...ts].join(", ")}) = jvp(${name}, ${tup(ps)}, ${tup(ts)});`,
  ];
  const m = load(`${source}\n${defs.join("\n")}\n`);
  const inputs = args.map(toInput);
  const fn = m.fn(name);
  const value = fn(...inputs);
  const where = `in\n${source}\nat ${args.map(describeShape).join(", ")}`;
  expect(typeof value, `${name} must return a Num ${where}`).toBe("number");
  const scale = Math.max(1, Math.abs(value as number));
  const tol = { rel: options.rel ?? 1e-6, abs: (options.abs ?? 1e-8) * scale };

  const grads = all.map((k) => m.fn(`__g${k}`)(...inputs));
  for (const k of wrt) {
    const what = `grad(${name}, ${k})`;
    expectSameStructure(grads[k], args[k]!, `${what} ${where}`);
    const g = flatten(grads[k] as Val);
    const xs = flatten(args[k]!);
    const fk = (...v: number[]): number => fn(...inputs.map((x, i) => (i === k ? toInput(rebuild(args[k]!, v)) : x))) as number;
    const bad: string[] = [];
    xs.forEach((_, e) => {
      const fd = centralDiff(fk, xs, e, options.h);
      if (!isClose(g[e]!, fd, tol)) bad.push(`element ${e}: got ${g[e]}, finite differences give ${fd}`);
    });
    if (bad.length > 0) expect.fail(`${what} ${where}\n${bad.join("\n")}\n(tolerance ${JSON.stringify(tol)})`);
    if (!options.zero?.includes(k)) {
      expect(g.some((x) => Math.abs(x) > 1e-6), `${what} is zero everywhere ${where}: the test would not notice a wrong rule`).toBe(true);
    }
  }

  // All gradients at once: the same numbers, as a tuple.
  const together = m.fn("__gall")(...inputs);
  expect(Array.isArray(together) && together.length === args.length, `grad(${name}, (0, …)) ${where}`).toBe(true);
  for (const k of all) {
    const [a, b] = [flatten((together as Val[])[k]!), flatten(grads[k] as Val)];
    expect(a.every((x, i) => isClose(x, b[i]!, { rel: 1e-12, abs: 1e-14 })), `grad(${name}, (0, …))[${k}] and grad(${name}, ${k}) differ ${where}`).toBe(true);
  }

  if (options.noJvp) return;
  // Forward mode: the tangent along random directions is the gradients' dot product with them.
  const r = random(options.seed ?? 12345);
  const tangents = args.map((a) => rebuild(a, flatten(a).map(() => 2 * r() - 1)));
  const out = m.fn("__jvp")(...inputs, ...tangents.map(toInput));
  expect(Array.isArray(out) && out.length === 2, `jvp(${name}, …) must return (value, tangent) ${where}`).toBe(true);
  const [y, dy] = out as [unknown, unknown];
  expect(typeof y === "number" && isClose(y, value as number, { rel: 1e-12, abs: 1e-14 }), `jvp's value ${String(y)} is not ${name}'s ${String(value)} ${where}`).toBe(true);
  let want = 0;
  let size = 0;
  all.forEach((k) => {
    const [g, t] = [flatten(grads[k] as Val), flatten(tangents[k]!)];
    g.forEach((x, i) => {
      want += x * t[i]!;
      size += Math.abs(x * t[i]!);
    });
  });
  expect(typeof dy, `jvp's tangent ${where}`).toBe("number");
  if (!isClose(dy as number, want, { rel: 1e-9, abs: 1e-12 * Math.max(1, size) })) {
    expect.fail(`jvp(${name}, …) tangent ${String(dy)}, but the gradients give ${want} along the same directions ${where}`);
  }
}

/**
 * `jacobian(NAME)(x)` for NAME from a Num or Array to a Num or Array must have shape out ++ in
 * (a Num when both are Nums) and J[o…, i…] = ∂out[o…]/∂x[i…] by central differences. Then the
 * other two ways to the same matrix: `jvp(NAME, (x,), (t,))` must give the tangent J·t, shaped
 * like the output, and `vjp(NAME, x)`'s backprop of a cotangent s must give sᵀ·J, shaped like x.
 */
export function checkJacobian(source: string, x: number | Tensor, options: Tolerance & { name?: string } = {}): void {
  const name = options.name ?? "f";
  const m = load(`${source}\ndef __jac(x) = jacobian(${name})(x);\ndef __jvp(x, t) = jvp(${name}, (x,), (t,));\ndef __vjp(x, s) = vjp(${name}, x)[1](s)[0];\n`);
  const f = m.fn(name);
  const y = f(x);
  const where = `in\n${source}\nat ${describeShape(x)}`;
  const outShape = y instanceof Tensor ? y.shape : [];
  expect(typeof y === "number" || y instanceof Tensor, `${name} must return a Num or an Array ${where}`).toBe(true);
  const inShape = x instanceof Tensor ? x.shape : [];
  const J = m.fn("__jac")(x);
  const shape = [...outShape, ...inShape];
  if (shape.length === 0) expect(typeof J, `jacobian of Num → Num ${where}`).toBe("number");
  else expectSameStructure(J, new Tensor(shape, new Float64Array(sizeOf(shape))), `jacobian(${name}) ${where}`);
  const jac = flatten(J as Val);
  const xs = flatten(x);
  const nOut = sizeOf(outShape);
  const scale = Math.max(1, ...flatten(y as Val).map(Math.abs));
  const tol = { rel: options.rel ?? 1e-6, abs: (options.abs ?? 1e-8) * scale };
  const yAt = (v: readonly number[]): number[] => flatten(f(rebuild(x, v)) as Val);
  xs.forEach((xi, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(xi));
    const plus = yAt(xs.map((v, e) => (e === i ? v + h : v)));
    const minus = yAt(xs.map((v, e) => (e === i ? v - h : v)));
    for (let o = 0; o < nOut; o++) {
      const fd = (plus[o]! - minus[o]!) / (xi + h - (xi - h));
      const got = jac[o * xs.length + i]!;
      if (!isClose(got, fd, tol)) expect.fail(`jacobian(${name})[out ${o}, in ${i}] = ${got}, finite differences give ${fd} ${where}`);
    }
  });
  expect(jac.some((v) => Math.abs(v) > 1e-6), `the jacobian is zero ${where}`).toBe(true);

  const r = random(4242);
  const close = (a: number, b: number, size: number): boolean => isClose(a, b, { rel: 1e-9, abs: 1e-12 * Math.max(1, size) });
  const t = rebuild(x, xs.map(() => 2 * r() - 1));
  const out = m.fn("__jvp")(x, t);
  expect(Array.isArray(out) && out.length === 2, `jvp(${name}, …) returns (value, tangent) ${where}`).toBe(true);
  const tangent = (out as unknown[])[1];
  expectSameStructure(tangent, y as Val, `jvp(${name}, …)'s tangent ${where}`);
  const tv = flatten(tangent as Val);
  const tx = flatten(t);
  for (let o = 0; o < nOut; o++) {
    const terms = tx.map((ti, i) => jac[o * xs.length + i]! * ti);
    const want = terms.reduce((a, b) => a + b, 0);
    if (!close(tv[o]!, want, terms.reduce((a, b) => a + Math.abs(b), 0))) expect.fail(`jvp(${name}, …) tangent[${o}] = ${tv[o]}, J·t gives ${want} ${where}`);
  }
  const sens = rebuild(y as Val, flatten(y as Val).map(() => 2 * r() - 1));
  const back = m.fn("__vjp")(x, sens);
  expectSameStructure(back, x, `vjp(${name}, x)'s gradient ${where}`);
  const bv = flatten(back as Val);
  const sv = flatten(sens);
  xs.forEach((_, i) => {
    const terms = sv.map((so, o) => so * jac[o * xs.length + i]!);
    const want = terms.reduce((a, b) => a + b, 0);
    if (!close(bv[i]!, want, terms.reduce((a, b) => a + Math.abs(b), 0))) expect.fail(`vjp(${name}, x) backprop[${i}] = ${bv[i]}, sᵀ·J gives ${want} ${where}`);
  });
}

/**
 * `hessian(NAME)(x)` for a Num-valued NAME of a 1-d Array: shape (n, n), symmetric, and each column
 * the central difference of `grad(NAME)` (itself checked against FD of NAME by checkArrayGrad).
 */
export function checkHessian(source: string, x: Tensor, options: Tolerance & { name?: string } = {}): void {
  const name = options.name ?? "f";
  const m = load(`${source}\ndef __hess(x) = hessian(${name})(x);\ndef __grad(x) = grad(${name})(x);\n`);
  const n = x.data.length;
  const where = `in\n${source}\nat ${describeShape(x)}`;
  const H = m.fn("__hess")(x);
  expectSameStructure(H, arr([n, n], new Array<number>(n * n).fill(0)), `hessian(${name}) ${where}`);
  const hd = (H as Tensor).data;
  const g = (v: readonly number[]): number[] => flatten(m.fn("__grad")(arr([n], v)) as Val);
  const xs = Array.from(x.data);
  const scale = Math.max(1, ...g(xs).map(Math.abs));
  const tol = { rel: options.rel ?? 1e-6, abs: (options.abs ?? 1e-7) * scale };
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(xs[j]!));
    const plus = g(xs.map((v, e) => (e === j ? v + h : v)));
    const minus = g(xs.map((v, e) => (e === j ? v - h : v)));
    for (let i = 0; i < n; i++) {
      const fd = (plus[i]! - minus[i]!) / (xs[j]! + h - (xs[j]! - h));
      if (!isClose(hd[i * n + j]!, fd, tol)) expect.fail(`hessian(${name})[${i}, ${j}] = ${hd[i * n + j]}, finite differences of the gradient give ${fd} ${where}`);
      if (!isClose(hd[i * n + j]!, hd[j * n + i]!, { rel: 1e-9, abs: 1e-12 })) expect.fail(`hessian(${name}) is not symmetric at [${i}, ${j}] ${where}`);
    }
  }
}
