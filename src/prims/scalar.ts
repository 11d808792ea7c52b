// Scalar arithmetic and math, elementwise on Arrays, with their derivatives. Operators lower to
// these (`a + b` is `add(a, b)`); those marked `builtin` users may also call by name.
// Each implementation tries two Nums first, with no allocation, since that is the VM's hot path;
// anything else goes to the broadcasting kernels of ../runtime/tensor. The rules need nothing of
// their own for arrays: the same operators work on them, and a sensitivity may keep the axes an
// operation broadcast it over (see runtime/sensitivity.ts, numericSensitivity).
import type { Node } from "../ir/graph.js";
import { expectBool, expectNumeric, isNumeric, naming } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import { broadcastShapes, broadcastTo, elementwise1, elementwise2 } from "../runtime/tensor/broadcast.js";
import { asTensor, fromData, shapeOf, type Numeric } from "../runtime/tensor/shape.js";
import { Tensor, typeName, type Value } from "../runtime/values.js";
import { constantResult, definePrim, type Builder, type JvpRule, type Primitive, type VjpRule } from "./primitive.js";

/** f'(x) as IR, from x and y = f(x). */
type Derivative = (b: Builder, x: Node, y: Node) => Node;

/** A builtin, f of one Num or each element of an Array; `derivative` null when the result is piecewise constant. */
function unary(name: string, f: (x: number) => number, derivative: Derivative | null): Primitive {
  return definePrim({
    name,
    args: 1,
    builtin: true,
    impl: ([a]) => (typeof a === "number" ? f(a) : elementwise1(expectNumeric(name, a), f)),
    numbers: f,
    // The chain rule, in both directions: the same f'(x), so the two modes cannot disagree.
    ...(derivative === null
      ? constantResult
      : {
          vjp: (b, [x], y, d) => [b.mul(d, derivative(b, x, y))],
          jvp: (b, [x], y, [dx]) => b.mul(dx, derivative(b, x, y)),
        }),
  });
}

/** Two operands, at least one not a Num: both must be Nums or Arrays, and they broadcast. */
function broadcast(symbol: string, a: Value, b: Value, f: (x: number, y: number) => number): Numeric {
  if (!isNumeric(a) || !isNumeric(b)) throw new PrimError(`${symbol} expects Num or Array operands, got ${typeName(a)} and ${typeName(b)}`);
  return naming(symbol, () => elementwise2(a, b, f));
}

type Pair = readonly [Node, Node];

/** f of two Nums or, broadcasting, Arrays; reached through `symbol`, and by `name` too when `builtin`. */
function binary(name: string, symbol: string, f: (x: number, y: number) => number, vjp: VjpRule<Pair>, jvp: JvpRule<Pair>, { builtin = false } = {}): Primitive {
  return definePrim({
    name,
    args: 2,
    builtin,
    impl: ([a, b]) => (typeof a === "number" && typeof b === "number" ? f(a, b) : broadcast(symbol, a, b, f)),
    numbers: f,
    vjp,
    jvp,
  });
}

/** On Nums a Bool; on Arrays (SPEC §3) a 0/1 Array, which `where` and arithmetic can use. */
function comparison(name: string, symbol: string, f: (x: number, y: number) => boolean): Primitive {
  const indicator = (x: number, y: number): number => (f(x, y) ? 1 : 0);
  return definePrim({
    name,
    args: 2,
    impl: ([a, b]) => (typeof a === "number" && typeof b === "number" ? f(a, b) : broadcast(symbol, a, b, indicator)),
    numbers: f,
    ...constantResult,
  });
}

/** NumPy's rounding: halves go to the even neighbour, so rounding is unbiased. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python's and NumPy's `%`: the result has the sign of the divisor. */
function floorMod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplusOf(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * log(x) where x > 0 and log(1) = 0 elsewhere: ∂(x ** y)/∂y has no real value for x ≤ 0, and
 * taken as 0 there it must not be nan either, or the derivative of this derivative (which
 * multiplies it by zero, unless an optimizer has removed it) would be nan.
 */
const safeLog = (b: Builder, x: Node): Node => b.log(b.where(b.gt(x, 0), x, 1));

/**
 * At a tie each argument takes half, as JAX's balanced rule for max and min does: x's share.
 * Built from comparisons, which work elementwise on arrays (`==` does not).
 */
const tieShare = (b: Builder, x: Node, y: Node, wins: "gt" | "lt", loses: "gt" | "lt"): Node =>
  b.where(b[wins](x, y), 1, b.where(b[loses](x, y), 0, 0.5));

/**
 * `t · k`, and 0 where `t` is 0 even if `k` is not finite: a constant exponent has tangent 0 and
 * `log` of a negative base must not make `x ** 2` nan (JAX gets this from symbolic zeros).
 */
const scaled = (b: Builder, t: Node, k: Node): Node => b.where(t, b.mul(t, k), 0);

export const add = binary("add", "+", (x, y) => x + y, (_, __, ___, d) => [d, d], (b, _, __, [da, db]) => b.add(da, db));
export const sub = binary("sub", "-", (x, y) => x - y, (b, _, __, d) => [d, b.neg(d)], (b, _, __, [da, db]) => b.sub(da, db));
export const mul = binary(
  "mul", "*", (x, y) => x * y,
  (b, [x, y], _, d) => [b.mul(d, y), b.mul(d, x)],
  (b, [x, y], _, [dx, dy]) => b.add(b.mul(dx, y), b.mul(x, dy)),
);
// ∂(x/y)/∂y = −(x/y)/y: with d/y computed once, both sensitivities share it.
export const div = binary(
  "div", "/", (x, y) => x / y,
  (b, [, y], out, d) => {
    const dx = b.div(d, y);
    return [dx, b.neg(b.mul(dx, out))];
  },
  (b, [, y], out, [dx, dy]) => b.div(b.sub(dx, b.mul(out, dy)), y),
);
export const mod = binary(
  "mod", "%", floorMod,
  (b, [x, y], _, d) => [d, b.neg(b.mul(d, b.floor(b.div(x, y))))],
  (b, [x, y], _, [dx, dy]) => b.sub(dx, b.mul(dy, b.floor(b.div(x, y)))),
);
// At x = 0 the factors log(x) and x ** (y - 1) are infinite where the derivative is 0, as in JAX.
// (`where` on a Num condition picks where it is non-zero, elementwise on arrays.) A sensitivity
// is never smaller than its value: the zero of an array is an array (see numericSensitivity).
export const pow = binary(
  "pow", "**", (x, y) => x ** y,
  (b, [x, y], out, d) => [
    b.where(y, b.mul(d, b.mul(y, b.pow(x, b.sub(y, 1)))), b.zeros_like(x)),
    b.where(b.gt(x, 0), b.mul(d, b.mul(out, safeLog(b, x))), b.zeros_like(y)),
  ],
  (b, [x, y], out, [dx, dy]) =>
    b.add(
      scaled(b, dx, b.where(y, b.mul(y, b.pow(x, b.sub(y, 1))), 0)),
      scaled(b, dy, b.where(b.gt(x, 0), b.mul(out, safeLog(b, x)), 0)),
    ),
  { builtin: true },
);
export const maximum = binary(
  "maximum", "maximum", (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  (b, [x, y], _, d) => [b.mul(d, tieShare(b, x, y, "gt", "lt")), b.mul(d, tieShare(b, y, x, "gt", "lt"))],
  (b, [x, y], _, [dx, dy]) => b.add(b.mul(dx, tieShare(b, x, y, "gt", "lt")), b.mul(dy, tieShare(b, y, x, "gt", "lt"))),
  { builtin: true },
);
export const minimum = binary(
  "minimum", "minimum", (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  (b, [x, y], _, d) => [b.mul(d, tieShare(b, x, y, "lt", "gt")), b.mul(d, tieShare(b, y, x, "lt", "gt"))],
  (b, [x, y], _, [dx, dy]) => b.add(b.mul(dx, tieShare(b, x, y, "lt", "gt")), b.mul(dy, tieShare(b, y, x, "lt", "gt"))),
  { builtin: true },
);
export const atan2 = binary(
  "atan2", "atan2", Math.atan2,
  (b, [y, x], _, d) => {
    const r2 = b.add(b.mul(x, x), b.mul(y, y));
    return [b.div(b.mul(d, x), r2), b.neg(b.div(b.mul(d, y), r2))];
  },
  (b, [y, x], _, [dy, dx]) => b.div(b.sub(b.mul(x, dy), b.mul(y, dx)), b.add(b.mul(x, x), b.mul(y, y))),
  { builtin: true },
);
/** Made once: the kernels keep a loop per function they are given (elementwise1). */
const negate = (x: number): number => -x;
export const neg = definePrim({
  name: "neg",
  args: 1,
  impl: ([a]) => (typeof a === "number" ? -a : elementwise1(expectNumeric("neg", a), negate)),
  numbers: negate,
  vjp: (b, _, __, d) => [b.neg(d)],
  jvp: (b, _, __, [dx]) => b.neg(dx),
});

export const lt = comparison("lt", "<", (x, y) => x < y);
export const le = comparison("le", "<=", (x, y) => x <= y);
export const gt = comparison("gt", ">", (x, y) => x > y);
export const ge = comparison("ge", ">=", (x, y) => x >= y);

function equality(a: Value, b: Value, symbol: string): boolean {
  const ta = typeof a;
  if ((ta === "number" || ta === "boolean" || ta === "string") && ta === typeof b) return a === b;
  throw new PrimError(`${symbol} compares Num, Bool or String values of one type, got ${typeName(a)} and ${typeName(b)}`);
}
export const eq = definePrim({ name: "eq", args: 2, impl: ([a, b]) => equality(a, b, "=="), numbers: (x, y) => x === y, ...constantResult });
export const ne = definePrim({ name: "ne", args: 2, impl: ([a, b]) => !equality(a, b, "!="), numbers: (x, y) => x !== y, ...constantResult });
export const not = definePrim({ name: "not", args: 1, impl: ([a]) => !expectBool("not", a), ...constantResult });

export const sin = unary("sin", Math.sin, (b, x) => b.cos(x));
export const cos = unary("cos", Math.cos, (b, x) => b.neg(b.sin(x)));
export const tan = unary("tan", Math.tan, (b, _, y) => b.add(1, b.mul(y, y)));
export const asin = unary("asin", Math.asin, (b, x) => b.div(1, b.sqrt(b.sub(1, b.mul(x, x)))));
export const acos = unary("acos", Math.acos, (b, x) => b.neg(b.div(1, b.sqrt(b.sub(1, b.mul(x, x))))));
export const atan = unary("atan", Math.atan, (b, x) => b.div(1, b.add(1, b.mul(x, x))));
export const tanh = unary("tanh", Math.tanh, (b, _, y) => b.sub(1, b.mul(y, y)));
export const sinh = unary("sinh", Math.sinh, (b, x) => b.cosh(x));
export const cosh = unary("cosh", Math.cosh, (b, x) => b.sinh(x));
export const exp = unary("exp", Math.exp, (_, __, y) => y);
export const log = unary("log", Math.log, (b, x) => b.div(1, x));
export const log1p = unary("log1p", Math.log1p, (b, x) => b.div(1, b.add(1, x)));
export const expm1 = unary("expm1", Math.expm1, (b, _, y) => b.add(y, 1));
export const sqrt = unary("sqrt", Math.sqrt, (b, _, y) => b.div(0.5, y));
export const abs = unary("abs", Math.abs, (b, x) => b.sign(x));
export const sigmoid = unary("sigmoid", logistic, (b, _, y) => b.mul(y, b.sub(1, y)));
export const relu = unary("relu", (x) => (x > 0 ? x : 0), (b, x) => b.where(b.gt(x, 0), 1, 0));
export const softplus = unary("softplus", softplusOf, (b, x) => b.sigmoid(x));
export const sign = unary("sign", Math.sign, null);
export const floor = unary("floor", Math.floor, null);
export const ceil = unary("ceil", Math.ceil, null);
export const round = unary("round", roundHalfEven, null);

/**
 * `where(c, a, b)`. A scalar condition — a Bool, or a Num read as true when non-zero — picks `a`
 * or `b` whole, whatever they are, as `if` would; so the optimizer can resolve `where` on a
 * known condition without knowing shapes. An Array condition works elementwise, as NumPy's does:
 * all three broadcast to one shape.
 */
export const where = definePrim({
  name: "where",
  args: 3,
  builtin: true,
  impl: ([c, a, b]) => {
    if (c instanceof Tensor) return whereArrays(c, a, b);
    if (typeof c === "boolean") return c ? a : b;
    if (typeof c === "number") return c !== 0 ? a : b;
    throw new PrimError(`where expects a Bool, Num or Array condition, got ${typeName(c)}`);
  },
  vjp: (b, [c, x, y], _, d) => [null, b.where(c, d, b.zeros_like(x)), b.where(c, b.zeros_like(y), d)],
  jvp: (b, [c], _, [, da, db]) => b.where(c, da, db),
});

function whereArrays(cond: Tensor, a: Value, b: Value): Numeric {
  if (!isNumeric(a) || !isNumeric(b)) throw new PrimError(`where with an Array argument expects Num or Array values, got ${typeName(a)} and ${typeName(b)}`);
  return naming("where", () => {
    const shape = broadcastShapes(broadcastShapes(shapeOf(cond), shapeOf(a)), shapeOf(b));
    const stretched = (x: Numeric): Float64Array => asTensor(broadcastTo(x, shape)).data;
    const cd = stretched(cond), ad = stretched(a), bd = stretched(b);
    const out = new Float64Array(cd.length);
    for (let i = 0; i < out.length; i++) out[i] = cd[i] !== 0 ? ad[i] : bd[i];
    return fromData(shape, out);
  });
}
