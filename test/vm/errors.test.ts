import { describe, expect, it } from "vitest";
import { apply, constant, newGraph, type Parameter } from "../../src/ir/graph.js";
import { definePrim } from "../../src/prims/primitive.js";
import * as S from "../../src/prims/scalar.js";
import { MyxError, type Diagnostic } from "../../src/lang/diagnostics.js";
import { Machine } from "../../src/vm/index.js";
import { Fault } from "../../src/vm/errors.js";
import { PrimError } from "../../src/runtime/host.js";
import { add, at, call, depthFn, eq, fn, ifElse, k, lt, prim, sub, sumLoop } from "./build.js";

/** The one diagnostic of the MyxError that `body` throws. */
function failure(body: () => unknown): Diagnostic & { internal: unknown } {
  try {
    body();
  } catch (e) {
    expect(e).toBeInstanceOf(MyxError);
    const err = e as MyxError;
    expect(err.diagnostics).toHaveLength(1);
    return { ...err.diagnostics[0]!, internal: err.internal };
  }
  throw new Error("expected a MyxError");
}

const machine = (options: { maxDepth?: number; maxSteps?: number } = {}) => new Machine({ print: () => {}, ...options });

describe("runtime errors", () => {
  it("are located at the failing Apply and carry the Myx stack, innermost first", () => {
    // def inner(x) = x + "a"   (line 7);   def outer(x) = inner(x) * 2   (call on line 3)
    const inner = fn("inner", ["x"], (g, x) => apply(g, [constant(S.add), x, k("a")], at(7, 5)));
    const outer = fn("outer", ["x"], (g, x) => prim(g, S.mul, apply(g, [k(inner), x], at(3, 9)), k(2)));
    const d = failure(() => machine().run(outer, [1]));
    expect(d.message).toBe("+ expects Num or Array operands, got Num and String");
    expect([d.line, d.col]).toEqual([7, 5]);
    expect(d.trace!.map((f) => [f.fn, f.span?.line])).toEqual([
      ["inner", 7],
      ["outer", 3],
    ]);
    expect(d.internal).toBeUndefined();
  });

  it("cap the trace of a deep stack", () => {
    // def down(n) = if n == 0 { sqrt("x") } else { 1 + down(n - 1) }
    const down = fn("down", ["n"], (g, n) =>
      ifElse(g, eq(g, n, k(0)), (b) => apply(b, [constant(S.sqrt), k("x")], at(2)), (b) => add(b, k(1), apply(b, [k(g), sub(b, n, k(1))], at(4)))),
    );
    const d = failure(() => machine().run(down, [100]));
    expect(d.message).toBe("sqrt expects a Num or Array, got String");
    expect(d.trace).toHaveLength(21);
    expect(d.trace![0]).toEqual({ fn: "down", span: at(2) });
    expect(d.trace![1]).toEqual({ fn: "down", span: at(4) });
    expect(d.trace![10]).toEqual({ fn: "", span: null, skipped: 81 });
  });

  it("report a condition that is not a Bool, fused with a comparison or not", () => {
    const f = fn("f", ["c"], (g, c) => ifElse(g, c, () => k(1), () => k(2), at(5, 3)));
    const d = failure(() => machine().run(f, [1]));
    expect(d.message).toBe("a condition must be a Bool, got Num");
    expect(d.line).toBe(5);
    const h = fn("h", ["a"], (g, a) => ifElse(g, apply(g, [constant(S.lt), a, k(1)], at(6)), () => k(1), () => k(2)));
    expect(failure(() => machine().run(h, ["s"])).message).toBe("< expects Num or Array operands, got String and Num");
  });

  it("report calls of things that are not functions, and wrong argument counts", () => {
    const callNum = fn("f", ["x"], (g, x) => call(g, x, k(1)));
    expect(failure(() => machine().run(callNum, [3])).message).toBe("cannot call a Num");
    const two = fn("two", ["a", "b"], (g, a, b) => add(g, a, b));
    const callTwo = fn("g", ["f"], (g, f) => call(g, f, k(1), k(2), k(3)));
    const m = machine();
    const twoFn = m.run(fn("get", [], () => k(two)), []);
    expect(failure(() => m.run(callTwo, [twoFn])).message).toBe("two takes 2 arguments, got 3");
    expect(failure(() => m.run(fn("h", [], (g) => call(g, k(two), k(1))), [])).message).toBe("two takes 2 arguments, got 1");
    expect(failure(() => m.run(fn("h", [], (g) => prim(g, S.sin, k(1), k(2))), [])).message).toBe("sin takes 1 argument, got 2");
    expect(failure(() => m.run(callTwo, [S.sqrt])).message).toBe("sqrt takes 1 argument, got 3");
    expect(failure(() => m.run(two, [1])).message).toBe("two takes 2 arguments, got 1");
    expect(failure(() => m.call(5, [])).message).toBe("cannot call a Num");
    expect(failure(() => m.call(S.add, [1])).message).toBe("add takes 2 arguments, got 1");
  });

  it("from a function called back by a primitive keep the whole stack", () => {
    const each = definePrim({ name: "each", args: 2, impl: ([f, x], host) => host.call(f!, [x!]), vjp: null, jvp: null });
    const bad = fn("bad", ["x"], (g, x) => apply(g, [constant(S.neg), x], at(9)));
    const outer = fn("outer", [], (g) => apply(g, [constant(each), k(bad), k(true)], at(2)));
    const m = machine();
    const d = failure(() => m.run(outer, []));
    expect(d.message).toBe("neg expects a Num or Array, got Bool");
    expect(d.trace!.map((f) => [f.fn, f.span?.line])).toEqual([
      ["bad", 9],
      ["outer", 2],
    ]);
    // The machine is usable afterwards.
    expect(m.run(fn("ok", [], (g) => apply(g, [constant(each), k(bad), k(4)], null)), [])).toBe(-4);
  });

  it("turn JavaScript exceptions into internal errors", () => {
    const boom = definePrim({ name: "boom", args: 0, impl: () => { throw new TypeError("oops"); }, vjp: null, jvp: null });
    const f = fn("f", [], (g) => apply(g, [constant(boom)], at(4)));
    const d = failure(() => machine().run(f, []));
    expect(d.message).toBe("internal error: oops");
    expect(d.line).toBe(4);
    expect(d.internal).toBeInstanceOf(TypeError);

    const recurse = (): never => recurse();
    const overflow = definePrim({ name: "overflow", args: 0, impl: recurse, vjp: null, jvp: null });
    const o = failure(() => machine().run(fn("o", [], (g) => prim(g, overflow)), []));
    expect(o.message).toMatch(/^internal error: .*call stack/);
    expect(o.internal).toBeInstanceOf(RangeError);

    const unfinished = newGraph("unfinished", null);
    const u = failure(() => machine().run(fn("u", [], (g) => call(g, k(unfinished))), []));
    expect(u.message).toMatch(/^internal error: .*unfinished has no output/);
  });
});

describe("limits", () => {
  it("bound the recursion depth with a clean error", () => {
    const m = machine({ maxDepth: 1000 });
    expect(m.run(depthFn(), [999])).toBe(999);
    const d = failure(() => m.run(depthFn(), [1000]));
    expect(d.message).toBe("maximum recursion depth of 1000 frames exceeded");
    expect(d.trace).toHaveLength(21);
    expect(m.run(depthFn(), [10])).toBe(10);
  });

  it("stop a runaway recursion at the default depth", () => {
    // def forever(n) = 1 + forever(n + 1), stopped by a smaller maxDepth to stay quick
    const forever = fn("forever", ["n"], (g, n) => add(g, k(1), call(g, k(g), add(g, n, k(1)))));
    expect(failure(() => machine({ maxDepth: 200_000 }).run(forever, [0])).message).toBe("maximum recursion depth of 200000 frames exceeded");
  });

  it("bound the number of calls, loop iterations included", () => {
    const m = machine({ maxSteps: 1000 });
    expect(m.run(sumLoop(), [900])).toBe(404_550);
    expect(failure(() => m.run(sumLoop(), [1000])).message).toBe("step limit of 1000 exceeded");
    // The budget is per run.
    expect(m.run(sumLoop(), [900])).toBe(404_550);
  });

  it("count calls of closures, plain functions and the function itself", () => {
    const count = fn("count", ["n"], () => k(0));
    const [n] = count.parameters as [Parameter];
    count.output = ifElse(count, lt(count, n, k(1)), () => k(0), (b) => add(b, k(1), call(b, k(count), sub(b, n, k(1)))));
    expect(machine({ maxSteps: 11 }).run(count, [10])).toBe(10);
    expect(failure(() => machine({ maxSteps: 10 }).run(count, [10])).message).toBe("step limit of 10 exceeded");
  });
});

describe("a failure leaving the stack in stretches (Fault)", () => {
  /** The trace of `n` frames named f0 (innermost) … f(n-1), as one stack would show them. */
  function reference(n: number): string[] {
    const all = Array.from({ length: n }, (_, k) => `f${k}`);
    return n <= 20 ? all : [...all.slice(0, 10), `… ${n - 20}`, ...all.slice(n - 10)];
  }

  it("keeps the edges of the whole stack, however it is cut into stretches", () => {
    for (const n of [0, 1, 9, 10, 11, 19, 20, 21, 35, 1000]) {
      for (const cuts of [[n], [1, n - 1], [3, 4, n - 7], [12, n - 12], [n - 5, 5]]) {
        if (cuts.some((c) => c < 0)) continue;
        const fault = new Fault(new PrimError("boom"));
        let at = 0;
        for (const count of cuts) {
          const from = at;
          fault.leave(count, (k) => ({ fn: `f${from + k}`, span: null }));
          at += count;
        }
        const trace = fault.toMyxError().diagnostics[0]!.trace!.map((f) => (f.skipped === undefined ? f.fn : `… ${f.skipped}`));
        expect(trace, `${n} frames cut ${cuts.join("+")}`).toEqual(reference(n));
      }
    }
  });
});
