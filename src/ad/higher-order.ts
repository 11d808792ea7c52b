// `map` and `fold` call Myx functions from inside a primitive, so their derivatives call the
// transformed function the same way. In reverse mode, J(map) runs f▶ on each element and keeps
// each element's backpropagator; its backward pass calls them and sums what they give for f's
// captured values (the sensitivity of the closure f). J(fold) is the same along the fold, with
// the accumulator's sensitivity passed from each step back to the one before. In forward mode
// they run f⊳ on each element with its tangent. Differentiating these derivatives again is not
// supported yet: their primitives are named so that the error says what was differentiated.
import { addParameter, applyPrim, constant, newGraph, type Graph } from "../ir/graph.js";
import { definePrim, PrimError, type HostContext } from "../ir/primitive.js";
import { foldItems, foldPrim, mapPrim } from "../ir/prims/arrays.js";
import { addSens, numericSensitivity, sensLike } from "../ir/prims/sensitivity.js";
import { makeTuple, tupleGet } from "../ir/prims/structural.js";
import { EnvValue, isTuple, Tensor, typeName, type Tuple, type Value } from "../ir/values.js";
import { registerSpecialJ } from "./primitive-j.js";
import { tangentRules } from "./tangent-rules.js";

function pair(v: Value, what: string): Tuple {
  if (!isTuple(v) || v.length < 2) throw new Error(`internal: ${what} did not return a pair`);
  return v;
}

function expectArray(prim: string, a: Value): Tensor {
  if (a instanceof Tensor) return a;
  throw new PrimError(`${prim} expects an Array second, got ${typeName(a)}`);
}

/** Items like `foldItems(xs)` gathered back into the structure of `xs`. */
function gather(items: readonly Value[], xs: Value): Value {
  if (isTuple(xs)) return items.slice();
  const t = xs as Tensor;
  const data = new Float64Array(t.data.length);
  const size = items.length === 0 ? 0 : t.data.length / items.length;
  items.forEach((v, i) => {
    if (typeof v === "number") data[i] = v;
    else data.set((v as Tensor).data, i * size);
  });
  return new Tensor(t.shape, data);
}

/** `map_forward(f▶, a)`: `(f(a), (◀ per element))`. */
const mapForward = definePrim({
  name: "the derivative of map",
  args: 2,
  effect: "io",
  impl: ([f, a], host) => {
    const x = expectArray("map", a!);
    const out = new Float64Array(x.data.length);
    const backs: Value[] = [];
    for (let i = 0; i < out.length; i++) {
      const [y, back] = pair(host.call(f!, [x.data[i]!]), "map's function");
      if (typeof y !== "number") throw new PrimError(`map: the function must return a Num, got ${typeName(y!)}`);
      out[i] = y;
      backs.push(back!);
    }
    return [new Tensor(x.shape, out), backs];
  },
});

/** `map_backward(backs, d)`: `(sensitivity of f, sensitivity of a)`. */
const mapBackward = definePrim({
  name: "the backward pass of map",
  args: 2,
  effect: "io",
  impl: ([backs, d], host) => {
    const bs = backs as Tuple;
    const g = d as Tensor;
    let env: Value = EnvValue.empty;
    const da = new Float64Array(bs.length);
    bs.forEach((back, i) => {
      const r = pair(host.call(back, [g.data[i]!]), "a backpropagator");
      env = addSens(env, r[0]!);
      da[i] = numericSensitivity(r[1]!, 0) as number;
    });
    return [env, new Tensor(g.shape, da)];
  },
});

/** `fold_forward(f▶, init, xs)`: `(the fold, (◀ per step))`. */
const foldForward = definePrim({
  name: "the derivative of fold",
  args: 3,
  effect: "io",
  impl: ([f, init, xs], host) => {
    let acc = init!;
    const backs: Value[] = [];
    for (const x of foldItems(xs!)) {
      const [next, back] = pair(host.call(f!, [acc, x]), "fold's function");
      acc = next!;
      backs.push(back!);
    }
    return [acc, backs];
  },
});

/** `fold_backward(backs, d, xs)`: `(sensitivity of f, of init, of xs)`, the steps taken last first. */
const foldBackward = definePrim({
  name: "the backward pass of fold",
  args: 3,
  effect: "io",
  impl: ([backs, d, xs], host) => {
    const bs = backs as Tuple;
    const items = foldItems(xs!);
    let env: Value = EnvValue.empty;
    let dacc = d!;
    const dxs: Value[] = new Array<Value>(items.length);
    for (let i = bs.length - 1; i >= 0; i--) {
      const r = host.call(bs[i]!, [dacc]);
      if (!isTuple(r) || r.length !== 3) throw new Error("internal: a fold step's backpropagator did not return three values");
      env = addSens(env, r[0]!);
      dacc = r[1]!;
      const item = items[i]!;
      dxs[i] = typeof item === "number" || item instanceof Tensor ? numericSensitivity(r[2]!, item) : r[2]!;
    }
    return [env, dacc, gather(dxs, xs!)];
  },
});

/** J of a higher-order primitive: forward runs `forward`, backward hands `backward`'s results on. */
function higherOrderJ(name: string, arity: number, forward: typeof mapForward, backward: typeof mapBackward, exactSensitivity: boolean): Graph {
  const fwd = newGraph(`${name}▶`, null);
  const xs = Array.from({ length: arity }, (_, i) => addParameter(fwd, `x${i}`, null));
  const r = applyPrim(fwd, forward, xs, null);
  const y = applyPrim(fwd, tupleGet, [r, constant(0)], null);
  const backs = applyPrim(fwd, tupleGet, [r, constant(1)], null);
  const back = newGraph(`◀${name}`, null);
  const d = addParameter(back, "d", null);
  const sens = exactSensitivity ? applyPrim(back, sensLike, [d, y], null) : d;
  const s = applyPrim(back, backward, [backs, sens, ...xs.slice(2)], null);
  const parts = Array.from({ length: arity }, (_, i) => applyPrim(back, tupleGet, [s, constant(i)], null));
  back.output = applyPrim(back, makeTuple, [constant(EnvValue.empty), ...parts], null);
  fwd.output = applyPrim(fwd, makeTuple, [y, constant(back)], null);
  return fwd;
}

registerSpecialJ(mapPrim, () => higherOrderJ("map", 2, mapForward, mapBackward, true));
registerSpecialJ(foldPrim, () => higherOrderJ("fold", 3, foldForward, foldBackward, false));

/** `map_jvp(f⊳, a, da)`: `(f(a), tangent)`. */
const mapJvp = definePrim({
  name: "the forward derivative of map",
  args: 3,
  effect: "io",
  impl: ([f, a, da], host) => {
    const x = expectArray("map", a!);
    const t = da instanceof Tensor ? da.data : new Float64Array(x.data.length);
    const y = new Float64Array(x.data.length);
    const dy = new Float64Array(x.data.length);
    for (let i = 0; i < y.length; i++) {
      const [v, dv] = pair(host.call(f!, [x.data[i]!, t[i]!]), "map's function");
      if (typeof v !== "number") throw new PrimError(`map: the function must return a Num, got ${typeName(v!)}`);
      y[i] = v;
      dy[i] = typeof dv === "number" ? dv : 0;
    }
    return [new Tensor(x.shape, y), new Tensor(x.shape, dy)];
  },
});

/** `fold_jvp(f⊳, init, xs, dinit, dxs)`: `(the fold, its tangent)`. */
const foldJvp = definePrim({
  name: "the forward derivative of fold",
  args: 5,
  effect: "io",
  impl: ([f, init, xs, dinit, dxs], host: HostContext) => {
    const items = foldItems(xs!);
    const tangents = foldItems(dxs!);
    let acc = init!;
    let dacc = dinit!;
    items.forEach((x, i) => {
      [acc, dacc] = pair(host.call(f!, [acc, x, dacc, tangents[i]!]), "fold's function") as [Value, Value];
    });
    return [acc, dacc];
  },
});

tangentRules.set(mapPrim, (b, [f, a], _, [, da]) => {
  const r = b(mapJvp, f!, a!, da!);
  return { primal: b(tupleGet, r, b.c(0)), tangent: b(tupleGet, r, b.c(1)) };
});
tangentRules.set(foldPrim, (b, [f, init, xs], _, [, dinit, dxs]) => {
  const r = b(foldJvp, f!, init!, xs!, dinit!, dxs!);
  return { primal: b(tupleGet, r, b.c(0)), tangent: b(tupleGet, r, b.c(1)) };
});
