import { describe, expect, it } from "vitest";
import { constant, type Graph, type Parameter } from "../../src/ir/graph.js";
import { print } from "../../src/prims/program.js";
import { seq, switchPrim } from "../../src/prims/structural.js";
import type { Value } from "../../src/runtime/values.js";
import { Codes, type Code } from "../../src/vm/code.js";
import { Machine } from "../../src/vm/index.js";
import { Op } from "../../src/vm/interpreter.js";
import { add, call, depthFn, eq, fn, ifElse, k, lt, mul, prim, sub, sumLoop } from "./build.js";

/** The opcodes of `code` in order, walking instructions by their lengths. */
function opcodes(code: Code): Op[] {
  const out: Op[] = [];
  const ops = code.ops;
  for (let pc = 0; pc < ops.length; ) {
    const op = ops[pc]! as Op;
    out.push(op);
    if (op <= Op.Ne || (op >= Op.BranchLt && op <= Op.BranchNe)) pc += 4;
    else if (op === Op.Neg || op === Op.Move || op === Op.BranchFalse) pc += 3;
    else if (op === Op.Jump || op === Op.Fail || op === Op.Return) pc += 2;
    else if (op === Op.Closure || op === Op.Prim) pc += 4 + ops[pc + 3]!;
    else pc += 5 + ops[pc + 3]!;
  }
  return out;
}

const codes = new Codes();
const codeFor = (g: Graph): Code => codes.codeFor(g);

const run = (g: Graph, args: Value[], lines: string[] = []) =>
  new Machine({ print: (line) => lines.push(line) }).run(g, args);

describe("linearization", () => {
  it("turns a loop into a compare-and-branch, two adds and a jump back", () => {
    const sum = sumLoop();
    const loop = codeFor(sum).graphs[0]!;
    expect(opcodes(codeFor(sum))).toEqual([Op.Closure, Op.TailCall]);
    expect(opcodes(codeFor(loop))).toEqual([Op.BranchLt, Op.Add, Op.Add, Op.SelfTail, Op.Return]);
    expect(codeFor(loop).graphs).toEqual([]);
  });

  it("inlines ifs and keeps non-tail self calls as calls", () => {
    expect(opcodes(codeFor(depthFn()))).toEqual([Op.BranchEq, Op.Return, Op.Sub, Op.SelfCall, Op.Add, Op.Return]);
  });

  it("falls back to closures when a branch is used elsewhere", () => {
    const f = fn("f", ["c"], (g, c) => {
      const yes = fn("yes", [], () => k(1), { branch: true });
      const no = fn("no", [], () => k(2), { branch: true });
      const chosen = prim(g, switchPrim, c, k(yes), k(no));
      return add(g, call(g, chosen), call(g, chosen));
    });
    expect(opcodes(codeFor(f))).toEqual([Op.Prim, Op.Call, Op.Call, Op.Add, Op.Return]);
    expect(run(f, [false])).toBe(4);
  });

  it("makes seq free and keeps a value computed once", () => {
    const lines: string[] = [];
    const f = fn("f", ["x"], (g, x) => {
      const shown = prim(g, print, x);
      return prim(g, seq, shown, prim(g, seq, shown, mul(g, x, x)));
    });
    expect(opcodes(codeFor(f))).toEqual([Op.Prim, Op.Mul, Op.Return]);
    expect(run(f, [3], lines)).toBe(9);
    expect(lines).toEqual(["3"]);
  });

  it("writes a branch's value straight into the if's result", () => {
    // if x < 0 { -x } else { x * 2 } + 1
    const h = fn("h", ["x"], (g, x) => add(g, ifElse(g, lt(g, x, k(0)), (b) => sub(b, k(0), x), (b) => mul(b, x, k(2))), k(1)));
    expect(opcodes(codeFor(h))).toEqual([Op.BranchLt, Op.Sub, Op.Jump, Op.Mul, Op.Add, Op.Return]);
    expect([-3, 3].map((x) => run(h, [x]))).toEqual([4, 7]);
  });

  it("keeps a condition that is also a value of its own", () => {
    // f(x) = { let c = x < 1; if c { print("small") }; c }: the comparison cannot become the jump
    const lines: string[] = [];
    const f = fn("f", ["x"], (g, x) => {
      const c = lt(g, x, k(1));
      const branch = fn("then", [], () => c, { branch: true });
      return prim(g, seq, ifElse(g, c, (b) => prim(b, print, k("small")), () => k(0)), call(g, k(branch)));
    });
    expect(run(f, [0], lines)).toBe(true);
    expect(lines).toEqual(["small"]);
    expect(opcodes(codeFor(f))[0]).toBe(Op.Lt);
  });

  it("saves parameters a self tail call reads after overwriting them", () => {
    // loop(a, b, n) = if n == 0 { a * 10 + b } else { loop(b, a, n - 1) }
    const loop = fn("loop", ["a", "b", "n"], () => k(0));
    const [a, b, n] = loop.parameters as [Parameter, Parameter, Parameter];
    loop.output = ifElse(loop, eq(loop, n, k(0)), (t) => add(t, mul(t, a, k(10)), b), (e) => call(e, k(loop), b, a, sub(e, n, k(1))));
    expect(run(loop, [1, 2, 3])).toBe(21);
    expect(run(loop, [1, 2, 4])).toBe(12);
  });

  it("computes a branch's captured values before the jump, as making its closure would", () => {
    const lines: string[] = [];
    const f = fn("f", ["c"], (g, c) => {
      const shown = prim(g, print, k("computed"));
      return ifElse(g, c, () => shown, () => k(0));
    });
    expect(run(f, [false], lines)).toBe(0);
    expect(lines).toEqual(["computed"]);
  });

  it("makes a closure again after a branch that may not have made it", () => {
    // add(if c { h(2) } else { 0 }, h(1)) with one shared Constant(h), h = |y| x + y
    const f = fn("f", ["x", "c"], () => k(0));
    const [x, c] = f.parameters as [Parameter, Parameter];
    const h = constant(fn("h", ["y"], (g, y) => add(g, x, y)));
    f.output = add(f, ifElse(f, c, (b) => call(b, h, k(2)), () => k(0)), call(f, h, k(1)));
    expect(run(f, [10, false])).toBe(11);
    expect(run(f, [10, true])).toBe(23);
    expect(opcodes(codeFor(f)).filter((o) => o === Op.Closure)).toHaveLength(2);
  });
});
