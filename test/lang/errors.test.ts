// Malformed input: every error found, each at the right line and column, in words a person
// understands; and the `incomplete` flag the REPL relies on.
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/lang/diagnostics.js";
import { parseProgram } from "../../src/lang/parser.js";
import { errors } from "./helpers.js";

describe("syntax errors", () => {
  it.each([
    ["let a = 1\nlet b = 2;", "2:1 expected ';' after the expression, found the keyword 'let'"],
    ["print(1) print(2);", "1:10 expected ';' after the expression, found 'print'"],
    ["print(f(1, 2);", "1:14 expected ',' or ')', found ';'"],
    ["f(1 2);", "1:5 expected ',' or ')', found '2'"],
    ["[1 2];", "1:4 expected ',' or ']', found '2'"],
    ["{a: 1 b: 2};", "1:7 expected ',' or '}', found 'b'"],
    ["|x y| x", "1:4 expected ',' or '|', found 'y'"],
    ["f(1));", "1:5 unmatched ')'"],
    ["}", "1:1 unmatched '}'"],
    ["1 + ;", "1:5 expected an expression, found ';'"],
    ["f(,);", "1:3 expected an expression or ')', found ','"],
    ["[,];", "1:2 expected an expression or ']', found ','"],
    ["{,};", "1:2 expected a field name or '}', found ','"],
    ["let (a, 3) = t;", "1:9 expected a pattern or ')', found '3'"],
    ["|,| 1", "1:2 expected a parameter name or '|', found ','"],
    ["let x = 1 $ 2;", "1:11 unexpected character '$'"],
    ["let x = .5;", "1:9 '.5' is not a number: write '0.5'"],
    ["let 3 = x;", "1:5 expected a name or '(' in the pattern, found '3'"],
    ["let {a} = t;", "1:5 expected a name or '(' in the pattern, found '{'"],
    ["let x 5;", "1:7 expected '=', found '5'"],
    ["var in = 3;", "1:5 expected a variable name after 'var', found the keyword 'in'"],
    ["def (x) = 1;", "1:5 expected a function name after 'def', found '('"],
    ["def f x = 1;", "1:7 expected '(' after the function name, found 'x'"],
    ["def f() 1;", "1:9 expected '=' or '{' after the parameter list, found '1'"],
    ["def f(x, 2) = 1;", "1:10 expected a parameter name or ')', found '2'"],
    ["def f(2) = 1;", "1:7 expected a parameter name or ')', found '2'"],
    ["if x then { 1 }", "1:6 expected '{' to start a block, found 'then'"],
    ["let x = if c { 1 } else 2;", "1:25 expected '{' to start a block, found '2'"],
    ["for i in range(3) { }", "1:19 expected '..' between the bounds of the range, found '{'"],
    ["for i 0 .. 3 { }", "1:7 expected 'in' after the loop variable, found '0'"],
    ["r.1;", "1:2 '.1' is not a field name: index a tuple with t[1]"],
    ["r.(x);", "1:3 expected a field name after '.', found '('"],
    ["a[];", "1:3 expected an index or a slice, found ']'"],
    ["{ x };", "1:5 expected ':' after the field name (a '{' that starts an expression is a record), found '}'"],
    ["a[0] = 1;", "1:6 expected ';' after the expression, found '=' (only a name can be assigned to: 'x = value;')"],
    ["x;;", "1:3 expected a statement, found ';'"],
  ])("%j", (source, expected) => {
    expect(errors(source)).toEqual([expected]);
  });

  it("rejects chained comparisons, suggesting 'and'", () => {
    expect(errors("let ok = a < b < c;")).toEqual([
      "1:16 comparisons cannot be chained: write 'a < b and b < c' instead of 'a < b < c'",
    ]);
    expect(errors("x == y != z;")).toEqual([
      "1:8 comparisons cannot be chained: write 'a == b and b != c' instead of 'a == b != c'",
    ]);
    expect(errors("a < b + 1 <= c;")).toHaveLength(1);
    expect(errors("(a < b) < c;")).toEqual([]);
  });

  it("rejects 'not' where it would bind more loosely than the operator before it", () => {
    expect(errors("1 + not b;")).toEqual(["1:5 'not' cannot directly follow '+': write '+ (not ...)'"]);
    expect(errors("a == not b;")).toEqual(["1:6 'not' cannot directly follow '==': write '== (not ...)'"]);
    expect(errors("a and not b; 1 + (not b);")).toEqual([]);
  });

  it("rejects duplicate names where they must be distinct", () => {
    expect(errors("let (a, (b, a)) = t;")).toEqual(["1:13 duplicate name in the pattern 'a'"]);
    expect(errors("def f(x, y, x) = 1;")).toEqual(["1:13 duplicate parameter 'x'"]);
    expect(errors("|x, x| 1;")).toEqual(["1:5 duplicate parameter 'x'"]);
    expect(errors("{a: 1, a: 2};")).toEqual(["1:8 duplicate field 'a'"]);
  });

  it("reports several errors in one file, each once", () => {
    const source = [
      "def f(x, y) {",
      "  let z = x +* y;",
      "  var 1 = 2;",
      "  z",
      "}",
      "print(f(1, 2)",
      "let q = a < b < c;",
      'print("done\\q");',
    ].join("\n");
    expect(errors(source)).toEqual([
      "2:14 expected an expression, found '*'",
      "3:7 expected a variable name after 'var', found '1'",
      "7:1 expected ',' or ')', found the keyword 'let'",
      "7:15 comparisons cannot be chained: write 'a < b and b < c' instead of 'a < b < c'",
      "8:12 unknown escape '\\q' in a string (use \\\" \\\\ \\n or \\t)",
    ]);
  });

  it("skips the rest of a broken statement, even across lines inside its brackets", () => {
    expect(errors("{a: 1 b: 2}; let z = ;")).toEqual(["1:7 expected ',' or '}', found 'b'", "1:22 expected an expression, found ';'"]);
    expect(errors("let r = {\n  a: 1\n  b: 2\n};\nprint(r);\nlet z = ;")).toEqual([
      "3:3 expected ',' or '}', found 'b'",
      "6:9 expected an expression, found ';'",
    ]);
  });

  it("assumes a missing closer when a line starts left of the broken statement", () => {
    expect(errors("def f() {\n  let a = g(1\n  a\n}\nlet b = 2 3;")).toEqual([
      "3:3 expected ',' or ')', found 'a'",
      "5:11 expected ';' after the expression, found '3'",
    ]);
    expect(errors("z = (z, 1]\nx = 1 2;")).toEqual(["1:10 unmatched ']'", "2:7 expected ';' after the expression, found '2'"]);
  });

  it("resumes after a broken statement at the next line", () => {
    expect(errors("let a = 1\nlet b = (2 +;\nprint(c);\nlet 3 = 4; print(5 6); let z = ;")).toEqual([
      "2:1 expected ';' after the expression, found the keyword 'let'",
      "2:13 expected an expression, found ';'",
      "4:5 expected a name or '(' in the pattern, found '3'",
      "4:20 expected ',' or ')', found '6'",
      "4:32 expected an expression, found ';'",
    ]);
  });

  it("names the unclosed bracket at the end of input", () => {
    expect(errors("let x = (1 +\n  2")).toEqual(["2:4 unexpected end of input: '(' opened at 1:9 is not closed"]);
    expect(errors("def f(x) {\n  x")).toEqual(["2:4 unexpected end of input: '{' opened at 1:10 is not closed"]);
    expect(errors("x = 1 +")).toEqual(["1:8 unexpected end of input: expected an expression"]);
  });

  it("gives a program only when there are no diagnostics", () => {
    const bad = parseProgram("let x = ;", "t.myx");
    expect(bad.program).toBeNull();
    expect(bad.diagnostics[0]).toMatchObject({ file: "t.myx", line: 1, col: 9, span: { start: 8, end: 9 } });
    expect(parseProgram("let x = 1;", "t.myx").program).not.toBeNull();
  });

  it("does not carry state from one parse to the next", () => {
    expect(errors("f(1 2")).not.toEqual([]);
    expect(errors("f(1, 2)")).toEqual([]);
  });
});

describe("incomplete input (the REPL asks for another line)", () => {
  it.each([
    "f(",
    "(1 + 2",
    "[1, 2",
    "{a: 1",
    "1 +",
    "not",
    "def f(x) =",
    "def f(x) {",
    "def f(",
    "if x { 1 } else",
    "if x {",
    "while x",
    "for i in 0 ..",
    "let x = 5",
    "let (a, b",
    "|x",
    "|x| ",
    "x.",
    'print("abc',
  ])("%j", (source) => {
    const result = parseProgram(source, "repl");
    expect(result.diagnostics).not.toEqual([]);
    expect(result.incomplete).toBe(true);
  });

  it.each([
    "1 + ;",
    ")",
    "f(1));",
    "let 3 = x;",
    "let 3 = (",
    "a < b < c;",
    'print("a\n");',
    "x = 1 $",
  ])("%j is wrong, not incomplete", (source) => {
    const result = parseProgram(source, "repl");
    expect(result.diagnostics).not.toEqual([]);
    expect(result.incomplete).toBe(false);
  });

  it("is false for complete input", () => {
    expect(parseProgram("1 + 2", "repl").incomplete).toBe(false);
    expect(parseProgram("def f(x) = x;", "repl").incomplete).toBe(false);
    expect(parseProgram("", "repl").incomplete).toBe(false);
  });
});

describe("formatDiagnostic", () => {
  const show = (source: string) => {
    const { diagnostics } = parseProgram(source, "m.myx");
    return formatDiagnostic(diagnostics[0]!, new Map([["m.myx", source]]));
  };

  it("quotes the source line with a caret under the offending token", () => {
    expect(show("let a = 1;\nlet b = (a +;\n")).toBe(
      ["m.myx:2:13: error: expected an expression, found ';'", "2 | let b = (a +;", "                ^"].join("\n"),
    );
  });

  it("underlines a whole token", () => {
    expect(show("x = y print;")).toBe(
      ["m.myx:1:7: error: expected ';' after the expression, found 'print'", "1 | x = y print;", "          ^~~~~"].join("\n"),
    );
  });

  it("shows a window of a very long line, with the caret still under the token", () => {
    const source = `let a = ${"1 + ".repeat(100)}?;`;
    const [, line, caret] = show(source).split("\n");
    expect(line!.length).toBeLessThan(120);
    expect(line!.startsWith("1 | ...")).toBe(true);
    expect(line![caret!.indexOf("^")]).toBe("?");
  });

  it("points just past the last token at the end of input", () => {
    expect(show("f(1, 2\n\n")).toBe(
      ["m.myx:1:7: error: unexpected end of input: '(' opened at 1:2 is not closed", "1 | f(1, 2", "          ^"].join("\n"),
    );
  });
});
