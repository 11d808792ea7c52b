// The differentiation builtins of SPEC §4. They are ordinary function values: `grad(f)` is a
// function that, when called, transforms f's graph with J (cached per graph), runs f▶ and then
// its backpropagator on the VM through the host.
import { definePrim, PrimError, type Primitive } from "../ir/primitive.js";
import { addParameter, apply, applyPrim, constant, newGraph, type Graph } from "../ir/graph.js";
import { zerosLikePrim } from "../ir/prims/sensitivity.js";
import { makeTuple, tupleGet } from "../ir/prims/structural.js";
import { Closure, EnvValue, isPrimitive, isTuple, aTypeName, typeName, UNIT, type Value } from "../ir/values.js";
import { gradientClosureGraph, vjpClosureGraph, type GradientSpec } from "./gradient-graph.js";
import { registerSpecialJ } from "./primitive-j.js";
import { jValue } from "./j-value.js";
import { forwardValue, jvp } from "./jvp.js";
import { sourceOf } from "./forward.js";
import { primitiveOf } from "./primitive-jvp.js";
import { tangentRules } from "./tangent-rules.js";
import { jacobianBuiltin } from "./jacobian.js";
// Registers the J of map and fold, which take functions, and of dot, which chooses at run time.
import "./dot-j.js";
import "./higher-order.js";
import { unJ } from "./reverse.js";

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

/**
 * Which arguments a gradient is taken with respect to: `k`, or a tuple `(i, j, …)`, each in range
 * for `arity` parameters; a string says why `spec` is not that. The compile-time specialization
 * of `grad` (src/opt/specialize.ts) reads argument numbers the same way.
 */
export function argnumsOf(builtin: string, spec: Value | undefined, arity: number): Pick<GradientSpec, "nums" | "single"> | string {
  let result: { nums: number[]; single: boolean };
  if (spec === undefined) result = { nums: [0], single: true };
  else if (typeof spec === "number") result = { nums: [spec], single: true };
  else if (isTuple(spec) && spec.every((k) => typeof k === "number")) result = { nums: spec as number[], single: false };
  else return `${builtin} takes an argument number or a tuple of them, got ${typeName(spec)}`;
  const bad = result.nums.find((k) => !Number.isInteger(k) || k < 0 || k >= arity);
  if (bad !== undefined) return `${builtin}: argument number ${bad} is out of range for a function of ${arity} parameter${arity === 1 ? "" : "s"}`;
  return result;
}

/** A gradient graph given for a J(f) graph, and the argument numbers as the program wrote them. */
interface KnownGradient {
  readonly kind: GradientSpec["kind"];
  readonly spec: Value | undefined;
  readonly graph: Graph;
}

/**
 * The gradient graphs given so far per J(f) graph: `grad(f, (0, 1))` called again and again (in a
 * loop, or from JavaScript) then finds its graph without building a label and a key each time.
 * A few per function: a program asking for many (`grad(f, i)` for every i) is looked up as before.
 */
const knownGradients = new WeakMap<Graph, KnownGradient[]>();
const KNOWN_PER_FUNCTION = 8;

function sameArgnums(a: Value | undefined, b: Value | undefined): boolean {
  if (a !== undefined && b !== undefined && isTuple(a) && isTuple(b)) return a.length === b.length && a.every((k, i) => k === b[i]);
  return a === b;
}

/**
 * The gradient of the function whose J is `jf`: a closure over J(f), so that it can be
 * transformed again (grad of grad) like any other closure.
 */
function gradientClosure(kind: GradientSpec["kind"], jf: Value, spec: Value | undefined): Closure {
  const known = jf instanceof Closure ? knownGradients.get(jf.graph) : undefined;
  const hit = known?.find((g) => g.kind === kind && sameArgnums(g.spec, spec));
  if (hit !== undefined) return new Closure(hit.graph, [jf]);
  const arity = arityOf(kind, jf);
  const label = nameOf(jf).replace(/▶+$/, "");
  const nums = argnumsOf(kind, spec, arity);
  if (typeof nums === "string") throw new PrimError(nums);
  const graph = gradientClosureGraph({ kind, ...nums }, arity, label);
  if (jf instanceof Closure) {
    if (known === undefined) knownGradients.set(jf.graph, [{ kind, spec, graph }]);
    else if (known.length < KNOWN_PER_FUNCTION) known.push({ kind, spec, graph });
  }
  return new Closure(graph, [jf]);
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
    if (!(d instanceof EnvValue)) throw new PrimError(`internal: the sensitivity of a gradient is ${aTypeName(d!)}`);
    const [only] = d.entries.values();
    return only === undefined ? EnvValue.empty : unJ(only);
  },
});

registerSpecialJ(grad, (arity) => gradientJ("grad", arity), true);
registerSpecialJ(valueAndGrad, (arity) => gradientJ("value_and_grad", arity), true);

/**
 * The function a J⊳-transformed function value stands for, when it closes over nothing. One that
 * does would carry the tangents of what it captured, which the gradient closure built from the
 * primal function would lose: that is refused rather than answered wrongly.
 */
function primalOfForward(builtin: string, f: Value): Value {
  if (f instanceof Closure) {
    const p = primitiveOf(f.graph);
    if (p !== undefined) return p;
    const source = sourceOf(f.graph);
    if (source !== undefined && f.env.length === 0) return new Closure(source, []);
    if (source !== undefined) throw new PrimError(`jvp cannot differentiate through ${builtin} of a closure yet, only of a function that captures nothing`);
  }
  throw new PrimError(`jvp cannot differentiate through ${builtin} of ${aTypeName(f)}`);
}

// Forward mode through `grad(f)` (so jvp, jacobian and hessian of functions that call grad): the
// gradient closure is built from f as without jvp, then enters the J⊳ world like any function
// value; its tangent, as any function's, is ().
for (const kind of ["grad", "value_and_grad"] as const) {
  const ofForward = definePrim({
    name: `${kind}_of_forward`,
    args: [1, 2],
    impl: ([f, k]) => forwardValue(gradientClosure(kind, jValue(primalOfForward(kind, f!)), k)),
  });
  tangentRules.set(kind === "grad" ? grad : valueAndGrad, (b, x) => ({ primal: b(ofForward, ...x), tangent: b.c(UNIT) }));
}

/** The vjp graph given so far per J(f) graph, as knownGradients. */
const knownVjps = new WeakMap<Graph, Graph>();

function vjpClosure(jf: Value): Closure {
  const known = jf instanceof Closure ? knownVjps.get(jf.graph) : undefined;
  if (known !== undefined) return new Closure(known, [jf]);
  const graph = vjpClosureGraph(arityOf("vjp", jf), nameOf(jf).replace(/▶+$/, ""));
  if (jf instanceof Closure) knownVjps.set(jf.graph, graph);
  return new Closure(graph, [jf]);
}

/** `vjp(f, x…)` is `(f(x…), backprop)`, with `backprop(sens)` a tuple of one gradient per argument. */
export const vjp = definePrim({
  name: "vjp",
  args: [1, Infinity],
  effect: "io",
  impl: ([f, ...xs], host) => {
    expectFunction("vjp", f!);
    return host.call(vjpClosure(jValue(f!)), xs);
  },
});

/**
 * J of `vjp`, for functions that call it and are differentiated: run J of the vjp closure on
 * the arguments, and hand the sensitivity of J(f) back with f's keys, as for grad.
 */
registerSpecialJ(vjp, (arity) => {
  const fwd = newGraph("vjp▶", null);
  const [f, ...xs] = Array.from({ length: arity }, (_, i) => addParameter(fwd, i === 0 ? "f" : `x${i - 1}`, null));
  const ofJ = definePrim({ name: "vjp_of_j", args: 1, impl: ([jf]) => jValue(vjpClosure(jf!)) });
  const pair = apply(fwd, [applyPrim(fwd, ofJ, [f!], null), ...xs], null);
  const back = newGraph("◀vjp", null);
  const d = addParameter(back, "d", null);
  const r = apply(back, [applyPrim(fwd, tupleGet, [pair, constant(1)], null), d], null);
  const dxs = xs.map((_, i) => applyPrim(back, tupleGet, [r, constant(i + 1)], null));
  const df = applyPrim(back, capturedSensitivity, [applyPrim(back, tupleGet, [r, constant(0)], null)], null);
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), df, ...dxs], null);
  fwd.output = applyPrim(fwd, makeTuple, [applyPrim(fwd, tupleGet, [pair, constant(0)], null), constant(back)], null);
  return fwd;
}, true);

export const jacobian = jacobianBuiltin("jacobian", (f) => f);
export const hessian = jacobianBuiltin("hessian", (f, host) => host.call(grad, [f]));

export const differentiationBuiltins: ReadonlyMap<string, Primitive> = new Map([
  ["grad", grad],
  ["value_and_grad", valueAndGrad],
  ["vjp", vjp],
  ["jvp", jvp],
  ["jacobian", jacobian],
  ["hessian", hessian],
]);
