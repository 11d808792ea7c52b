// Scalar arithmetic and math, elementwise on Arrays. Operators lower to these (`a + b` is
// `add(a, b)`); the names users may call directly are listed in builtins.ts. Each primitive tries
// two Nums first, with no allocation, since that is the VM's hot path; anything else goes to the
// broadcasting kernels of ../tensor.
import { definePrim, PrimError, type Primitive } from "../primitive.js";
import { broadcastShapes, broadcastTo, elementwise1, elementwise2 } from "../tensor/broadcast.js";
import { matmul as matmulKernel } from "../tensor/linalg.js";
import { asTensor, fromData, shapeOf, type Numeric } from "../tensor/shape.js";
import { Tensor, typeName, type Value } from "../values.js";
import { expectBool, expectNumeric, isNumeric, naming } from "./check.js";

function unary(name: string, f: (x: number) => number): Primitive {
  return definePrim({ name, args: 1, impl: ([a]) => (typeof a === "number" ? f(a) : elementwise1(expectNumeric(name, a!), f)) });
}

/** Two operands, at least one not a Num: both must be Nums or Arrays, and they broadcast. */
function broadcast(symbol: string, a: Value, b: Value, f: (x: number, y: number) => number): Numeric {
  if (!isNumeric(a) || !isNumeric(b)) throw new PrimError(`${symbol} expects Num or Array operands, got ${typeName(a)} and ${typeName(b)}`);
  return naming(symbol, () => elementwise2(a, b, f));
}

function binary(name: string, symbol: string, f: (x: number, y: number) => number): Primitive {
  return definePrim({
    name,
    args: 2,
    impl: ([a, b]) => (typeof a === "number" && typeof b === "number" ? f(a, b) : broadcast(symbol, a!, b!, f)),
  });
}

/** On Nums a Bool; on Arrays (SPEC §3) a 0/1 Array, which `where` and arithmetic can use. */
function comparison(name: string, symbol: string, f: (x: number, y: number) => boolean): Primitive {
  const indicator = (x: number, y: number): number => (f(x, y) ? 1 : 0);
  return definePrim({
    name,
    args: 2,
    impl: ([a, b]) => (typeof a === "number" && typeof b === "number" ? f(a, b) : broadcast(symbol, a!, b!, indicator)),
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

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export const add = binary("add", "+", (x, y) => x + y);
export const sub = binary("sub", "-", (x, y) => x - y);
export const mul = binary("mul", "*", (x, y) => x * y);
export const div = binary("div", "/", (x, y) => x / y);
export const mod = binary("mod", "%", floorMod);
export const pow = binary("pow", "**", (x, y) => x ** y);
export const neg = unary("neg", (x) => -x);
export const maximum = binary("maximum", "maximum", (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)));
export const minimum = binary("minimum", "minimum", (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)));
export const atan2 = binary("atan2", "atan2", Math.atan2);

export const lt = comparison("lt", "<", (x, y) => x < y);
export const le = comparison("le", "<=", (x, y) => x <= y);
export const gt = comparison("gt", ">", (x, y) => x > y);
export const ge = comparison("ge", ">=", (x, y) => x >= y);

function equality(a: Value, b: Value, symbol: string): boolean {
  const ta = typeof a;
  if ((ta === "number" || ta === "boolean" || ta === "string") && ta === typeof b) return a === b;
  throw new PrimError(`${symbol} compares Num, Bool or String values of one type, got ${typeName(a)} and ${typeName(b)}`);
}
export const eq = definePrim({ name: "eq", args: 2, impl: ([a, b]) => equality(a!, b!, "==") });
export const ne = definePrim({ name: "ne", args: 2, impl: ([a, b]) => !equality(a!, b!, "!=") });
export const not = definePrim({ name: "not", args: 1, impl: ([a]) => !expectBool("not", a!) });

export const sin = unary("sin", Math.sin);
export const cos = unary("cos", Math.cos);
export const tan = unary("tan", Math.tan);
export const asin = unary("asin", Math.asin);
export const acos = unary("acos", Math.acos);
export const atan = unary("atan", Math.atan);
export const tanh = unary("tanh", Math.tanh);
export const sinh = unary("sinh", Math.sinh);
export const cosh = unary("cosh", Math.cosh);
export const exp = unary("exp", Math.exp);
export const log = unary("log", Math.log);
export const log1p = unary("log1p", Math.log1p);
export const expm1 = unary("expm1", Math.expm1);
export const sqrt = unary("sqrt", Math.sqrt);
export const abs = unary("abs", Math.abs);
export const sign = unary("sign", Math.sign);
export const floor = unary("floor", Math.floor);
export const ceil = unary("ceil", Math.ceil);
export const round = unary("round", roundHalfEven);
export const sigmoidPrim = unary("sigmoid", sigmoid);
export const relu = unary("relu", (x) => (x > 0 ? x : 0));
export const softplusPrim = unary("softplus", softplus);

/**
 * `where(c, a, b)`. A scalar condition — a Bool, or a Num read as true when non-zero — picks `a`
 * or `b` whole, whatever they are, as `if` would; so the optimizer can resolve `where` on a
 * known condition without knowing shapes. An Array condition works elementwise, as NumPy's does:
 * all three broadcast to one shape.
 */
export const where = definePrim({
  name: "where",
  args: 3,
  impl: ([c, a, b]) => {
    if (c instanceof Tensor) return whereArrays(c, a!, b!);
    if (typeof c === "boolean") return c ? a! : b!;
    if (typeof c === "number") return c !== 0 ? a! : b!;
    throw conditionError(c!);
  },
});

function conditionError(c: Value): PrimError {
  return new PrimError(`where expects a Bool, Num or Array condition, got ${typeName(c)}`);
}

function whereArrays(cond: Tensor, a: Value, b: Value): Numeric {
  if (!isNumeric(a) || !isNumeric(b)) throw new PrimError(`where with an Array argument expects Num or Array values, got ${typeName(a)} and ${typeName(b)}`);
  return naming("where", () => {
    const shape = broadcastShapes(broadcastShapes(shapeOf(cond), shapeOf(a)), shapeOf(b));
    const stretched = (x: Numeric): Float64Array => asTensor(broadcastTo(x, shape)).data;
    const cd = stretched(cond), ad = stretched(a), bd = stretched(b);
    const out = new Float64Array(cd.length);
    for (let i = 0; i < out.length; i++) out[i] = cd[i] !== 0 ? ad[i]! : bd[i]!;
    return fromData(shape, out);
  });
}

/** `@` and `matmul(a, b)`: SPEC §3's four cases of 1-d and 2-d operands. */
export const matmul = definePrim({
  name: "matmul",
  args: 2,
  impl: ([a, b]) => {
    if (!isNumeric(a!) || !isNumeric(b!)) throw new PrimError(`matmul (@) expects Arrays, got ${typeName(a!)} and ${typeName(b!)}`);
    return matmulKernel(a, b);
  },
});
