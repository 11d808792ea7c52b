// The primitives reverse-mode graphs are built from, beyond the program's own: zeros and sums of
// sensitivities of any structure, environments (the sensitivities of closures), and the checks
// and conversions between a sensitivity and what a user gives or gets. Each is linear in its
// sensitivity, so its derivatives are built from these again: `grad(grad(f))` and
// `jvp(grad(f), …)` run through them. Their run-time work is in ../runtime/sensitivity.ts.
import { expectString } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import { addNumeric, addSens, cotangentMismatch, fromUserGradient, numericSensitivity, sensSum, userGradient, zerosLike } from "../runtime/sensitivity.js";
import { EnvKey, EnvValue, Tensor, aTypeName, typeName, type Value } from "../runtime/values.js";
import { constantResult, definePrim } from "./primitive.js";

export const zerosLikePrim = definePrim({ name: "zeros_like", args: 1, effect: "none", impl: ([v]) => zerosLike(v), numbers: () => 0, ...constantResult });

export const addSensPrim = definePrim({
  name: "add_sens",
  args: 2,
  impl: ([a, b]) => addSens(a, b),
  numbers: sensSum,
  // add_sens sums arrays down to a common shape: its transpose spreads d back out to each operand's.
  vjp: (b, [x, y], out, d) => {
    const exact = b.sens_like(d, out);
    return [b.sens_like(exact, x), b.sens_like(exact, y)];
  },
  jvp: (b, _, __, [da, db]) => b.add_sens(da, db),
});

/** Made once: the kernels keep a loop per function they are given (elementwise2). */
const sensDifference = (x: number, y: number): number => sensSum(x, -y);

/**
 * `sub_sens(a, b)`: add_sens(a, −b), summed down like add_sens. The optimizer writes it for
 * `add_sens(a, neg(b))`, which `sub` would not be for arrays, nor for zeros.
 */
export const subSens = definePrim({
  name: "sub_sens",
  args: 2,
  numbers: sensDifference,
  impl: ([a, b]) => {
    if (typeof a === "number" && typeof b === "number") return sensSum(a, -b);
    if ((a instanceof Tensor || typeof a === "number") && (b instanceof Tensor || typeof b === "number")) return addNumeric(a, b, sensDifference);
    throw new PrimError(`internal: cannot subtract sensitivities of types ${typeName(a)} and ${typeName(b)}`);
  },
  vjp: (b, [x, y], out, d) => {
    const exact = b.sens_like(d, out);
    return [b.sens_like(exact, x), b.neg(b.sens_like(exact, y))];
  },
  jvp: (b, _, __, [da, db]) => b.sub_sens(da, db),
});

/** `sens_like(d, y)`: d summed (or spread) to y's shape, where a rule needs it exact. */
export const sensLike = definePrim({
  name: "sens_like",
  args: 2,
  // Sensitivities of other values (tuples, environments) carry no broadcast axes: d as it is.
  impl: ([d, y]) => (typeof y === "number" || y instanceof Tensor ? numericSensitivity(d, y) : d),
  vjp: (b, [dd], _, d) => [b.sens_like(d, dd)],
  jvp: (b, [, y], _, [dd]) => b.sens_like(dd, y),
});

function expectEnv(v: Value): EnvValue {
  if (v instanceof EnvValue) return v;
  throw new PrimError(`internal: expected an environment, got ${typeName(v)}`);
}

function expectKey(v: Value): EnvKey {
  if (v instanceof EnvKey) return v;
  throw new PrimError(`internal: expected an environment key, got ${typeName(v)}`);
}

/** `env_set(env, key, sens)`: a new environment; sensitivities of one key add up. */
export const envSet = definePrim({
  name: "env_set",
  args: 3,
  impl: ([env, key, sens]) => {
    const merged = new Map(expectEnv(env).entries);
    const k = expectKey(key).node;
    const known = merged.get(k);
    merged.set(k, known === undefined ? sens : addSens(known, sens));
    return new EnvValue(merged);
  },
  // An environment sums what is set under one key, so its sensitivity passes through whole.
  vjp: (b, [, key, v], _, d) => [d, null, b.env_get(d, key, b.zeros_like(v))],
  jvp: (b, [, key], _, [de, , dv]) => b.env_set(de, key, dv),
});

/** `env_has(env, key)`: whether the closure added a sensitivity for this free variable. */
export const envHas = definePrim({ name: "env_has", args: 2, impl: ([env, key]) => expectEnv(env).entries.has(expectKey(key).node), ...constantResult });

/**
 * `env_get(env, key, zero)`: the sensitivity of one free variable, `zero` if the closure did not
 * add one. Which of the two it is decides where a derivative goes: to the entry, or to `zero`.
 */
export const envGet = definePrim({
  name: "env_get",
  args: 3,
  impl: ([env, key, zero]) => expectEnv(env).entries.get(expectKey(key).node) ?? zero,
  vjp: (b, [env, key, zero], _, d) => [b.env_set(b.constant(EnvValue.empty), key, d), null, b.switch(b.env_has(env, key), b.zeros_like(zero), d)],
  jvp: (b, [env, key], y, [de, , dzero]) => b.switch(b.env_has(env, key), b.env_get(de, key, b.zeros_like(y)), dzero),
});

/** The value of `x`, with derivative zero (SPEC §4). */
export const stopGradient = definePrim({ name: "stop_gradient", args: 1, builtin: true, effect: "none", impl: ([x]) => x, ...constantResult });

/** `expect_cotangent(s, y)`: `s`, which vjp's backpropagator needs shaped like the value `y`. */
export const expectCotangent = definePrim({
  name: "expect_cotangent",
  args: 2,
  impl: ([s, y]) => {
    const m = cotangentMismatch(s, y, "");
    if (m !== null) throw new PrimError(`vjp: the cotangent must have the structure and shape of the value: ${m}`);
    return s;
  },
  vjp: (_, __, ___, d) => [d],
  jvp: (_, __, ___, [ds]) => ds,
});

/** `expect_num(y, label)`: `y`, which `grad` needs to be a Num. */
export const expectNumOutput = definePrim({
  name: "expect_num",
  args: 2,
  impl: ([y, label]) => {
    if (typeof y === "number") return y;
    throw new PrimError(
      `${expectString("expect_num", label)} needs a function that returns a Num, but it returned ${aTypeName(y)}; use vjp (or jacobian) for other results`,
    );
  },
  vjp: (_, __, ___, d) => [d],
  jvp: (_, __, ___, [dy]) => dy,
});

/** `user_gradient(sens, primal)`: a sensitivity as the user sees it, shaped like the argument. */
export const userGradientPrim = definePrim({
  name: "user_gradient",
  args: 2,
  impl: ([s, p]) => userGradient(s, p),
  vjp: (b, [s], _, d) => [b.from_user_gradient(d, s)],
  jvp: (b, [, x], _, [ds]) => b.user_gradient(ds, x),
});

/** `from_user_gradient(d, sens)`: the inverse of user_gradient, back in the shape of `sens`. */
export const fromUserGradientPrim = definePrim({
  name: "from_user_gradient",
  args: 2,
  impl: ([d, s]) => fromUserGradient(d, s),
  vjp: (b, [u], _, d) => [b.user_gradient(d, u)],
  jvp: (b, [, s], _, [dd]) => b.from_user_gradient(dd, s),
});
