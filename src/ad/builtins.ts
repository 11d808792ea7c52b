// The differentiation builtins of SPEC §4. They are ordinary function values: `grad(f)` is a
// function that, when called, transforms f's graph with J (cached per graph in the session), runs
// f▶ and then its backpropagator on the VM through the host. They have derivatives too: a
// function that calls `grad` or `vjp` can itself be differentiated, in reverse mode (J of grad)
// and, for `grad`, in forward mode.
import type { Graph } from "../ir/graph.js";
import { definePrim, type Primitive } from "../prims/primitive.js";
import { PrimError, type HostContext } from "../runtime/host.js";
import { Closure, EnvValue, isPrimitive, isTuple, aTypeName, typeName, UNIT, type Value } from "../runtime/values.js";
import { sourceOf } from "./forward.js";
import { gradientClosureGraph, vjpClosureGraph, type GradientSpec } from "./gradient-graph.js";
import { jacobianBuiltin } from "./jacobian.js";
import { jValue, jValuePrimitives, unJ } from "./j-value.js";
import { forwardValue, forwardValuePrim, jvp } from "./jvp.js";
import type { Session } from "./session.js";

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
export interface KnownGradient {
  readonly kind: GradientSpec["kind"];
  readonly spec: Value | undefined;
  readonly graph: Graph;
}

/**
 * A few gradient graphs per function are remembered (session.gradients): `grad(f, (0, 1))` called
 * again and again (in a loop, or from JavaScript) then finds its graph without building a label
 * and a key each time. A program asking for many (`grad(f, i)` for every i) is looked up as before.
 */
const KNOWN_PER_FUNCTION = 8;

function sameArgnums(a: Value | undefined, b: Value | undefined): boolean {
  if (a !== undefined && b !== undefined && isTuple(a) && isTuple(b)) return a.length === b.length && a.every((k, i) => k === b[i]);
  return a === b;
}

/**
 * The gradient of the function whose J is `jf`: a closure over J(f), so that it can be
 * transformed again (grad of grad) like any other closure.
 */
function gradientClosure(session: Session, kind: GradientSpec["kind"], jf: Value, spec: Value | undefined): Closure {
  const known = jf instanceof Closure ? session.gradients.get(jf.graph) : undefined;
  const hit = known?.find((g) => g.kind === kind && sameArgnums(g.spec, spec));
  if (hit !== undefined) return new Closure(hit.graph, [jf]);
  const arity = arityOf(kind, jf);
  const label = nameOf(jf).replace(/▶+$/, "");
  const nums = argnumsOf(kind, spec, arity);
  if (typeof nums === "string") throw new PrimError(nums);
  const graph = gradientClosureGraph(session, { kind, ...nums }, arity, label);
  if (jf instanceof Closure) {
    if (known === undefined) session.gradients.set(jf.graph, [{ kind, spec, graph }]);
    else if (known.length < KNOWN_PER_FUNCTION) known.push({ kind, spec, graph });
  }
  return new Closure(graph, [jf]);
}

/** The sensitivity of the one value a gradient closure captured, J(f), with keys mapped back to f's. */
const capturedSensitivity = definePrim({
  name: "captured_sensitivity",
  args: 1,
  impl: ([d], host) => {
    if (!(d instanceof EnvValue)) throw new PrimError(`internal: the sensitivity of a gradient is ${aTypeName(d)}`);
    const [only] = d.entries.values();
    return only === undefined ? EnvValue.empty : unJ(host.session, only);
  },
  vjp: null,
  jvp: null,
});

/**
 * The function a J⊳-transformed function value stands for, when it closes over nothing. One that
 * does would carry the tangents of what it captured, which the gradient closure built from the
 * primal function would lose: that is refused rather than answered wrongly.
 */
function primalOfForward(session: Session, builtin: string, f: Value): Value {
  if (f instanceof Closure) {
    const p = session.jvpPrimitives.get(f.graph);
    if (p !== undefined) return p;
    const source = sourceOf(session, f.graph);
    if (source !== undefined && f.env.length === 0) return new Closure(source, []);
    if (source !== undefined) throw new PrimError(`jvp cannot differentiate through ${builtin} of a closure yet, only of a function that captures nothing`);
  }
  throw new PrimError(`jvp cannot differentiate through ${builtin} of ${aTypeName(f)}`);
}

/** The argument number of `grad(f, k)`, if given, as operands to pass on. */
const argnums = <T>(k: T | undefined): T[] => (k === undefined ? [] : [k]);

/**
 * `grad` or `value_and_grad`. Reverse mode through it (a function that calls grad, differentiated)
 * builds, given J(f), the J of grad(f): a fresh transform of the gradient closure, so the inner and
 * outer differentiations never share sensitivities (no perturbation confusion). Its sensitivity
 * holds the one of J(f), keyed by J(f)'s free variables, which are mapped back to f's. Forward
 * mode through it builds the gradient closure from f as without jvp, which then enters the J⊳
 * world like any function value; its tangent, as any function's, is ().
 */
function gradientBuiltin(kind: GradientSpec["kind"]): [builtin: Primitive, ofJ: Primitive, ofForward: Primitive] {
  const ofJ = definePrim({
    name: `${kind}_of_j`,
    args: [1, 2],
    impl: ([jf, k], host) => jValue(host.session, gradientClosure(host.session, kind, jf, k)),
    vjp: null,
    jvp: null,
  });
  const ofForward = definePrim({
    name: `${kind}_of_forward`,
    args: [1, 2],
    impl: ([f, k], host) => {
      const session = host.session;
      return forwardValue(session, gradientClosure(session, kind, jValue(session, primalOfForward(session, kind, f)), k));
    },
    vjp: null,
    jvp: null,
  });
  const builtin = definePrim({
    name: kind,
    args: [1, 2],
    builtin: true,
    impl: ([f, k], host) => {
      expectFunction(kind, f);
      return gradientClosure(host.session, kind, jValue(host.session, f), k);
    },
    vjp: { augmented: (b, [f, k]) => ({ y: b.prim(ofJ, f, ...argnums(k)), back: (b, d) => [b.prim(capturedSensitivity, d)] }) },
    jvp: { augmented: (b, [f, k]) => ({ y: b.prim(ofForward, f, ...argnums(k)), dy: b.constant(UNIT) }) },
    keepsCaptureKeys: true,
  });
  return [builtin, ofJ, ofForward];
}

const [grad, gradOfJ, gradOfForward] = gradientBuiltin("grad");
const [valueAndGrad, valueAndGradOfJ, valueAndGradOfForward] = gradientBuiltin("value_and_grad");
export { grad, valueAndGrad };

function vjpClosure(session: Session, jf: Value): Closure {
  const known = jf instanceof Closure ? session.vjps.get(jf.graph) : undefined;
  if (known !== undefined) return new Closure(known, [jf]);
  const graph = vjpClosureGraph(session, arityOf("vjp", jf), nameOf(jf).replace(/▶+$/, ""));
  if (jf instanceof Closure) session.vjps.set(jf.graph, graph);
  return new Closure(graph, [jf]);
}

const vjpOfJ = definePrim({ name: "vjp_of_j", args: 1, impl: ([jf], host) => jValue(host.session, vjpClosure(host.session, jf)), vjp: null, jvp: null });

/**
 * `vjp(f, x…)` is `(f(x…), backprop)`, with `backprop(sens)` a tuple of one gradient per argument.
 * Reverse mode through it runs J of the vjp closure on the arguments, and hands the sensitivity of
 * J(f) back with f's keys, as for grad.
 */
export const vjp = definePrim({
  name: "vjp",
  args: [1, Infinity],
  builtin: true,
  effect: "io",
  impl: ([f, ...xs], host) => {
    expectFunction("vjp", f);
    return host.call(vjpClosure(host.session, jValue(host.session, f)), xs);
  },
  vjp: {
    augmented: (b, [f, ...xs]) => {
      const pair = b.apply(b.prim(vjpOfJ, f), ...xs);
      const backprop = b.tuple_get(pair, 1);
      return {
        y: b.tuple_get(pair, 0),
        back: (b, d) => {
          const r = b.apply(backprop, d);
          return [b.prim(capturedSensitivity, b.tuple_get(r, 0)), ...xs.map((_, i) => b.tuple_get(r, i + 1))];
        },
      };
    },
  },
  jvp: null,
  keepsCaptureKeys: true,
});

const [jacobian, jacobianAt] = jacobianBuiltin("jacobian", (f) => f);
const [hessian, hessianAt] = jacobianBuiltin("hessian", (f, host: HostContext) => host.call(grad, [f]));

/** Every primitive of this room. */
export const adPrimitives: readonly Primitive[] = [
  grad, valueAndGrad, vjp, jvp, jacobian, hessian,
  gradOfJ, gradOfForward, valueAndGradOfJ, valueAndGradOfForward, capturedSensitivity, vjpOfJ, jacobianAt, hessianAt,
  forwardValuePrim, ...jValuePrimitives,
];

/** The differentiation builtins programs call by name (SPEC §4): those their definitions mark `builtin`. */
export const differentiationBuiltins: ReadonlyMap<string, Primitive> = new Map(adPrimitives.filter((p) => p.builtin).map((p) => [p.name, p]));
