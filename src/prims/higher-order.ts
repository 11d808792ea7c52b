// `map` and `fold` call Myx functions from inside a primitive, through the host; so do their
// derivatives, with the transformed function. In reverse mode, map runs f▶ on each element and
// keeps each element's backpropagator — the one run-time "tape" in Myx, since f is only known
// then; its backward pass calls them and sums what they give for f's captured values (the
// sensitivity of the closure f). fold is the same along the fold, the accumulator's sensitivity
// passed from each step back to the one before. In forward mode they run f⊳ on each element with
// its tangent. The primitives of these derivatives have no rules of their own yet: they are
// named so that the error says what could not be differentiated again.
import { PrimError } from "../runtime/host.js";
import { addSens, numericSensitivity } from "../runtime/sensitivity.js";
import { sizeOf } from "../runtime/tensor/shape.js";
import { EnvValue, isTuple, Tensor, typeName, type Tuple, type Value } from "../runtime/values.js";
import { expectFunction } from "./array-args.js";
import { definePrim } from "./primitive.js";

/** `map(f, a)`: f on each element, in row-major order; the result has a's shape. */
export const mapPrim = definePrim({
  name: "map",
  args: 2,
  builtin: true,
  effect: "io",
  impl: ([f, a], host) => {
    const fn = expectFunction("map", f);
    if (!(a instanceof Tensor)) throw new PrimError(`map expects an Array second, got ${typeName(a)}`);
    const out = new Float64Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = numberFrom(host.call(fn, [a.data[i]]));
    return new Tensor(a.shape, out);
  },
  vjp: {
    augmented: (b, [f, a]) => {
      const r = b.prim(mapForward, f, a);
      const y = b.tuple_get(r, 0);
      const backs = b.tuple_get(r, 1);
      return {
        y,
        back: (b, d) => {
          const s = b.prim(mapBackward, backs, b.sens_like(d, y));
          return [b.tuple_get(s, 0), b.tuple_get(s, 1)];
        },
      };
    },
  },
  jvp: {
    augmented: (b, [f, a], [, da]) => {
      const r = b.prim(mapJvp, f, a, da);
      return { y: b.tuple_get(r, 0), dy: b.tuple_get(r, 1) };
    },
  },
});

/**
 * `fold(f, init, xs)`: `f(… f(f(init, x0), x1) …)` over the items of a tuple, or along the first
 * axis of an array, whose items are Nums (1-d) or arrays of one dimension less.
 */
export const foldPrim = definePrim({
  name: "fold",
  args: 3,
  builtin: true,
  effect: "io",
  impl: ([f, init, xs], host) => {
    const fn = expectFunction("fold", f);
    let acc = init;
    for (const x of foldItems(xs)) acc = host.call(fn, [acc, x]);
    return acc;
  },
  vjp: {
    augmented: (b, [f, init, xs]) => {
      const r = b.prim(foldForward, f, init, xs);
      const backs = b.tuple_get(r, 1);
      return {
        y: b.tuple_get(r, 0),
        back: (b, d) => {
          const s = b.prim(foldBackward, backs, d, xs);
          return [b.tuple_get(s, 0), b.tuple_get(s, 1), b.tuple_get(s, 2)];
        },
      };
    },
  },
  jvp: {
    augmented: (b, [f, init, xs], [, dinit, dxs]) => {
      const r = b.prim(foldJvp, f, init, xs, dinit, dxs);
      return { y: b.tuple_get(r, 0), dy: b.tuple_get(r, 1) };
    },
  },
});

/** The items `fold` walks: a tuple's, or the slices along an array's first axis (Nums for 1-d). */
export function foldItems(xs: Value): Value[] {
  if (isTuple(xs)) return xs.slice();
  if (!(xs instanceof Tensor)) throw new PrimError(`fold expects an Array or a Tuple third, got ${typeName(xs)}`);
  const inner = xs.shape.slice(1);
  const size = sizeOf(inner);
  return Array.from({ length: xs.shape[0] }, (_, i) => (inner.length === 0 ? xs.data[i] : new Tensor(inner, xs.data.slice(i * size, (i + 1) * size))));
}

function numberFrom(y: Value): number {
  if (typeof y !== "number") throw new PrimError(`map: the function must return a Num, got ${typeName(y)}`);
  return y;
}

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
    const x = expectArray("map", a);
    const out = new Float64Array(x.data.length);
    const backs: Value[] = [];
    for (let i = 0; i < out.length; i++) {
      const [y, back] = pair(host.call(f, [x.data[i]]), "map's function");
      out[i] = numberFrom(y);
      backs.push(back);
    }
    return [new Tensor(x.shape, out), backs];
  },
  vjp: null,
  jvp: null,
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
      const r = pair(host.call(back, [g.data[i]]), "a backpropagator");
      env = addSens(env, r[0]);
      da[i] = numericSensitivity(r[1], 0) as number;
    });
    return [env, new Tensor(g.shape, da)];
  },
  vjp: null,
  jvp: null,
});

/** `fold_forward(f▶, init, xs)`: `(the fold, (◀ per step))`. */
const foldForward = definePrim({
  name: "the derivative of fold",
  args: 3,
  effect: "io",
  impl: ([f, init, xs], host) => {
    let acc = init;
    const backs: Value[] = [];
    for (const x of foldItems(xs)) {
      const [next, back] = pair(host.call(f, [acc, x]), "fold's function");
      acc = next;
      backs.push(back);
    }
    return [acc, backs];
  },
  vjp: null,
  jvp: null,
});

/** `fold_backward(backs, d, xs)`: `(sensitivity of f, of init, of xs)`, the steps taken last first. */
const foldBackward = definePrim({
  name: "the backward pass of fold",
  args: 3,
  effect: "io",
  impl: ([backs, d, xs], host) => {
    const bs = backs as Tuple;
    const items = foldItems(xs);
    let env: Value = EnvValue.empty;
    let dacc = d;
    const dxs: Value[] = new Array<Value>(items.length);
    for (let i = bs.length - 1; i >= 0; i--) {
      const r = host.call(bs[i], [dacc]);
      if (!isTuple(r) || r.length !== 3) throw new Error("internal: a fold step's backpropagator did not return three values");
      env = addSens(env, r[0]);
      dacc = r[1];
      const item = items[i];
      dxs[i] = typeof item === "number" || item instanceof Tensor ? numericSensitivity(r[2], item) : r[2];
    }
    return [env, dacc, gather(dxs, xs)];
  },
  vjp: null,
  jvp: null,
});

/** `map_jvp(f⊳, a, da)`: `(f(a), tangent)`. */
const mapJvp = definePrim({
  name: "the forward derivative of map",
  args: 3,
  effect: "io",
  impl: ([f, a, da], host) => {
    const x = expectArray("map", a);
    const t = da instanceof Tensor ? da.data : new Float64Array(x.data.length);
    const y = new Float64Array(x.data.length);
    const dy = new Float64Array(x.data.length);
    for (let i = 0; i < y.length; i++) {
      const [v, dv] = pair(host.call(f, [x.data[i], t[i]]), "map's function");
      y[i] = numberFrom(v);
      dy[i] = typeof dv === "number" ? dv : 0;
    }
    return [new Tensor(x.shape, y), new Tensor(x.shape, dy)];
  },
  vjp: null,
  jvp: null,
});

/** `fold_jvp(f⊳, init, xs, dinit, dxs)`: `(the fold, its tangent)`. */
const foldJvp = definePrim({
  name: "the forward derivative of fold",
  args: 5,
  effect: "io",
  impl: ([f, init, xs, dinit, dxs], host) => {
    const items = foldItems(xs);
    const tangents = foldItems(dxs);
    let acc = init;
    let dacc = dinit;
    items.forEach((x, i) => {
      [acc, dacc] = pair(host.call(f, [acc, x, dacc, tangents[i]]), "fold's function") as [Value, Value];
    });
    return [acc, dacc];
  },
  vjp: null,
  jvp: null,
});

/** The primitives the derivatives of map and fold are made of. */
export const higherOrderDerivatives = [mapForward, mapBackward, foldForward, foldBackward, mapJvp, foldJvp] as const;
