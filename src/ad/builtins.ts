// The differentiation builtins of SPEC §4. They are ordinary function values: `grad(f)` is a
// function that, when called, transforms f's graph with J (cached per graph), runs f▶ and then
// its backpropagator on the VM through the host.
import { definePrim, PrimError, type HostContext, type Primitive } from "../ir/primitive.js";
import { addParameter, applyPrim, constant, newGraph, type Graph } from "../ir/graph.js";
import { userGradient, zerosLikePrim } from "../ir/prims/sensitivity.js";
import { makeTuple } from "../ir/prims/structural.js";
import { Closure, EnvValue, isPrimitive, isTuple, RecordValue, typeName, type Value } from "../ir/values.js";
import { gradientClosureGraph, type GradientSpec } from "./gradient-graph.js";
import { primitiveJ, registerSpecialJ } from "./primitive-j.js";
import { transformClosure, unJ } from "./reverse.js";

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

function arityOf(builtin: string, f: Value): number {
  if (f instanceof Closure) return f.graph.parameters.length;
  if (isPrimitive(f) && f.minArgs === f.maxArgs) return f.minArgs;
  throw new PrimError(`${builtin} needs a function with a fixed number of parameters; '${nameOf(f)}' takes any number`);
}

/** Which arguments a gradient is taken with respect to: `k`, or a tuple `(i, j, …)`. */
function argnums(builtin: string, spec: Value | undefined, arity: number): { nums: number[]; single: boolean } {
  let result: { nums: number[]; single: boolean };
  if (spec === undefined) result = { nums: [0], single: true };
  else if (typeof spec === "number") result = { nums: [spec], single: true };
  else if (isTuple(spec) && spec.every((k) => typeof k === "number")) result = { nums: spec as number[], single: false };
  else throw new PrimError(`${builtin} takes an argument number or a tuple of them, got ${typeName(spec)}`);
  for (const k of result.nums) {
    if (!Number.isInteger(k) || k < 0 || k >= arity) {
      throw new PrimError(`${builtin}: argument number ${k} is out of range for a function of ${arity} parameter${arity === 1 ? "" : "s"}`);
    }
  }
  return result;
}

/**
 * The gradient of the function whose J is `jf`: a closure over J(f), so that it can be
 * transformed again (grad of grad) like any other closure.
 */
function gradientClosure(kind: GradientSpec["kind"], jf: Value, spec: Value | undefined): Closure {
  const arity = arityOf(kind, jf);
  const label = nameOf(jf).replace(/▶+$/, "");
  return new Closure(gradientClosureGraph({ kind, ...argnums(kind, spec, arity) }, arity, label), [jf]);
}

function gradientBuiltin(kind: GradientSpec["kind"]): Primitive {
  return definePrim({
    name: kind,
    args: [1, 2],
    impl: ([f, k]) => {
      expectFunction(kind, f!);
      return gradientClosure(kind, jValue(f!), k);
    },
  });
}

export const grad = gradientBuiltin("grad");
export const valueAndGrad = gradientBuiltin("value_and_grad");

/**
 * J of `grad` itself, for functions that call grad and are differentiated (perturbation
 * confusion is avoided because the inner gradient is a closure of its own, transformed afresh).
 * Forward: given J(f), the J of grad(f), which is J(Closure(gradient graph, [J(f)])). Backward:
 * the sensitivity of that closure holds the one of J(f), keyed by J(f)'s own free variables;
 * those are mapped back to f's.
 */
function gradientJ(kind: GradientSpec["kind"], arity: number): Graph {
  const fwd = newGraph(`${kind}▶`, null);
  const params = Array.from({ length: arity }, (_, i) => addParameter(fwd, i === 0 ? "f" : "k", null));
  const forwardPrim = definePrim({ name: `${kind}_of_j`, args: [1, 2], impl: ([jf, k]) => jValue(gradientClosure(kind, jf!, k)) });
  const value = applyPrim(fwd, forwardPrim, params, null);
  const back = newGraph(`◀${kind}`, null);
  const d = addParameter(back, "d", null);
  const dk = params.slice(1).map((k) => applyPrim(back, zerosLikePrim, [k], null));
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), applyPrim(back, capturedSensitivity, [d], null), ...dk], null);
  fwd.output = applyPrim(fwd, makeTuple, [value, constant(back)], null);
  return fwd;
}

/** The sensitivity of the one value a gradient closure captured, J(f), with keys mapped back to f's. */
const capturedSensitivity = definePrim({
  name: "captured_sensitivity",
  args: 1,
  impl: ([d]) => {
    if (!(d instanceof EnvValue)) throw new PrimError(`internal: the sensitivity of a gradient is a ${typeName(d!)}`);
    const [only] = d.entries.values();
    return only === undefined ? EnvValue.empty : unJ(only);
  },
});

registerSpecialJ(grad, (arity) => gradientJ("grad", arity));
registerSpecialJ(valueAndGrad, (arity) => gradientJ("value_and_grad", arity));

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
