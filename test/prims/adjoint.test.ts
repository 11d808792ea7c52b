// Every reverse rule against its forward rule, one primitive at a time. At a point x, for a
// tangent t of the arguments and a cotangent s of the result, J⊳ of the primitive gives the
// tangent ∂p(x)·t and J's backpropagator the sensitivities sᵀ·∂p(x); so
//
//     ⟨∂p(x)·t, s⟩ = ⟨t, sᵀ·∂p(x)⟩
//
// whatever t and s are. The forward rules are checked against central differences on the same
// cases (test/ad/jvp-rules.test.ts), so a reverse rule that passes here is the transpose of a
// checked derivative — without this, reverse rules were checked only through whole programs.
// t and s are drawn at random around each case's point, several times per case, from a seed
// (MYX_FUZZ_SEED replays one, `random` draws a new one); the points stay the cases' own, since
// they encode what a domain needs (integer indices, shapes, keys, axes).
import { afterAll, describe, expect, it } from "vitest";
import { adPrimitives, grad, valueAndGrad } from "../../src/ad/builtins.js";
import { jValue } from "../../src/ad/j-value.js";
import { forwardValue } from "../../src/ad/jvp.js";
import { Session } from "../../src/ad/session.js";
import { basePrimitives } from "../../src/prims/builtins.js";
import { constantResult, type Primitive } from "../../src/prims/primitive.js";
import * as P from "../../src/prims/program.js";
import * as D from "../../src/prims/sensitivity.js";
import { formatValue } from "../../src/runtime/format-value.js";
import { numericSensitivity, zerosLike } from "../../src/runtime/sensitivity.js";
import { broadcastsTo } from "../../src/runtime/tensor/broadcast.js";
import { sameShape, shapeOf } from "../../src/runtime/tensor/shape.js";
import { Closure, EnvValue, isTuple, RecordValue, Tensor, aTypeName, Unit, type Value } from "../../src/runtime/values.js";
import { random } from "../helpers/random.js";
import { fuzzSeed } from "../fuzz-seed.js";
import { caseMachine, cases, type Case } from "./cases.js";

const session = new Session(null);
const machine = caseMachine(session, () => {});

const chosen = fuzzSeed("MYX_FUZZ_SEED", 20261208);
const SEED = "seed" in chosen ? chosen.seed : Math.floor(Math.random() * 2 ** 31);
const DRAWS = 5;
/**
 * |⟨∂p·t, s⟩ − ⟨t, sᵀ·∂p⟩| relative to the larger sum of |products|: the two sides add the same
 * products in different orders and by different routes (a matrix product forward, its transpose
 * backward), so they agree to rounding of those terms, not exactly.
 */
const TOLERANCE = 1e-12;

/**
 * Both rules, but not in this test: their result is a function, whose tangent is `()` and whose
 * sensitivity an environment, and the inner product over functions is 0 by definition — the
 * identity would hold for any rule. Programs check them (test/ad/higher-order.test.ts, jvp.test.ts).
 */
const skipped = new Set<Primitive>([grad, valueAndGrad]);

/**
 * The cases of forward rules, and stop_gradient, whose tangent is 0 by decree rather than the
 * central difference of the identity, so that the shared table (checked against central
 * differences) cannot hold it. A primitive with only one rule has nothing to compare.
 */
const adjointCases: Readonly<Record<string, Case>> = {
  ...Object.fromEntries(Object.entries(cases).filter(([, c]) => hasBothRules(c.prim))),
  stop_gradient: { prim: D.stopGradient, x: [2.5], t: [1] },
};

function hasBothRules(p: Primitive): boolean {
  return p.vjp !== null && p.jvp !== null;
}

/**
 * Primitives whose derivative is zero, where both sides are 0 (and the test checks the reverse
 * rule gives zeros): those whose result does not move (`constantResult`), and global_get, whose
 * global is a constant of whatever is differentiated. Any other case must give a non-zero side,
 * or it would pass for rules that ignore their inputs.
 */
const hasZeroDerivative = (p: Primitive): boolean => p.jvp === constantResult.jvp || p === P.globalGet;

/** A seed per case and draw: adding a case leaves the others' draws as they were. */
function seedOf(name: string, draw: number): number {
  let h = 2166136261 ^ SEED;
  for (const ch of `${name}#${draw}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * The structure of `v` with a random number in [-1, 1) for each of its numbers (Nums, array
 * elements, through tuples, records and environments), and the zero of the rest: `()`, or an
 * empty environment for a function. An index or an axis gets a random tangent too: both rules
 * must give it no derivative, which the identity checks.
 */
function randomLike(v: Value, r: () => number): Value {
  const draw = (): number => 2 * r() - 1;
  if (typeof v === "number") return draw();
  if (v instanceof Tensor) return new Tensor(v.shape, v.data.map(draw));
  if (isTuple(v)) return v.map((x) => randomLike(x, r));
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map((x) => randomLike(x, r)));
  if (v instanceof EnvValue) return new EnvValue(new Map([...v.entries].map(([k, x]) => [k, randomLike(x, r)])));
  return zerosLike(v);
}

/** An inner product, and the sum of the magnitudes of its terms: the scale its rounding error is relative to. */
interface Dot {
  readonly value: number;
  readonly size: number;
}
const noTerms: Dot = { value: 0, size: 0 };
const plus = (a: Dot, b: Dot): Dot => ({ value: a.value + b.value, size: a.size + b.size });

function numbers(v: number | Tensor): ArrayLike<number> {
  return typeof v === "number" ? [v] : v.data;
}

/**
 * ⟨t, s⟩ for a tangent `t` and a sensitivity `s` of the value `v`, which says what they are: Nums
 * and arrays elementwise, tuples by item, records by field, environments by key (a key missing
 * on one side is a zero), and 0 for values without a derivative. A sensitivity of a Num or an
 * Array may carry the axes broadcasting added, summed down to v's shape first; `()` is the zero
 * sensitivity of anything. A tangent has v's structure exactly: anything else is a failure.
 */
function inner(t: Value, s: Value, v: Value, path: string): Dot {
  const wrong = (what: string, got: Value): never => {
    throw new Error(`${path}: the ${what} of ${aTypeName(v)} is ${formatValue(got)}`);
  };
  if (typeof v === "number" || v instanceof Tensor) {
    const tangentFits = typeof v === "number" ? typeof t === "number" : t instanceof Tensor && sameShape(t.shape, v.shape);
    if (!tangentFits) return wrong("tangent", t);
    if (s instanceof Unit) return noTerms;
    if (typeof s !== "number" && !(s instanceof Tensor)) return wrong("sensitivity", s);
    // Never smaller than its value (src/prims/scalar.ts): numericSensitivity would spread it, and
    // a rule that forgot to spread (expand) a reduction's sensitivity would pass unseen.
    if (!broadcastsTo(shapeOf(v), shapeOf(s))) return wrong(`sensitivity (of shape (${shapeOf(s).join(", ")}))`, s);
    const [a, b] = [numbers(t as number | Tensor), numbers(numericSensitivity(s, v) as number | Tensor)];
    let value = 0;
    let size = 0;
    for (let i = 0; i < a.length; i++) {
      value += a[i]! * b[i]!;
      size += Math.abs(a[i]! * b[i]!);
    }
    return { value, size };
  }
  if (isTuple(v)) {
    if (!isTuple(t) || t.length !== v.length) return wrong("tangent", t);
    if (s instanceof Unit) return noTerms;
    if (!isTuple(s) || s.length !== v.length) return wrong("sensitivity", s);
    return v.reduce<Dot>((acc, x, i) => plus(acc, inner(t[i]!, s[i]!, x, `${path}[${i}]`)), noTerms);
  }
  if (v instanceof RecordValue) {
    if (!(t instanceof RecordValue) || v.keys.some((k) => t.get(k) === undefined)) return wrong("tangent", t);
    if (s instanceof Unit) return noTerms;
    if (!(s instanceof RecordValue) || v.keys.some((k) => s.get(k) === undefined)) return wrong("sensitivity", s);
    return v.keys.reduce<Dot>((acc, k, i) => plus(acc, inner(t.get(k)!, s.get(k)!, v.values[i]!, `${path}.${k}`)), noTerms);
  }
  if (v instanceof EnvValue) {
    if (!(t instanceof EnvValue)) return wrong("tangent", t);
    if (s instanceof Unit) return noTerms;
    if (!(s instanceof EnvValue)) return wrong("sensitivity", s);
    let dot = noTerms;
    for (const [k, tk] of t.entries) {
      const sk = s.entries.get(k);
      // An entry of an environment is a sensitivity itself, of the value its key names; where
      // the environment lacks the key, the tangent's entry says what it is.
      if (sk !== undefined) dot = plus(dot, inner(tk, sk, v.entries.get(k) ?? tk, `${path}{%${k.id}}`));
    }
    return dot;
  }
  // Bools, Strings, (), slices, keys and functions have no derivative: their tangent is ().
  return t instanceof Unit ? noTerms : wrong("tangent", t);
}

function pairOf(v: Value, what: string): readonly [Value, Value] {
  if (!isTuple(v) || v.length !== 2) throw new Error(`${what} did not return a pair, but ${formatValue(v)}`);
  return [v[0]!, v[1]!];
}

interface Sides {
  /** ⟨∂p(x)·t, s⟩, from the forward rule. */
  readonly forward: Dot;
  /** ⟨t, sᵀ·∂p(x)⟩, from the reverse rule. */
  readonly reverse: Dot;
  /** The reverse side argument by argument, to tell which sensitivity is off. */
  readonly terms: readonly Dot[];
  readonly t: readonly Value[];
  readonly s: Value;
  /** The result as J⊳ and as J computed it. */
  readonly y: Value;
  readonly yJ: Value;
}

/** Both sides of the identity for one draw of t and s. */
function sides(c: Case, r: () => number): Sides {
  const n = c.x.length;
  const t = c.t.map((v) => randomLike(v, r));
  const [y, dy] = pairOf(machine.call(new Closure(session.primitiveJvp(c.prim, n), []), [...c.x.map((x) => forwardValue(session, x)), ...t]), "J⊳");
  const [yJ, back] = pairOf(machine.call(new Closure(session.primitiveJ(c.prim, n), []), c.x.map((x) => jValue(session, x))), "J");
  const s = randomLike(y, r);
  const sens = machine.call(back, [s]);
  if (!isTuple(sens) || sens.length !== n + 1) throw new Error(`the backpropagator returned ${formatValue(sens)}, not (env, ∂x0 … ∂x${n - 1})`);
  const terms = c.x.map((x, i) => inner(t[i]!, sens[i + 1]!, x, `argument ${i}`));
  return { forward: inner(dy, s, y, "result"), reverse: terms.reduce(plus, noTerms), terms, t, s, y, yJ };
}

/** Both sides for draw `draw` of a case; a failure to compute them says which draw. */
function drawn(name: string, c: Case, draw: number): Sides {
  try {
    return sides(c, random(seedOf(name, draw)));
  } catch (e) {
    throw new Error(`${name}${formatValue(c.x.slice())}, draw ${draw} (seed ${SEED}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** How far apart the two sides are, relative to the size of their terms (a side is never larger): 0 when neither has any. */
function relativeError({ forward, reverse }: Sides): number {
  if (!Number.isFinite(forward.value) || !Number.isFinite(reverse.value)) return Infinity;
  const scale = Math.max(forward.size, reverse.size);
  return scale === 0 ? 0 : Math.abs(forward.value - reverse.value) / scale;
}

/** The largest error within tolerance, for the log: how much room the tolerance leaves. Failures report their own. */
const worst = { error: 0, at: "(none)" };

describe("every reverse rule is the transpose of its forward rule: ⟨∂p·t, s⟩ = ⟨t, sᵀ·∂p⟩", () => {
  for (const [name, c] of Object.entries(adjointCases)) {
    it(name, () => {
      for (let draw = 0; draw < DRAWS; draw++) {
        const d = drawn(name, c, draw);
        const where = `${name}${formatValue(c.x.slice())} along t = ${formatValue(d.t.slice())}, s = ${formatValue(d.s)} (seed ${SEED}, draw ${draw})`;
        expect(d.yJ, `${where}: J and J⊳ compute different results`).toEqual(d.y);
        const error = relativeError(d);
        if (error > worst.error && error <= TOLERANCE) Object.assign(worst, { error, at: where });
        const byArgument = d.terms.map((dot, i) => `argument ${i}: ${dot.value}`).join(", ");
        expect(error, `${where}: ⟨∂p·t, s⟩ = ${d.forward.value}, ⟨t, sᵀ·∂p⟩ = ${d.reverse.value} (${byArgument})`).toBeLessThanOrEqual(TOLERANCE);
        if (!hasZeroDerivative(c.prim)) expect(d.forward.size, `${where}: both sides are 0, so the case would not notice a wrong rule`).toBeGreaterThan(0);
      }
    });
  }

  afterAll(() => {
    console.log(`adjoint identity: worst relative error ${worst.error.toExponential(2)} (tolerance ${TOLERANCE}), at ${worst.at}`);
  });
});

describe("the adjoint cases", () => {
  it("cover every primitive with both rules, or skip it with a reason", () => {
    const withBoth = [...basePrimitives, ...adPrimitives].filter(hasBothRules);
    const covered = new Set(Object.values(adjointCases).map((c) => c.prim));
    expect(withBoth.filter((p) => !covered.has(p) && !skipped.has(p)).map((p) => p.name), "primitives with both rules and no case").toEqual([]);
    expect([...skipped].filter((p) => covered.has(p) || !hasBothRules(p)).map((p) => p.name), "skipped, yet covered or without both rules").toEqual([]);
  });
});
