// Finite differences of programs run on the VM: the oracle the derivative tests compare grad,
// jvp and the rest against. Each takes f with Num arguments and moves one of them (or all, along
// a direction), with a step relative to the size of what it moves.
import fc from "fast-check";

export type NumFn = (...xs: number[]) => number;

/**
 * Central difference of `f` in argument `k`. The step is relative to |x| (h = h0·max(1, |x|)):
 * with the default h0 = 1e-6 the truncation error is O(h²·f''') ≈ 1e-12 and the rounding error
 * O(ε·|f|/h) ≈ 2e-10·|f|, so for a well-scaled f the estimate is good to about 1e-9 relative.
 */
export function centralDiff(f: NumFn, xs: readonly number[], k: number, h0 = 1e-6): number {
  const x = xs[k]!;
  const h = h0 * Math.max(1, Math.abs(x));
  const at = (d: number): number => f(...xs.map((v, i) => (i === k ? v + d : v)));
  // (x + h) - (x - h) is the step actually taken, which is not exactly 2h in floating point.
  return (at(h) - at(-h)) / (x + h - (x - h));
}

/** `(f(x + h·t) − f(x − h·t)) / 2h`, with h relative to the size of x. */
export function directionalDiff(f: NumFn, xs: readonly number[], ts: readonly number[]): number {
  const h = 1e-6 * Math.max(1, ...xs.map(Math.abs));
  return (f(...xs.map((x, i) => x + h * ts[i]!)) - f(...xs.map((x, i) => x - h * ts[i]!))) / (2 * h);
}

/**
 * The points `finiteDifference` evaluates f at in argument k: `at(s)` is `xs` with argument k
 * moved by s, for s = ±h and ±h/2, h = 1e-4·max(1, |x_k|). A caller that must know f is smooth
 * between them (no branch changes inside the stencil) checks these points.
 */
export function stencil(xs: readonly number[], k: number): { h: number; at: (s: number) => number[] } {
  return { h: 1e-4 * Math.max(1, Math.abs(xs[k]!)), at: (s) => xs.map((x, i) => (i === k ? x + s : x)) };
}

/**
 * Richardson-extrapolated central difference in argument k (error O(h⁴)), with an error
 * estimate: D(h) and D(h/2) differ by ~¾h²·f''' where f is smooth, and wildly across a kink or
 * a jump, or where a step overflows or cancels.
 */
export function finiteDifference(f: NumFn, xs: readonly number[], k: number): { d: number; err: number } {
  const { h, at } = stencil(xs, k);
  const fAt = (s: number): number => f(...at(s));
  const d1 = (fAt(h) - fAt(-h)) / (2 * h);
  const d2 = (fAt(h / 2) - fAt(-h / 2)) / h;
  return { d: d2 + (d2 - d1) / 3, err: Math.abs(d2 - d1) };
}

/**
 * Numbers to take finite differences at: a grid of step 1/997 in [-2, 2], with no tiny or
 * subnormal values (which fc.double favours, and which only make every `x < 0` a coin toss for
 * finite differences).
 */
export const coordinate = fc.integer({ min: -1994, max: 1994 }).map((n) => n / 997);
