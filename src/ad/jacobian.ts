// `jacobian(f)` and `hessian(f)` (SPEC §4). The Jacobian is built column by column in forward
// mode: one jvp of f per element of x, along that element's unit vector — cheap for the small
// inputs these are meant for, and exact. The Hessian is the Jacobian of the gradient, so it is
// forward over reverse: each column is a jvp of grad(f), a Hessian-vector product. (builtins.ts
// makes both.)
import { addParameter, applyPrim, newGraph, type Graph } from "../ir/graph.js";
import { definePrim, type Primitive } from "../prims/primitive.js";
import { PrimError, type HostContext } from "../runtime/host.js";
import { Closure, isFunction, isTuple, Tensor, typeName, type Value } from "../runtime/values.js";
import { jvp } from "./jvp.js";

/** The Jacobian of f at x, of shape `out ++ in`; a Num when both are Nums. */
function jacobianAt(f: Value, x: Value, host: HostContext, name: string): Value {
  if (typeof x !== "number" && !(x instanceof Tensor)) throw new PrimError(`${name} needs a Num or an Array argument, got ${typeName(x)}`);
  const inShape = typeof x === "number" ? [] : x.shape;
  const n = typeof x === "number" ? 1 : x.data.length;
  const column = (k: number): number | Tensor => {
    const direction = typeof x === "number" ? 1 : new Tensor(inShape, new Float64Array(n));
    if (direction instanceof Tensor) direction.data[k] = 1;
    const pair = host.call(jvp, [f, [x], [direction]]);
    if (!isTuple(pair)) throw new Error("internal: jvp did not return a pair");
    const t = pair[1]!;
    if (typeof t !== "number" && !(t instanceof Tensor)) throw new PrimError(`${name} needs a function that returns a Num or an Array, got ${typeName(pair[0]!)}`);
    return t;
  };
  const columns: (number | Tensor)[] = Array.from({ length: n }, (_, k) => column(k));
  const first = columns[0];
  if (first === undefined) return new Tensor(inShape, new Float64Array(0));
  if (typeof x === "number") return first;
  const outShape = typeof first === "number" ? [] : first.shape;
  const m = typeof first === "number" ? 1 : first.data.length;
  const data = new Float64Array(m * n);
  columns.forEach((c, k) => {
    for (let i = 0; i < m; i++) data[i * n + k] = typeof c === "number" ? c : c.data[i]!;
  });
  return new Tensor([...outShape, ...inShape], data);
}

/**
 * A builtin `name(f)` whose result at x is the Jacobian at x of `of(f)`: f itself for jacobian,
 * its gradient for hessian; and the primitive `name_at(f, x)` its closures call.
 */
export function jacobianBuiltin(name: string, of: (f: Value, host: HostContext) => Value): [builtin: Primitive, at: Primitive] {
  const at = definePrim({
    name: `${name}_at`,
    args: 2,
    effect: "io",
    impl: ([f, x], host) => jacobianAt(of(f, host), x, host, name),
    vjp: null,
    jvp: null,
  });
  const graph = closureGraph(name, at);
  const builtin = definePrim({
    name,
    args: 1,
    builtin: true,
    impl: ([f]) => {
      if (!isFunction(f)) throw new PrimError(`${name} expects a function, got ${typeName(f)}`);
      return new Closure(graph, [f]);
    },
    vjp: null,
    jvp: null,
  });
  return [builtin, at];
}

/** `name(f)` as a function value: a graph `(x) ↦ at(f, x)` closing over f, so it prints and nests like grad's. */
function closureGraph(name: string, at: Primitive): Graph {
  const env = newGraph(`${name}/env`, null);
  const f = addParameter(env, "f", null);
  const g = newGraph(name, null);
  const x = addParameter(g, "x", null);
  g.output = applyPrim(g, at, [f, x], null);
  return g;
}
