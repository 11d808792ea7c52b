import { describe, expect, it } from "vitest";
import type { Node, Parameter } from "../../src/ir/graph.js";
import { definePrim } from "../../src/prims/primitive.js";
import { globalGet, globalSet, print } from "../../src/prims/program.js";
import * as S from "../../src/prims/scalar.js";
import { makeTuple, seq, switchPrim } from "../../src/prims/structural.js";
import { Closure, UNIT, type Value } from "../../src/runtime/values.js";
import { Machine } from "../../src/vm/index.js";
import { add, call, depthFn, eq, fn, ifElse, k, lt, mul, prim, sub, sumLoop, switchCall } from "./build.js";

function machine(lines: string[] = []): Machine {
  return new Machine({ print: (line) => lines.push(line) });
}

describe("straight-line code", () => {
  it("does arithmetic on Nums", () => {
    // (x + y) * (x - y) / 2 - (-x)
    const f = fn("f", ["x", "y"], (g, x, y) =>
      sub(g, prim(g, S.div, mul(g, add(g, x, y), sub(g, x, y)), k(2)), prim(g, S.neg, x)),
    );
    expect(machine().run(f, [5, 3])).toBe(13);
  });

  it("compares, and falls back to the primitive for Bools and Strings", () => {
    const f = fn("f", ["a", "b"], (g, a, b) =>
      prim(g, makeTuple, lt(g, a, b), prim(g, S.ge, a, b), eq(g, k("x"), k("x")), prim(g, S.ne, k(true), k(false))),
    );
    expect(machine().run(f, [1, 2])).toEqual([true, false, true, true]);
  });

  it("keeps -0 and 0 apart as constants", () => {
    const f = fn("f", [], (g) => prim(g, makeTuple, prim(g, S.div, k(1), k(-0)), prim(g, S.div, k(1), k(0))));
    expect(machine().run(f, [])).toEqual([-Infinity, Infinity]);
  });

  it("evaluates callee first, then arguments left to right, and seq in order", () => {
    const lines: string[] = [];
    const pick = fn("pick", ["a", "b"], (_g, _a, b) => b);
    const f = fn("f", [], (g) =>
      prim(g, seq, prim(g, print, k("first")), call(g, prim(g, seq, prim(g, print, k("callee")), k(pick)), prim(g, print, k("a")), prim(g, print, k("b")))),
    );
    expect(machine(lines).run(f, [])).toBe(UNIT);
    expect(lines).toEqual(["first", "callee", "a", "b"]);
  });

  it("runs a 100,000-deep expression chain", () => {
    const f = fn("f", ["x"], (g, x) => {
      let node: Node = x;
      for (let i = 0; i < 100_000; i++) node = add(g, node, k(1));
      return node;
    });
    expect(machine().run(f, [1])).toBe(100_001);
  });
});

describe("closures", () => {
  it("capture values when they are made", () => {
    const makeAdder = fn("make_adder", ["a"], (_g, a) => k(fn("adder", ["x"], (h, x) => add(h, a, x))));
    const f = fn("f", [], (g) => {
      const one = call(g, k(makeAdder), k(1));
      const ten = call(g, k(makeAdder), k(10));
      return add(g, call(g, one, k(5)), call(g, ten, k(5)));
    });
    expect(machine().run(f, [])).toBe(21);
  });

  it("see free variables from two levels up", () => {
    // outer(a) = |b| |c| a * 100 + b * 10 + c
    const outer = fn("outer", ["a"], () => k(0));
    const [a] = outer.parameters as [Parameter];
    const mid = fn("mid", ["b"], () => k(0));
    const [b] = mid.parameters as [Parameter];
    const inner = fn("inner", ["c"], (h, c) => add(h, add(h, mul(h, a, k(100)), mul(h, b, k(10))), c));
    mid.output = k(inner);
    outer.output = k(mid);
    const f = fn("f", [], (g) => call(g, call(g, call(g, k(outer), k(1)), k(2)), k(3)));
    expect(machine().run(f, [])).toBe(123);
  });

  it("keep what a loop variable was when the closure was made", () => {
    // loop(i, f) = if i < 5 { loop(i + 1, if i == 2 { |x| x + i } else { f }) } else { f(100) }
    const main = fn("main", [], () => k(0));
    const loop = fn("loop", ["i", "f"], () => k(0), { loop: true });
    const [i, f] = loop.parameters as [Parameter, Parameter];
    loop.output = ifElse(
      loop,
      lt(loop, i, k(5)),
      (body) => call(body, k(loop), add(body, i, k(1)), ifElse(body, eq(body, i, k(2)), () => k(fn("lam", ["x"], (h, x) => add(h, x, i))), () => f)),
      (exit) => call(exit, f, k(100)),
    );
    main.output = call(main, k(loop), k(0), k(S.neg));
    expect(machine().run(main, [])).toBe(102);
  });

  it("recurse through their own graph, reusing their environment", () => {
    // outer(k) { def rec(n) = if n == 0 { 0 } else { k + rec(n - 1) }; rec(10) }
    const outer = fn("outer", ["k"], () => k(0));
    const [kk] = outer.parameters as [Parameter];
    const rec = fn("rec", ["n"], () => k(0));
    const [n] = rec.parameters as [Parameter];
    rec.output = ifElse(rec, eq(rec, n, k(0)), () => k(0), (b) => add(b, kk, call(b, k(rec), sub(b, n, k(1)))));
    outer.output = call(outer, k(rec), k(10));
    expect(machine().run(outer, [7])).toBe(70);
  });

  it("can be called from JavaScript and called back from a primitive", () => {
    const twice = definePrim({ name: "twice", args: 2, impl: ([f, x], host) => host.call(f!, [host.call(f!, [x!])]), vjp: null, jvp: null });
    const outer = fn("outer", ["d"], (g, d) => prim(g, twice, k(fn("step", ["x"], (h, x) => mul(h, x, d))), k(3)));
    const m = machine();
    expect(m.run(outer, [2])).toBe(12);
    const step = m.run(fn("mk", ["d"], (_g, d) => k(fn("step", ["x"], (h, x) => add(h, x, d)))), [5]);
    expect(step).toBeInstanceOf(Closure);
    expect(m.call(step, [1])).toBe(6);
    expect(m.call(S.add, [1, 2])).toBe(3);
  });
});

describe("if", () => {
  const failing = (b: Parameters<typeof add>[0]) => add(b, k("not a number"), k(1));

  it("runs only the taken branch", () => {
    const f = fn("f", ["c"], (g, c) => ifElse(g, c, () => k(1), failing));
    expect(machine().run(f, [true])).toBe(1);
    const h = fn("h", ["c"], (g, c) => ifElse(g, c, failing, () => k(2)));
    expect(machine().run(h, [false])).toBe(2);
  });

  it("runs only the taken branch when the branches are closures", () => {
    // The switch's result is used twice, so the branches cannot be inlined.
    const f = fn("f", ["c"], (g, c) => {
      const yes = fn("yes", [], () => k(1), { branch: true });
      const no = fn("no", [], failing, { branch: true });
      const chosen = prim(g, switchPrim, c, k(yes), k(no));
      return add(g, call(g, chosen), call(g, chosen));
    });
    expect(machine().run(f, [true])).toBe(2);
  });

  it("gives a value that later code uses, with nested ifs", () => {
    // sign(x) * 10 + 1, sign written as nested ifs
    const f = fn("f", ["x"], (g, x) => {
      const sign = ifElse(g, lt(g, x, k(0)), () => k(-1), (b) => ifElse(b, eq(b, x, k(0)), () => k(0), () => k(1)));
      return add(g, mul(g, sign, k(10)), k(1));
    });
    const m = machine();
    expect([-5, 0, 5].map((x) => m.run(f, [x]))).toEqual([-9, 1, 11]);
  });

  it("handles a 10,000-deep else-if chain", () => {
    // if x == 0 { 0 } else if x == 1 { 2 } ... else { -1 }, built from the innermost else out
    const f = fn("f", ["x"], () => k(0));
    const [x] = f.parameters as [Parameter];
    let rest = fn("last", [], () => k(-1), { branch: true });
    for (let j = 9_999; j >= 0; j--) {
      const yes = fn(`then${j}`, [], (t) => mul(t, x, k(2)), { branch: true });
      const no = rest;
      rest = fn(`else${j}`, [], (b) => switchCall(b, eq(b, x, k(j)), yes, no), { branch: true });
    }
    f.output = call(f, k(rest));
    const m = machine();
    expect(m.run(f, [9_998])).toBe(19_996);
    expect(m.run(f, [20_000])).toBe(-1);
  });
});

describe("loops and recursion", () => {
  it("runs a loop of 3,000,000 iterations", () => {
    expect(machine().run(sumLoop(), [3_000_000])).toBe(4_499_998_500_000);
  });

  it("runs 3,000,000-deep tail recursion, direct and mutual", () => {
    const count = fn("count", ["n", "acc"], () => k(0));
    const [n, acc] = count.parameters as [Parameter, Parameter];
    count.output = ifElse(count, eq(count, n, k(0)), () => acc, (b) => call(b, k(count), sub(b, n, k(1)), add(b, acc, k(2))));
    const m = new Machine({ print: () => {}, maxDepth: 100 });
    expect(m.run(count, [3_000_000, 0])).toBe(6_000_000);

    const isEven = fn("is_even", ["n"], () => k(0));
    const isOdd = fn("is_odd", ["n"], () => k(0));
    const parity = (self: typeof isEven, other: typeof isEven, base: boolean) => {
      const [p] = self.parameters as [Parameter];
      self.output = ifElse(self, eq(self, p, k(0)), () => k(base), (b) => call(b, k(other), sub(b, p, k(1))));
    };
    parity(isEven, isOdd, true);
    parity(isOdd, isEven, false);
    expect(m.run(isEven, [3_000_001])).toBe(false);
  });

  it("tail-calls through seq and through closure values", () => {
    // loop(i, f) = if i < n { seq(i * 2, f(i + 1, f)) } else { i }: f is the loop itself, as a value
    const loop = fn("loop", ["i", "f"], () => k(0));
    const [i, f] = loop.parameters as [Parameter, Parameter];
    loop.output = ifElse(loop, lt(loop, i, k(100_000)), (b) => prim(b, seq, mul(b, i, k(2)), call(b, f, add(b, i, k(1)), f)), () => i);
    const main = fn("main", [], (g) => call(g, k(loop), k(0), k(loop)));
    expect(new Machine({ print: () => {}, maxDepth: 10 }).run(main, [])).toBe(100_000);
  });

  it("runs non-tail recursion 1,000,000 deep", () => {
    expect(machine().run(depthFn(), [1_000_000])).toBe(1_000_000);
  });

  it("moves frames across stack chunks, on calls, tail calls and calls back from primitives", () => {
    // rec(n) = if n == 0 { back(|m| depth(m), 20_000) } else { 1 + hop(n - 1) + (a 300-node chain) }
    // hop(m) = rec(m), a tail call from a small frame into a big one
    const back = definePrim({ name: "back", args: 2, impl: ([f, x], host) => host.call(f!, [x!]), vjp: null, jvp: null });
    const depth = depthFn();
    const rec = fn("rec", ["n"], () => k(0));
    const hop = fn("hop", ["m"], (g, m) => call(g, k(rec), m));
    const [n] = rec.parameters as [Parameter];
    rec.output = ifElse(
      rec,
      eq(rec, n, k(0)),
      (b) => prim(b, back, k(depth), k(20_000)),
      (b) => {
        let chain: Node = add(b, k(1), call(b, k(hop), sub(b, n, k(1))));
        for (let i = 0; i < 300; i++) chain = add(b, chain, k(0));
        return chain;
      },
    );
    expect(machine().run(rec, [3_000])).toBe(23_000);
  });

  it("reuses its stack across runs and machines", () => {
    const depth = depthFn();
    const m = machine();
    for (const n of [10, 200_000, 3, 200_000]) expect(m.run(depth, [n])).toBe(n);
    expect(machine().run(depth, [5])).toBe(5);
  });
});

describe("globals", () => {
  it("are written by main, read by functions and persist across runs", () => {
    const lines: string[] = [];
    const m = machine(lines);
    const read = fn("read", [], (g) => mul(g, prim(g, globalGet, k("x")), k(2)));
    const main = fn("main", [], (g) => prim(g, seq, prim(g, globalSet, k("x"), k(21)), prim(g, print, call(g, k(read)))));
    m.run(main, []);
    expect(lines).toEqual(["42"]);
    expect(m.globals.get("x")).toBe(21);
    expect(m.run(read, [])).toBe(42);
  });

  it("cannot be read before their let has run", () => {
    const read = fn("read", [], (g) => prim(g, globalGet, k("y")));
    expect(() => machine().run(read, [])).toThrow("'y' is used before its let has run");
  });

  it("hold any value", () => {
    const m = machine();
    const values: Value[] = [1, "s", true, UNIT, [1, 2]];
    values.forEach((v, i) => m.writeGlobal(`g${i}`, v));
    expect(values.map((_v, i) => m.readGlobal(`g${i}`))).toEqual(values);
  });
});
