// The differentiation builtins of SPEC §4. They are ordinary function values: `grad(f)` is a
// function that, when called, transforms f's graph with J (cached per graph), runs f▶ and then
// its backpropagator on the VM through the host.
import { definePrim, PrimError, type HostContext, type Primitive } from "../ir/primitive.js";
import { Closure, isPrimitive, isTuple, RecordValue, Tensor, typeName, UNIT, type Value } from "../ir/values.js";
import { transformClosure } from "./reverse.js";
import { primitiveJ } from "./primitive-j.js";

/** J of a runtime value: functions become their transformed selves; data is its own J. */
export function jValue(v: Value): Value {
  if (v instanceof Closure) {
    const t = transformClosure(v.graph);
    return new Closure(t.forward, t.envIndex.map((i) => jValue(v.env[i]!)));
  }
  if (isPrimitive(v)) {
    if (v.minArgs !== v.maxArgs) throw new PrimError(`cannot differentiate '${v.name}' passed as a value`);
    return new Closure(primitiveJ(v, v.minArgs), []);
  }
  if (isTuple(v)) return v.map(jValue);
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map(jValue));
  return v;
}

/** A sensitivity as the user sees it: shaped like the argument, `()` where there is no derivative. */
function userGradient(sens: Value, primal: Value): Value {
  if (typeof primal === "number" || primal instanceof Tensor) return sens;
  if (isTuple(primal) && isTuple(sens)) return primal.map((p, i) => userGradient(sens[i]!, p));
  if (primal instanceof RecordValue && sens instanceof RecordValue) {
    return new RecordValue(primal.keys, primal.values.map((p, i) => userGradient(sens.values[i]!, p)));
  }
  return UNIT;
}

interface Linearized {
  readonly value: Value;
  /** The sensitivity of each argument, for an output sensitivity. */
  readonly backprop: (sens: Value) => Value[];
}

function linearize(host: HostContext, f: Value, args: Value[]): Linearized {
  const pair = host.call(jValue(f), args.map(jValue));
  if (!isTuple(pair) || pair.length !== 2) throw new Error("internal: J(f) did not return a pair");
  const [value, back] = pair as [Value, Value];
  return {
    value: value!,
    backprop: (sens) => {
      const all = host.call(back!, [sens]);
      if (!isTuple(all)) throw new Error("internal: a backpropagator did not return a tuple");
      return args.map((a, i) => userGradient(all[i + 1]!, a));
    },
  };
}

function nameOf(f: Value): string {
  return f instanceof Closure ? f.graph.name : isPrimitive(f) ? f.name : typeName(f);
}

function expectFunction(builtin: string, f: Value): void {
  if (!(f instanceof Closure) && !isPrimitive(f)) throw new PrimError(`${builtin} expects a function, got ${typeName(f)}`);
}

/** Which arguments a gradient is taken with respect to: `k`, or a tuple `(i, j, …)`. */
function argnums(builtin: string, spec: Value | undefined): { list: number[]; single: boolean } {
  if (spec === undefined) return { list: [0], single: true };
  if (typeof spec === "number") return { list: [spec], single: true };
  if (isTuple(spec) && spec.every((k) => typeof k === "number")) return { list: spec as number[], single: false };
  throw new PrimError(`${builtin} takes an argument number or a tuple of them, got ${typeName(spec)}`);
}

function scalarOutput(builtin: string, f: Value, y: Value): number {
  if (typeof y === "number") return y;
  throw new PrimError(
    `${builtin}(${nameOf(f)}) needs a function that returns a Num, but it returned a ${typeName(y)}; use vjp (or jacobian) for other results`,
  );
}

function gradientFunction(builtin: "grad" | "value_and_grad", f: Value, spec: Value | undefined): Primitive {
  expectFunction(builtin, f);
  const nums = argnums(builtin, spec);
  return definePrim({
    name: `${builtin}(${nameOf(f)})`,
    args: [0, Infinity],
    impl: (xs, host) => {
      for (const k of nums.list) {
        if (!Number.isInteger(k) || k < 0 || k >= xs.length) {
          throw new PrimError(`${builtin}: argument number ${k} is out of range for a call with ${xs.length} argument${xs.length === 1 ? "" : "s"}`);
        }
      }
      const lin = linearize(host, f, xs);
      const y = scalarOutput(builtin, f, lin.value);
      const gs = lin.backprop(1);
      const g = nums.single ? gs[nums.list[0]!]! : nums.list.map((k) => gs[k]!);
      return builtin === "grad" ? g : [y, g];
    },
  });
}

export const grad = definePrim({ name: "grad", args: [1, 2], impl: ([f, k]) => gradientFunction("grad", f!, k) });
export const valueAndGrad = definePrim({ name: "value_and_grad", args: [1, 2], impl: ([f, k]) => gradientFunction("value_and_grad", f!, k) });

/** `vjp(f, x…)` is `(f(x…), backprop)`, with `backprop(sens)` a tuple of one gradient per argument. */
export const vjp = definePrim({
  name: "vjp",
  args: [1, Infinity],
  impl: ([f, ...xs], host) => {
    expectFunction("vjp", f!);
    const lin = linearize(host, f!, xs);
    const backprop = definePrim({ name: `vjp(${nameOf(f!)}).backprop`, args: 1, impl: ([s]) => lin.backprop(s!) });
    return [lin.value, backprop];
  },
});

export const differentiationBuiltins: ReadonlyMap<string, Primitive> = new Map([
  ["grad", grad],
  ["value_and_grad", valueAndGrad],
  ["vjp", vjp],
]);
