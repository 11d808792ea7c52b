// The REPL driven through a pipe. With stdin not a terminal it prints no prompts, so stdout holds
// exactly what the inputs printed plus the value of each input that has one.
import { describe, expect, it } from "vitest";
import { JS_STACK, myx } from "./helpers.js";

const repl = (...lines: string[]) => myx(["repl"], { input: lines.map((l) => `${l}\n`).join("") });

describe("the REPL", () => {
  it("starts with bare `myx` too, and ends with status 0 at end of input", () => {
    expect(myx([], { input: "1 + 2\n" })).toEqual({ status: 0, stdout: "3\n", stderr: "" });
  });

  it("keeps definitions across inputs", () => {
    const r = repl("def sq(x) = x * x;", "let a = 3;", "var n = 1;", "n = n + sq(a);", "n", "sq(a) + 1");
    expect(r).toEqual({ status: 0, stdout: "10\n10\n", stderr: "" });
  });

  it("differentiates functions defined in earlier inputs, to any order and in both modes", () => {
    const r = repl("def f(x) = x * x * x;", "let df = grad(f);", "df(2)", "grad(df)(2)", "jvp(f, 2, 1)", "vjp(f, 2)[1](1)");
    expect(r).toEqual({ status: 0, stdout: "12\n12\n(8, 12)\n(12,)\n", stderr: "" });
  });

  it("shows values that are not (), strings quoted, and prints what print prints", () => {
    const r = repl('"hi"', "(1, {a: true})", "print(\"raw\", 2);", "()", "sin");
    expect(r.stdout).toBe('"hi"\n(1, {a: true})\nraw 2\n<fn sin>\n');
  });

  it("reads more lines while an input is unfinished", () => {
    const r = repl("def f(x) {", "  let y = x + 1;", "  y * 2", "}", "f(4) +", "  1");
    expect(r).toEqual({ status: 0, stdout: "11\n", stderr: "" });
  });

  it("reports a compile error and carries on", () => {
    const r = repl("print(nope);", 'print("still here");');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("still here\n");
    expect(r.stderr).toBe("<repl:1>:1:7: error: undefined name 'nope'\n1 | print(nope);\n          ^~~~\n");
  });

  it("reports a runtime error with its stack and carries on, keeping what the input defined", () => {
    const r = repl('def bad(x) = x + "s";', "let before = 5;", "def ok() = 1; bad(1)", "ok() + before");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("6\n");
    expect(r.stderr).toMatch(/^<repl:1>:1:\d+: error: .*\n1 \| def bad\(x\) = x \+ "s";\n/);
    expect(r.stderr).toMatch(/at bad \(<repl:1>:/);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("binds names early: redefining f does not change a g defined before", () => {
    const r = repl("def f() = 1;", "def g() = f();", "def f() = 2;", "g()", "f()");
    expect(r.stdout).toBe("1\n2\n");
  });

  it(":help lists the commands", () => {
    const r = repl(":help");
    for (const cmd of [":help", ":ir NAME", ":grad NAME", ":quit"]) expect(r.stdout).toContain(cmd);
  });

  it(":ir and :grad print a def's graph and its gradient's; unknown commands say why they cannot", () => {
    const r = repl("def sq(x) = x * x;", ":ir sq", ":ir nope", ":grad sq", ":frob");
    expect(r.stdout).toMatch(/^graph sq\(%x\) \{\n/);
    // Optimized, the gradient is one graph: the backpropagators are inlined.
    expect(r.stdout).toContain("graph sq/grad(%x) {");
    expect(r.stdout).not.toContain("◀");
    expect(myx(["repl", "--no-opt"], { input: "def sq(x) = x * x;\n:grad sq\n" }).stdout).toContain("graph ◀sq(%d)");
    expect(r.stderr).toContain("no def named 'nope' (defined: sq)");
    expect(r.stderr).toContain("unknown command ':frob'");
  });

  it(":quit ends the session; later lines are not run", () => {
    expect(repl("print(1);", ":quit", "print(2);")).toEqual({ status: 0, stdout: "1\n", stderr: "" });
  });

  it("reports an input left unfinished at end of input", () => {
    const r = repl("def f(x) {");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^<repl:1>:\d+:\d+: error: /);
  });
});
