// What a generated program does, for tests that run it two ways and demand the same: each call's
// result or error, and what each printed. Values are compared bit for bit (Object.is, so also the
// sign of a zero), errors by their whole message (place, excerpt and stack).
import { compile, MyxError, type CompileOptions } from "../../src/index.js";
import { formatValue } from "../../src/runtime/format-value.js";
import { hasBuiltin } from "../ad/helpers.js";

/** The calls made of a program defining `f(x, y)`: f itself, its partials, value_and_grad and jvp. */
export const CALLS: readonly { readonly name: string; readonly def: string }[] = [
  { name: "f", def: "" },
  { name: "__d0", def: "def __d0(x, y) = grad(f, 0)(x, y);" },
  { name: "__d1", def: "def __d1(x, y) = grad(f, 1)(x, y);" },
  { name: "__vg", def: "def __vg(x, y) = value_and_grad(f, (0, 1))(x, y);" },
  ...(hasBuiltin("jvp") ? [{ name: "__t0", def: "def __t0(x, y) = jvp(f, (x, y), (1, 0));" }] : []),
];

/** A program of `f` with the defs of CALLS. */
export const withCalls = (program: string): string => `${program}\n${CALLS.map((c) => c.def).filter(Boolean).join("\n")}`;

/** Each call's result (or its error) and what it printed; index 0 is compiling. */
export interface Outcome {
  readonly results: readonly unknown[];
  readonly printed: readonly string[][];
}

export function outcome(src: string, options: CompileOptions, points: readonly (readonly [number, number])[]): Outcome {
  const printed: string[][] = [[]];
  const results: unknown[] = [];
  const record = (f: () => unknown): void => {
    try {
      results.push(f());
    } catch (e) {
      if (!(e instanceof MyxError)) throw e;
      results.push(new Error(e.message));
    }
  };
  let m: ReturnType<typeof compile> | null = null;
  record(() => {
    m = compile(src, { maxSteps: 1_000_000, ...options, print: (line) => printed[printed.length - 1]!.push(line) });
    return "compiled";
  });
  if (m === null) return { results, printed };
  const mod: ReturnType<typeof compile> = m;
  for (const p of points) {
    for (const { name } of CALLS) {
      printed.push([]);
      record(() => mod.fn(name)(...p));
    }
  }
  return { results, printed };
}

/** Bitwise: Object.is on numbers, inside tuples too; errors by message. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a instanceof Error && b instanceof Error) return a.message === b.message;
  return a === b;
}

export const show0 = (v: unknown): string =>
  typeof v === "number" ? (Object.is(v, -0) ? "-0" : formatValue(v)) : Array.isArray(v) ? `(${v.map(show0).join(", ")})` : v instanceof Error ? `error: ${v.message}` : String(v);

/**
 * Throws, naming the first call where the two outcomes of `src` at `points` differ; `ways` says
 * how each was run ("optimized", "on the VM").
 */
export function expectSameOutcomes(src: string, points: readonly (readonly [number, number])[], a: Outcome, b: Outcome, ways: readonly [string, string]): void {
  const labels = ["compile", ...points.flatMap((p) => CALLS.map((c) => `${c.name}(${p.map(show0).join(", ")})`))];
  const fail = (what: string): never => {
    throw new Error(`${what}\nin the program\n${src}\n`);
  };
  for (let i = 0; i < Math.max(a.results.length, b.results.length); i++) {
    const [x, y] = [a.results[i], b.results[i]];
    if (!same(x, y)) fail(`${labels[i]}: ${show0(x)} ${ways[0]}, ${show0(y)} ${ways[1]}`);
  }
  for (let i = 0; i < Math.max(a.printed.length, b.printed.length); i++) {
    const [x, y] = [a.printed[i] ?? [], b.printed[i] ?? []];
    if (x.join("\n") !== y.join("\n")) fail(`${labels[i]} prints\n${x.join("\n")}\n${ways[0]}, and\n${y.join("\n")}\n${ways[1]}`);
  }
}
