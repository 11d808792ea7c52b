// `jvp(f, (x…), (t…))` (SPEC §4): transforms f's graph with J⊳ (cached per graph), runs f⊳ on the
// primals and their tangents through the host and returns `(f(x…), tangent)`. Values cross into
// the transformed world with `forwardValue` and back out with `primalValue`.
import { definePrim, type Primitive } from "../prims/primitive.js";
import { PrimError, type HostContext } from "../runtime/host.js";
import { Closure, isFunction, isPrimitive, isTuple, RecordValue, aTypeName, typeName, Unit, type Tuple, type Value } from "../runtime/values.js";
import { sourceOf, transformForward } from "./forward.js";
import { checkTangent, zeroTangent } from "../runtime/tangents.js";
import { userGradient } from "../runtime/sensitivity.js";
import type { Session } from "./session.js";

/**
 * A value as the transformed world holds it: functions become their J⊳ selves, whose captured
 * values get zero tangents — they are constants of the computation being differentiated.
 */
export function forwardValue(session: Session, v: Value): Value {
  if (v instanceof Closure) {
    const t = transformForward(session, v.graph);
    return new Closure(t.forward, t.env.map(({ index, tangent }) => (tangent ? zeroTangent(v.env[index]!) : forwardValue(session, v.env[index]!))));
  }
  if (isPrimitive(v)) {
    if (v.minArgs !== v.maxArgs) throw new PrimError(`jvp cannot differentiate '${v.name}' passed as a value`);
    return new Closure(session.primitiveJvp(v, v.minArgs), []);
  }
  if (isTuple(v)) return v.map((x) => forwardValue(session, x));
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map((x) => forwardValue(session, x)));
  return v;
}

/** `forward_value(v)`, for values that enter a transformed graph at run time (top-level lets). */
export const forwardValuePrim = definePrim({ name: "forward_value", args: 1, impl: ([v], host) => forwardValue(host.session, v), vjp: null, jvp: null });

/**
 * A result of f⊳ as the user sees it. A transformed closure (say, one f returned) takes tangents
 * and returns pairs; the user gets a function that calls it with zero tangents and keeps the primal.
 */
function primalValue(session: Session, v: Value): Value {
  if (v instanceof Closure) {
    const p = session.jvpPrimitives.get(v.graph);
    if (p !== undefined) return p;
    const source = sourceOf(session, v.graph);
    if (source !== undefined) return primalFunction(session, v, source.name);
  }
  if (isTuple(v)) return v.map((x) => primalValue(session, x));
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map((x) => primalValue(session, x)));
  return v;
}

function primalFunction(session: Session, f: Closure, name: string): Primitive {
  const arity = f.graph.parameters.length / 2;
  return definePrim({
    name,
    args: arity,
    effect: "io",
    impl: (xs, host) => primalValue(session, pairOf(host.call(f, [...xs.map((x) => forwardValue(session, x)), ...xs.map(zeroTangent)]))[0]!),
    // A plain callable wrapper: differentiating it again would need the transform of f⊳ undone.
    vjp: null,
    jvp: null,
  });
}

function pairOf(v: Value): Tuple {
  if (!isTuple(v) || v.length !== 2) throw new Error("internal: a J⊳-transformed function did not return a pair");
  return v;
}

function arityOf(f: Closure | Primitive): [number, number] {
  return f instanceof Closure ? [f.graph.parameters.length, f.graph.parameters.length] : [f.minArgs, f.maxArgs];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The items of `(x1, …, xn)`, where n = 0 is written `()`; null for any other value. */
function items(v: Value): Value[] | null {
  return isTuple(v) ? v.slice() : v instanceof Unit ? [] : null;
}

/** The arguments and their checked tangents: tuples of them, or one bare argument and its tangent. */
function argumentsOf(f: Closure | Primitive, primals: Value, tangents: Value): [Value[], Value[]] {
  const bare = items(primals) === null;
  const xs = items(primals) ?? [primals];
  const ts = bare ? [tangents] : items(tangents);
  if (ts === null) throw new PrimError(`jvp: the primals are a ${xs.length}-tuple, so the tangents must be one too, got ${aTypeName(tangents)}`);
  if (ts.length !== xs.length) throw new PrimError(`jvp: got ${plural(xs.length, "primal")} but ${plural(ts.length, "tangent")}`);
  const [min, max] = arityOf(f);
  if (xs.length < min || xs.length > max) {
    const takes = min === max ? plural(min, "argument") : `${min} to ${max} arguments`;
    const hint = min === 1 && xs.length > 1 ? "; to pass one tuple, write ((a, b),)" : "";
    throw new PrimError(`jvp: the function takes ${takes}, but ${plural(xs.length, "primal")} ${xs.length === 1 ? "was" : "were"} given${hint}`);
  }
  const where = (i: number): string => (bare ? "the argument" : `argument ${i}`);
  return [xs, xs.map((x, i) => checkTangent(ts[i]!, x, where(i)))];
}

function jvpImpl([f, primals, tangents]: readonly [Value, Value, Value], host: HostContext): Value {
  if (!isFunction(f)) throw new PrimError(`jvp expects a function, got ${typeName(f)}`);
  const [xs, ts] = argumentsOf(f, primals, tangents);
  const session = host.session;
  const [y, dy] = pairOf(host.call(forwardValue(session, f), [...xs.map((x) => forwardValue(session, x)), ...ts]));
  return [primalValue(session, y!), userGradient(dy!, y!)];
}

export const jvp = definePrim({ name: "jvp", args: 3, builtin: true, effect: "io", impl: jvpImpl, vjp: null, jvp: null });
