// Scalar arithmetic and math. Operators lower to these (`a + b` is `add(a, b)`); the names users
// may call directly are listed in builtins.ts.
import { definePrim, PrimError, type Primitive } from "../primitive.js";
import { typeName, type Value } from "../values.js";
import { expectBool, expectNum } from "./check.js";

function unary(name: string, f: (x: number) => number): Primitive {
  return definePrim({ name, args: 1, impl: ([a]) => f(expectNum(name, a!)) });
}

function binary(name: string, symbol: string, f: (x: number, y: number) => number): Primitive {
  return definePrim({
    name,
    args: 2,
    impl: ([a, b]) => {
      if (typeof a === "number" && typeof b === "number") return f(a, b);
      throw new PrimError(`${symbol} expects Num operands, got ${typeName(a!)} and ${typeName(b!)}`);
    },
  });
}

function comparison(name: string, symbol: string, f: (x: number, y: number) => boolean): Primitive {
  return definePrim({
    name,
    args: 2,
    impl: ([a, b]) => {
      if (typeof a === "number" && typeof b === "number") return f(a, b);
      throw new PrimError(`${symbol} expects Num operands, got ${typeName(a!)} and ${typeName(b!)}`);
    },
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

/** `where(c, a, b)` on scalars: `c` is a Bool, or a Num read as true when non-zero. */
export const where = definePrim({
  name: "where",
  args: 3,
  impl: ([c, a, b]) => {
    if (typeof c === "boolean") return c ? a! : b!;
    return expectNum("where", c!) !== 0 ? a! : b!;
  },
});

/** `@`: matrix product. Arrays arrive with the array family; on other values it is a type error. */
export const matmul = definePrim({
  name: "matmul",
  args: 2,
  impl: ([a, b]) => {
    throw new PrimError(`@ expects Arrays, got ${typeName(a!)} and ${typeName(b!)}`);
  },
});
