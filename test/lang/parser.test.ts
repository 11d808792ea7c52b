// Every construct of SPEC §2, checked through the compact S-expression printer.
import { describe, expect, it } from "vitest";
import { parseProgram } from "../../src/lang/parser.js";
import { errors, expr, tree } from "./helpers.js";

describe("literals and primaries", () => {
  it.each([
    ["3", "3"],
    ["1.5e2", "150"],
    [String.raw`"a\tb"`, String.raw`"a\tb"`],
    ["true", "true"],
    ["false", "false"],
    ["x_1", "x_1"],
    ["()", "()"],
    ["(x)", "(paren x)"],
    ["(x,)", "(tuple x)"],
    ["(a, b)", "(tuple a b)"],
    ["(a, b,)", "(tuple a b)"],
    ["[]", "(array)"],
    ["[a, b,]", "(array a b)"],
    ["[[1, 2], [3, 4]]", "(array (array 1 2) (array 3 4))"],
    ["{}", "(record)"],
    ["{a: 1, b: (2, 3)}", "(record (a 1) (b (tuple 2 3)))"],
    ["{a: 1,}", "(record (a 1))"],
  ])("%s", (source, expected) => {
    expect(expr(source)).toBe(expected);
  });
});

describe("postfix", () => {
  it.each([
    ["f()", "(call f)"],
    ["f(x)", "(call f x)"],
    ["f(x, y,)", "(call f x y)"],
    ["f(x)(y)", "(call (call f x) y)"],
    ["a[i]", "(index a i)"],
    ["a[i, j]", "(index a i j)"],
    ["a[1:3]", "(index a (slice 1 3))"],
    ["a[:, 0]", "(index a (slice _ _) 0)"],
    ["a[1:]", "(index a (slice 1 _))"],
    ["a[:hi]", "(index a (slice _ hi))"],
    ["a[:]", "(index a (slice _ _))"],
    ["a[i - 1:n, :, k]", "(index a (slice (- i 1) n) (slice _ _) k)"],
    ["r.name", "(field r name)"],
    ["f(x)[0].y", "(field (index (call f x) 0) y)"],
    ["(1, 2)[0]", "(index (tuple 1 2) 0)"],
    ["{a: 1}.a", "(field (record (a 1)) a)"],
  ])("%s", (source, expected) => {
    expect(expr(source)).toBe(expected);
  });
});

describe("operator precedence and associativity", () => {
  it.each([
    ["1 - 2 - 3", "(- (- 1 2) 3)"],
    ["8 / 4 / 2", "(/ (/ 8 4) 2)"],
    ["2 ** 3 ** 2", "(** 2 (** 3 2))"],
    ["-2 ** 2", "(- (** 2 2))"],
    ["2 ** -1", "(** 2 (- 1))"],
    ["2 ** -1 * 3", "(* (** 2 (- 1)) 3)"],
    ["-x * y", "(* (- x) y)"],
    ["a * -b", "(* a (- b))"],
    ["- -x", "(- (- x))"],
    ["not a == b", "(not (== a b))"],
    ["not a and b", "(and (not a) b)"],
    ["a and not b", "(and a (not b))"],
    ["not not a", "(not (not a))"],
    ["a or b and c", "(or a (and b c))"],
    ["a and b or c", "(or (and a b) c)"],
    ["a or b or c", "(or (or a b) c)"],
    ["a + b * c @ d", "(+ a (@ (* b c) d))"],
    ["a % b * c", "(* (% a b) c)"],
    ["a + b < c * d", "(< (+ a b) (* c d))"],
    ["a == b and c != d", "(and (== a b) (!= c d))"],
    ["a <= b or a >= b", "(or (<= a b) (>= a b))"],
    ["(a < b) < c", "(< (paren (< a b)) c)"],
    ["(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"],
    ["-f(x)[0] ** 2", "(- (** (index (call f x) 0) 2))"],
  ])("%s", (source, expected) => {
    expect(expr(source)).toBe(expected);
  });

  it("builds long operator chains without using stack per operator", () => {
    const { program } = parseProgram("x" + " - 1".repeat(50000), "t.myx");
    let depth = 0;
    for (let e = program!.result!; e.kind === "Binary"; e = e.left) depth++;
    expect(depth).toBe(50000);
  });
});

describe("lambdas", () => {
  it.each([
    ["|x, y| x * y", "(lambda (x y) (* x y))"],
    ["|x, y,| x", "(lambda (x y) x)"],
    ["|| 42", "(lambda () 42)"],
    ["|x| { let y = x; y * y }", "(lambda (x) (block (let y x) (* y y)))"],
    ["|x| {a: x}", "(lambda (x) (record (a x)))"],
    ["|| {}", "(lambda () (block))"],
    ["|x| x + 1 * 2", "(lambda (x) (+ x (* 1 2)))"],
    ["|x| |y| x + y", "(lambda (x) (lambda (y) (+ x y)))"],
    ["f(|x| x, 2)", "(call f (lambda (x) x) 2)"],
    ["1 + |x| x * 2", "(+ 1 (lambda (x) (* x 2)))"],
  ])("%s", (source, expected) => {
    expect(expr(source)).toBe(expected);
  });
});

describe("if expressions", () => {
  it.each([
    ["if c { 1 }", "(if c (block 1))"],
    ["if c { 1 } else { 2 }", "(if c (block 1) (block 2))"],
    ["if c { 1 } else if d { 2 } else { 3 }", "(if c (block 1) (if d (block 2) (block 3)))"],
    ["if a < b { x } else if c { y }", "(if (< a b) (block x) (if c (block y)))"],
    ["if c {} else {}", "(if c (block) (block))"],
  ])("%s", (source, expected) => {
    expect(expr(source)).toBe(expected);
  });

  it("is an ordinary operand inside an expression", () => {
    expect(tree("let y = 1 + if c { 2 } else { 3 } * 4;")).toBe("(program (let y (+ 1 (* (if c (block 2) (block 3)) 4))))");
  });

  it("makes long else-if chains without recursion", () => {
    const source = "if c { 0 }" + " else if c { 1 }".repeat(3000) + " else { 2 }";
    expect(parseProgram(source, "t.myx").diagnostics).toEqual([]);
  });
});

describe("statements", () => {
  it.each([
    ["def f(x) = x + 1;", "(def f (x) (+ x 1))"],
    ["def f() = 1;", "(def f () 1)"],
    ["def g(a, b,) { a * b }", "(def g (a b) (block (* a b)))"],
    ["def g(a) { let b = a; b }", "(def g (a) (block (let b a) b))"],
    ["let x = 1;", "(let x 1)"],
    ["let (a, b) = t;", "(let (tuple a b) t)"],
    ["let (a, (b, c),) = t;", "(let (tuple a (tuple b c)) t)"],
    ["let (a,) = t;", "(let (tuple a) t)"],
    ["let (a) = t;", "(let a t)"],
    ["var x = 0;", "(var x 0)"],
    ["x = x + 1;", "(= x (+ x 1))"],
    ["while i < n { i = i + 1; }", "(while (< i n) (block (= i (+ i 1))))"],
    ["for i in 0 .. n { s = s + i; }", "(for i 0 n (block (= s (+ s i))))"],
    ["for i in 0..10 {}", "(for i 0 10 (block))"],
    ["print(x);", "(stmt (call print x))"],
    ["x == 1;", "(stmt (== x 1))"],
  ])("%s", (source, expected) => {
    expect(tree(source)).toBe(`(program ${expected})`);
  });

  it("allows defs inside blocks", () => {
    expect(tree("def f(n) { def g(k) = k * 2; g(n) }")).toBe("(program (def f (n) (block (def g (k) (* k 2)) (call g n))))");
  });

  it("parses a whole program", () => {
    const source = `
      # the sum of squares
      def square(x) = x * x;
      def total(n) {
        var s = 0;
        for i in 0 .. n { s = s + square(i); }
        s
      }
      let (a, b) = (total(3), 2);
      print(a, b);
    `;
    expect(tree(source)).toBe(
      "(program (def square (x) (* x x)) (def total (n) (block (var s 0) (for i 0 n (block (= s (+ s (call square i))))) s))" +
        " (let (tuple a b) (tuple (call total 3) 2)) (stmt (call print a b)))",
    );
  });
});

describe("where ';' is needed", () => {
  it("is optional after a def with a block body", () => {
    expect(tree("def f() { 1 } def g() { 2 };")).toBe("(program (def f () (block 1)) (def g () (block 2)))");
  });

  it("is required after a def with an expression body", () => {
    expect(errors("def f() = 1 def g() = 2;")).toEqual(["1:13 expected ';' after the expression, found the keyword 'def'"]);
  });

  it("is optional after an if that starts a statement", () => {
    expect(tree("if c { f(); } x; if c { 1 } else { 2 }; y;")).toBe(
      "(program (stmt (if c (block (stmt (call f))))) (stmt x) (stmt (if c (block 1) (block 2))) (stmt y))",
    );
  });

  it("ends the statement at the if's block (as in Rust)", () => {
    expect(errors("if c { 1 } else { 2 } + 3;")).toEqual(["1:23 expected a statement, found '+'"]);
  });

  it("is not taken by while and for", () => {
    expect(tree("while c { } for i in 0 .. 3 { } x")).toBe("(program (while c (block)) (for i 0 3 (block)) x)");
    expect(errors("while c { };")).toEqual(["1:12 expected a statement, found ';' (no ';' is needed after a block)"]);
  });

  it("marks the last expression of a block as its result", () => {
    expect(tree("def f() { g(); h() }")).toBe("(program (def f () (block (stmt (call g)) (call h))))");
    expect(tree("def f() { g(); h(); }")).toBe("(program (def f () (block (stmt (call g)) (stmt (call h)))))");
  });

  it("makes an if right before '}' the block's result", () => {
    expect(tree("def f() { if c { 1 } else { 2 } }")).toBe("(program (def f () (block (if c (block 1) (block 2)))))");
    expect(tree("def f() { if c { 1 } else { 2 }; }")).toBe("(program (def f () (block (stmt (if c (block 1) (block 2))))))");
  });

  it("lets a program end with an expression without ';' (its result)", () => {
    const { program } = parseProgram("let x = 1;\nprint(x)", "t.myx");
    expect(program?.items).toHaveLength(1);
    expect(program?.result?.kind).toBe("Call");
    expect(tree("1 + 2")).toBe("(program (+ 1 2))");
    expect(tree("if c { 1 } else { 2 }")).toBe("(program (if c (block 1) (block 2)))");
  });

  it("requires ';' between expression statements", () => {
    expect(errors("print(1) print(2)")).toEqual(["1:10 expected ';' after the expression, found 'print'"]);
  });

  it("requires ';' after assignments, even before '}'", () => {
    expect(errors("def f() { x = 1 }")).toEqual(["1:17 expected ';' after the expression, found '}'"]);
  });
});

describe("lambda bodies: block or record", () => {
  it("reads `{ NAME :` as a record and anything else as a block", () => {
    expect(expr("|x| { x }")).toBe("(lambda (x) (block x))");
    expect(expr("|x| { a: x, b: 2 }")).toBe("(lambda (x) (record (a x) (b 2)))");
    expect(expr("|x| { f(x); }")).toBe("(lambda (x) (block (stmt (call f x))))");
  });

  it("reads a '{' that starts an expression as a record", () => {
    expect(tree("{a: 1};")).toBe("(program (stmt (record (a 1))))");
  });
});

describe("the AST", () => {
  it("gives every node a span covering its source", () => {
    const source = "let y = f(a, b) * -c;";
    const { program } = parseProgram(source, "t.myx");
    const stmt = program!.items[0]!;
    expect(stmt.span).toMatchObject({ file: "t.myx", line: 1, col: 1, start: 0, end: source.length });
    if (stmt.kind !== "Let" || stmt.value.kind !== "Binary") throw new Error("unexpected shape");
    const text = (s: { start: number; end: number }) => source.slice(s.start, s.end);
    expect(text(stmt.value.span)).toBe("f(a, b) * -c");
    expect(text(stmt.value.opSpan)).toBe("*");
    expect(stmt.value.opSpan).toMatchObject({ line: 1, col: 17 });
    expect(text(stmt.value.left.span)).toBe("f(a, b)");
    expect(text(stmt.value.right.span)).toBe("-c");
    expect(text(stmt.pattern.span)).toBe("y");
  });

  it("spans if/else chains, lambdas, indexing and fields", () => {
    const source = "z = |x| if x { a[1:2].b } else if y { 2 } else { 3 };";
    const { program } = parseProgram(source, "t.myx");
    const stmt = program!.items[0]!;
    if (stmt.kind !== "Assign" || stmt.value.kind !== "Lambda" || stmt.value.body.kind !== "If") throw new Error("shape");
    const text = (s: { start: number; end: number }) => source.slice(s.start, s.end);
    expect(text(stmt.value.span)).toBe("|x| if x { a[1:2].b } else if y { 2 } else { 3 }");
    expect(text(stmt.value.body.else!.span)).toBe("if y { 2 } else { 3 }");
    const field = stmt.value.body.then.result!;
    expect(text(field.span)).toBe("a[1:2].b");
    if (field.kind !== "Field" || field.target.kind !== "Index") throw new Error("shape");
    expect(text(field.target.span)).toBe("a[1:2]");
    expect(text((field.target.indices[0] as { span: { start: number; end: number } }).span)).toBe("1:2");
  });

  it("spans the whole program and reports positions on later lines", () => {
    const source = "let a = 1;\n  let b = a;\n";
    const { program } = parseProgram(source, "t.myx");
    expect(program!.span).toMatchObject({ start: 0, end: source.length, line: 1, col: 1 });
    expect(program!.items[1]!.span).toMatchObject({ line: 2, col: 3 });
  });

  it("decodes string escapes into the node", () => {
    const { program } = parseProgram(String.raw`print("a\"b\n");`, "t.myx");
    const call = program!.items[0]!;
    if (call.kind !== "ExprStmt" || call.expr.kind !== "Call") throw new Error("shape");
    expect(call.expr.args[0]).toMatchObject({ kind: "String", value: 'a"b\n' });
  });

  it("accepts an empty program", () => {
    expect(tree("")).toBe("(program)");
    expect(tree("# nothing\n")).toBe("(program)");
  });
});
