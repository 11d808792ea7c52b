// Every compile-time error of the lowering, with its exact position.
import { describe, expect, it } from "vitest";
import { lowerSource } from "./helpers.js";

function errors(source: string): string[] {
  return lowerSource(source).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);
}

describe("lowering diagnostics", () => {
  it("reports an undefined name at its position", () => {
    expect(errors(`let a = 1;\nprint(a + bb);`)).toEqual(["2:11 undefined name 'bb'"]);
  });

  it("reports assignment to a let, a parameter and a loop variable", () => {
    expect(errors(`let a = 1;\na = 2;`)).toEqual(["2:1 cannot assign to 'a': it is a let binding (declare it with var to reassign it)"]);
    expect(errors(`def f(x) { x = 1; x }`)).toEqual(["1:12 cannot assign to 'x': it is a parameter"]);
    expect(errors(`for i in 0..3 { i = 2; }`)).toEqual(["1:17 cannot assign to 'i': it is a loop variable"]);
  });

  it("reports assignment inside a closure to a var of the enclosing function", () => {
    expect(errors(`def f() {\n  var n = 0;\n  let g = || { n = n + 1; n };\n  g()\n}`)).toEqual([
      "3:16 cannot assign to 'n' inside 'g': it is a var of the enclosing function 'f', and closures capture values",
    ]);
    expect(errors(`def f() { var n = 0; def g() { n = 1; } g(); n }`)[0]).toMatch(/^1:32 cannot assign to 'n' inside 'g'/);
  });

  it("allows assignment to a var from the if-branches and loops of its own function", () => {
    expect(errors(`def f(c) { var n = 0; if c { n = 1; } while n < 3 { n = n + 1; } n }`)).toEqual([]);
  });

  it("reports a top-level def reading a top-level var", () => {
    expect(errors(`var count = 0;\ndef f() = count + 1;`)).toEqual([
      "2:11 function 'f' cannot use the top-level var 'count': pass it as an argument, or declare it with let",
    ]);
  });

  it("lets top-level statements and lambdas read top-level vars", () => {
    expect(errors(`var count = 0;\ncount = count + 1;\nlet g = |x| x + count;\nprint(g(1));`)).toEqual([]);
  });

  it("reports a var used before its declaration at top level", () => {
    expect(errors(`print(v);\nvar v = 1;`)).toEqual(["1:7 'v' is used before its var declaration"]);
  });

  it("reports a call with the wrong number of arguments to a known def", () => {
    expect(errors(`def f(a, b) = a + b;\nprint(f(1));`)).toEqual(["2:7 f takes 2 arguments, but 1 were given"]);
    expect(errors(`def g() { def h(x) = x; h(1, 2) }`)).toEqual(["1:25 h takes 1 argument, but 2 were given"]);
  });

  it("does not check arity when a name is shadowed by a value", () => {
    expect(errors(`def f(a) = a;\ndef g(f) = f(1, 2);`)).toEqual([]);
  });

  it("reports duplicate top-level definitions", () => {
    expect(errors(`def f() = 1;\ndef f() = 2;`)).toEqual(["2:5 'f' is already defined as a function in this program"]);
  });

  it("reports every error in a program, not just the first", () => {
    expect(errors(`print(x);\nprint(y);\nlet z = 1;\nz = 2;`)).toHaveLength(3);
  });

  it("lets a top-level def use a top-level let defined later (a runtime check, not a compile error)", () => {
    expect(errors(`def f() = k;\nlet k = 1;`)).toEqual([]);
  });
});
