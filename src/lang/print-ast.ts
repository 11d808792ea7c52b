// A compact, fully parenthesized rendering of the AST, so a test can state a tree in one line:
// `1 + 2 * 3` is `(+ 1 (* 2 3))`. Statements are `(let ...)`, `(stmt e)` for `e;`, and so on;
// in a block or program, a bare expression at the end is the result value.
import type { Block, Expr, IndexItem, Pattern, Program, Stmt } from "./ast.js";

export function printProgram(program: Program): string {
  return list("program", ...program.items.map(printStmt), ...(program.result ? [printExpr(program.result)] : []));
}

export function printStmt(stmt: Stmt): string {
  switch (stmt.kind) {
    case "Def":
      return list("def", stmt.name.name, names(stmt.params.map((p) => p.name)), printBody(stmt.body));
    case "Let":
      return list("let", printPattern(stmt.pattern), printExpr(stmt.value));
    case "Var":
      return list("var", stmt.name.name, printExpr(stmt.value));
    case "Assign":
      return list("=", stmt.name.name, printExpr(stmt.value));
    case "While":
      return list("while", printExpr(stmt.cond), printBlock(stmt.body));
    case "For":
      return list("for", stmt.name.name, printExpr(stmt.from), printExpr(stmt.to), printBlock(stmt.body));
    case "ExprStmt":
      return list("stmt", printExpr(stmt.expr));
  }
}

export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case "Number":
      return String(expr.value);
    case "String":
      return JSON.stringify(expr.value);
    case "Bool":
      return String(expr.value);
    case "Unit":
      return "()";
    case "Name":
      return expr.name;
    case "Tuple":
      return list("tuple", ...expr.items.map(printExpr));
    case "Array":
      return list("array", ...expr.items.map(printExpr));
    case "Record":
      return list("record", ...expr.fields.map((f) => list(f.name.name, printExpr(f.value))));
    case "Lambda":
      return list("lambda", names(expr.params.map((p) => p.name)), printBody(expr.body));
    case "If":
      return list("if", printExpr(expr.cond), printBlock(expr.then), ...(expr.else ? [printBody(expr.else)] : []));
    case "Binary":
      return list(expr.op, printExpr(expr.left), printExpr(expr.right));
    case "Unary":
      return list(expr.op, printExpr(expr.operand));
    case "Call":
      return list("call", printExpr(expr.callee), ...expr.args.map(printExpr));
    case "Index":
      return list("index", printExpr(expr.target), ...expr.indices.map(printIndexItem));
    case "Field":
      return list("field", printExpr(expr.target), expr.field.name);
    case "Paren":
      return list("paren", printExpr(expr.expr));
  }
}

function printBody(body: Expr | Block): string {
  return body.kind === "Block" ? printBlock(body) : printExpr(body);
}

function printBlock(block: Block): string {
  return list("block", ...block.stmts.map(printStmt), ...(block.result ? [printExpr(block.result)] : []));
}

function printPattern(pattern: Pattern): string {
  return pattern.kind === "NamePattern" ? pattern.name.name : list("tuple", ...pattern.items.map(printPattern));
}

function printIndexItem(item: IndexItem): string {
  if (item.kind === "At") return printExpr(item.expr);
  return list("slice", item.lo ? printExpr(item.lo) : "_", item.hi ? printExpr(item.hi) : "_");
}

function names(ns: string[]): string {
  return `(${ns.join(" ")})`;
}

function list(head: string, ...rest: string[]): string {
  return `(${[head, ...rest].join(" ")})`;
}
