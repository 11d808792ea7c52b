// J of a runtime value, and its transpose. Functions become their transformed selves (closures are
// transformed with the graphs they reach, see reverse.ts); data is its own J. The gradient and
// vjp graphs apply it to their arguments, so a function passed as an argument is called in the J
// world too. A sensitivity of J-world values holds environments keyed by J-world nodes; `un_j`
// maps those keys back to the primal nodes they stand for, which is what a sensitivity of J(f) is
// as one of f.
import type { Node } from "../ir/graph.js";
import { definePrim, type Primitive } from "../prims/primitive.js";
import { PrimError } from "../runtime/host.js";
import { Closure, EnvValue, isPrimitive, isTuple, RecordValue, type Value } from "../runtime/values.js";
import { transformClosure } from "./reverse.js";
import type { Session } from "./session.js";

export function jValue(session: Session, v: Value): Value {
  if (v instanceof Closure) {
    const t = transformClosure(session, v.graph);
    return new Closure(t.forward, t.envIndex.map((i) => jValue(session, v.env[i]!)));
  }
  if (isPrimitive(v)) {
    if (v.minArgs !== v.maxArgs) throw new PrimError(`cannot differentiate '${v.name}' passed as a value`);
    return new Closure(session.primitiveJ(v, v.minArgs), []);
  }
  if (isTuple(v)) return v.map((x) => jValue(session, x));
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map((x) => jValue(session, x)));
  return v;
}

/** A sensitivity of J-world values, with environment keys mapped back to the primal nodes they stand for. */
export function unJ(session: Session, v: Value): Value {
  if (v instanceof EnvValue) {
    const entries = new Map<Node, Value>();
    for (const [k, s] of v.entries) entries.set(session.standsFor.get(k) ?? k, unJ(session, s));
    return new EnvValue(entries);
  }
  if (isTuple(v)) return v.map((x) => unJ(session, x));
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map((x) => unJ(session, x)));
  return v;
}

/** The transpose of unJ: a sensitivity with primal keys, given back the J-world keys `like` has. */
function reJ(session: Session, d: Value, like: Value): Value {
  if (like instanceof EnvValue && d instanceof EnvValue) {
    const entries = new Map<Node, Value>();
    for (const [k, v] of like.entries) {
      const s = d.entries.get(session.standsFor.get(k) ?? k);
      if (s !== undefined) entries.set(k, reJ(session, s, v));
    }
    return new EnvValue(entries);
  }
  if (isTuple(like) && isTuple(d)) return d.map((x, i) => reJ(session, x, like[i]!));
  if (like instanceof RecordValue && d instanceof RecordValue) return new RecordValue(d.keys, d.values.map((x, i) => reJ(session, x, like.values[i]!)));
  return d;
}

// Each is linear in its sensitivity and the other's transpose, so any order of derivative closes.
const unJPrim: Primitive = definePrim({
  name: "un_j",
  args: 1,
  impl: ([d], host) => unJ(host.session, d),
  vjp: (b, [x], _, d) => [b.prim(reJPrim, d, x)],
  jvp: null,
});
const reJPrim: Primitive = definePrim({
  name: "re_j",
  args: 2,
  impl: ([d, like], host) => reJ(host.session, d, like),
  vjp: (b, _, __, d) => [b.prim(unJPrim, d)],
  jvp: null,
});

/**
 * `j_value(x)`: J(x). Differentiated again, it is J(J(x)) given J(x), and its sensitivity goes
 * back through un_j, which keys environments by the J-world nodes closures captured.
 */
export const jValuePrim = definePrim({
  name: "j_value",
  args: 1,
  impl: ([v], host) => jValue(host.session, v),
  vjp: (b, _, __, d) => [b.prim(unJPrim, d)],
  // J of a value is the value itself for data; a function's tangent is () either way.
  jvp: (_, __, ___, [dx]) => dx,
  keepsCaptureKeys: true,
});

export const jValuePrimitives: readonly Primitive[] = [jValuePrim, unJPrim, reJPrim];
