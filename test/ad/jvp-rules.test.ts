// Every tangent rule, checked on J⊳ of its primitive run on the VM: the tangent it returns must be
// the central difference of the primitive itself along the same direction, `(p(x + h·t) −
// p(x − h·t)) / 2h`, leaf by leaf through tuples, records and environments. Non-numeric leaves
// (Bools, Strings, slices) have no derivative and must come out as `()`. The cases are shared with
// test/prims/adjoint.test.ts, which checks each reverse rule against its forward rule.
import { describe, expect, it } from "vitest";
import { adPrimitives, grad, valueAndGrad } from "../../src/ad/builtins.js";
import { forwardValue } from "../../src/ad/jvp.js";
import { Session } from "../../src/ad/session.js";
import { basePrimitives } from "../../src/prims/builtins.js";
import { definePrim, type Primitive } from "../../src/prims/primitive.js";
import * as P from "../../src/prims/program.js";
import * as S from "../../src/prims/scalar.js";
import * as D from "../../src/prims/sensitivity.js";
import { formatValue } from "../../src/runtime/format-value.js";
import { Closure, EnvValue, isTuple, RecordValue, Tensor, UNIT, Unit, type Value } from "../../src/runtime/values.js";
import { caseMachine, cases, forwardOnlyCases } from "../prims/cases.js";
import { isClose } from "./helpers.js";

const printed: string[] = [];
const session = new Session(null);
const machine = caseMachine(session, (line) => printed.push(line));
const primitiveJvp = (p: Primitive, arity: number) => session.primitiveJvp(p, arity);

/** `x + h·t` on the numeric leaves; `t` is `()` where `x` has no derivative. */
function step(x: Value, t: Value, h: number): Value {
  if (typeof x === "number") return x + h * (t as number);
  if (x instanceof Tensor) return new Tensor(x.shape, x.data.map((v, i) => v + h * (t as Tensor).data[i]!));
  if (isTuple(x)) return x.map((v, i) => step(v, (t as readonly Value[])[i]!, h));
  if (x instanceof RecordValue) return new RecordValue(x.keys, x.values.map((v, i) => step(v, (t as RecordValue).values[i]!, h)));
  if (x instanceof EnvValue) {
    const te = t as EnvValue;
    return new EnvValue(new Map([...x.entries].map(([k, v]) => [k, te.entries.has(k) ? step(v, te.entries.get(k)!, h) : v])));
  }
  return x;
}

/** `(a − b) / width` on the numeric leaves: the finite-difference tangent. */
function difference(a: Value, b: Value, width: number): Value {
  if (typeof a === "number") return (a - (b as number)) / width;
  if (a instanceof Tensor) return new Tensor(a.shape, a.data.map((v, i) => (v - (b as Tensor).data[i]!) / width));
  if (isTuple(a)) return a.map((v, i) => difference(v, (b as readonly Value[])[i]!, width));
  if (a instanceof RecordValue) return new RecordValue(a.keys, a.values.map((v, i) => difference(v, (b as RecordValue).values[i]!, width)));
  if (a instanceof EnvValue) return new EnvValue(new Map([...a.entries].map(([k, v]) => [k, difference(v, (b as EnvValue).entries.get(k)!, width)])));
  return UNIT;
}

/** The numeric leaves agree and everything else is `()`; returns a path to the first mismatch. */
function mismatch(got: Value, want: Value, path = "result"): string | null {
  if (typeof want === "number") return typeof got === "number" && isClose(got, want, { rel: 1e-6, abs: 1e-8 }) ? null : `${path}: got ${String(got)}, want ${want}`;
  if (isTuple(want)) {
    if (!isTuple(got) || got.length !== want.length) return `${path}: not a ${want.length}-tuple`;
    for (let i = 0; i < want.length; i++) {
      const m = mismatch(got[i]!, want[i]!, `${path}[${i}]`);
      if (m !== null) return m;
    }
    return null;
  }
  if (want instanceof Tensor) {
    if (!(got instanceof Tensor) || got.shape.join() !== want.shape.join()) return `${path}: not an array of shape (${want.shape.join(", ")})`;
    const bad = want.data.findIndex((v, i) => !isClose(got.data[i]!, v, { rel: 1e-6, abs: 1e-8 }));
    return bad < 0 ? null : `${path}[${bad}]: got ${got.data[bad]}, want ${want.data[bad]}`;
  }
  if (want instanceof RecordValue) {
    if (!(got instanceof RecordValue)) return `${path}: not a record`;
    for (let i = 0; i < want.keys.length; i++) {
      const m = mismatch(got.get(want.keys[i]!)!, want.values[i]!, `${path}.${want.keys[i]!}`);
      if (m !== null) return m;
    }
    return null;
  }
  if (want instanceof EnvValue) {
    if (!(got instanceof EnvValue)) return `${path}: not an environment`;
    for (const [k, v] of want.entries) {
      const m = mismatch(got.entries.get(k) ?? 0, v, `${path}{key}`);
      if (m !== null) return m;
    }
    return null;
  }
  return got instanceof Unit ? null : `${path}: expected (), got ${String(got)}`;
}

const h = 1e-6;
const exactlyZero = [S.sign, S.floor, S.ceil, S.round, D.stopGradient];

describe("every tangent rule matches central differences of its primitive", () => {
  for (const [name, c] of Object.entries({ ...cases, ...forwardOnlyCases })) {
    it(name, () => {
      const xs = c.x.map((x) => forwardValue(session, x));
      const pair = machine.call(new Closure(primitiveJvp(c.prim, c.x.length), []), [...xs, ...c.t]) as readonly Value[];
      const at = (d: number): Value => c.prim.impl(c.x.map((x, i) => step(x, c.t[i]!, d)), machine);
      expect(pair[0]).toEqual(c.prim.impl(c.x.slice(), machine));
      const m = mismatch(pair[1]!, difference(at(h), at(-h), 2 * h));
      expect(m, `${name}${formatValue(c.x.slice())} along ${formatValue(c.t.slice())}`).toBeNull();
    });
  }

  // Where FD only shows a tangent is ~0, the rule must give exactly 0; stop_gradient's is 0 by decree.
  it("gives exactly zero tangents for piecewise-constant primitives and stop_gradient", () => {
    for (const p of exactlyZero) {
      expect(machine.call(new Closure(primitiveJvp(p, 1), []), [2.5, 1]), p.name).toEqual([p.impl([2.5], machine), 0]);
    }
  });

  it("runs effects once: print prints, global_set writes", () => {
    printed.length = 0;
    machine.call(new Closure(primitiveJvp(P.print, 2), []), [1.5, "s", 0, UNIT]);
    expect(printed).toEqual(["1.5 s"]);
    machine.call(new Closure(primitiveJvp(P.globalSet, 2), []), ["k", 4.5, UNIT, 1]);
    expect(machine.globals.get("k")).toBe(4.5);
  });
});

describe("the forward rules", () => {
  it("are covered by the cases above", () => {
    // grad and value_and_grad return a function, whose tangent is `()` whatever the rule: programs
    // check them (test/ad/jvp.test.ts).
    const tested = new Set([...Object.values(cases).map((c) => c.prim), ...exactlyZero, grad, valueAndGrad]);
    const withRule = [...basePrimitives, ...adPrimitives].filter((p) => p.jvp !== null);
    expect(withRule.filter((p) => !tested.has(p)).map((p) => p.name)).toEqual([]);
  });

  it("refuses a primitive without a rule, by name", () => {
    const ruleless = definePrim({ name: "ruleless", args: 1, impl: ([x]) => x, vjp: null, jvp: null });
    expect(() => primitiveJvp(ruleless, 1)).toThrow(/jvp cannot differentiate through 'ruleless' yet/);
  });
});
