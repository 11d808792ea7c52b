// Expressions to nodes. Operators become primitive applications; names resolve through the
// lexical scopes of context.ts; control flow and functions are delegated to their own files.
import type { CallExpr, Expr, IndexItem, NameExpr } from "../../lang/ast.js";
import { constant, type Node } from "../graph.js";
import { makeArray } from "../../prims/construct.js";
import { binaryOps, unaryOps } from "../../prims/builtins.js";
import { globalGet } from "../../prims/program.js";
import { index, makeRecord, makeSlice, makeTuple, recordGet } from "../../prims/structural.js";
import { UNIT } from "../../runtime/values.js";
import { type Binding, type Cursor, type FnInfo, type Scope, unitNode } from "./context.js";
import { lowerAndOr, lowerIf } from "./control.js";
import { lowerLambda } from "./functions.js";
import type { Lowering } from "./lowering.js";

export function lowerExpr(lw: Lowering, c: Cursor, s: Scope, e: Expr): Node {
  switch (e.kind) {
    case "Number":
    case "String":
    case "Bool":
      return constant(e.value, e.span);
    case "Unit":
      return constant(UNIT, e.span);
    case "Paren":
      return lowerExpr(lw, c, s, e.expr);
    case "Name":
      return readName(lw, c, s, e);
    case "Tuple":
      return c.prim(makeTuple, e.items.map((x) => lowerExpr(lw, c, s, x)), e.span);
    case "Array":
      return c.prim(makeArray, e.items.map((x) => lowerExpr(lw, c, s, x)), e.span);
    case "Record": {
      const keys = constant(e.fields.map((f) => f.name.name), e.span);
      return c.prim(makeRecord, [keys, ...e.fields.map((f) => lowerExpr(lw, c, s, f.value))], e.span);
    }
    case "Lambda":
      return lowerLambda(lw, c, s, e, "lambda");
    case "If":
      return lowerIf(lw, c, s, e);
    case "Binary": {
      if (e.op === "and" || e.op === "or") return lowerAndOr(lw, c, s, e);
      const left = lowerExpr(lw, c, s, e.left);
      const right = lowerExpr(lw, c, s, e.right);
      return c.prim(binaryOps[e.op], [left, right], e.opSpan);
    }
    case "Unary":
      return c.prim(unaryOps[e.op], [lowerExpr(lw, c, s, e.operand)], e.span);
    case "Call":
      return lowerCall(lw, c, s, e);
    case "Index": {
      const target = lowerExpr(lw, c, s, e.target);
      const items = e.indices.map((it) => lowerIndexItem(lw, c, s, it));
      return c.prim(index, [target, ...items], e.span);
    }
    case "Field":
      return c.prim(recordGet, [lowerExpr(lw, c, s, e.target), constant(e.field.name, e.field.span)], e.field.span);
  }
}

function lowerIndexItem(lw: Lowering, c: Cursor, s: Scope, it: IndexItem): Node {
  if (it.kind === "At") return lowerExpr(lw, c, s, it.expr);
  const bound = (b: Expr | null): Node => (b === null ? unitNode(it.span) : lowerExpr(lw, c, s, b));
  return c.prim(makeSlice, [bound(it.lo), bound(it.hi)], it.span);
}

function lowerCall(lw: Lowering, c: Cursor, s: Scope, e: CallExpr): Node {
  if (e.callee.kind === "Name") {
    const b = s.lookup(e.callee.name);
    if (b?.kind === "def" && b.arity !== e.args.length) {
      const plural = b.arity === 1 ? "argument" : "arguments";
      lw.diags.error(e.span, `${e.callee.name} takes ${b.arity} ${plural}, but ${e.args.length} were given`);
    }
  }
  const callee = lowerExpr(lw, c, s, e.callee);
  return c.call(callee, e.args.map((a) => lowerExpr(lw, c, s, a)), e.span);
}

export function readName(lw: Lowering, c: Cursor, s: Scope, e: NameExpr): Node {
  const b = s.lookup(e.name);
  if (b === undefined) {
    lw.diags.error(e.span, `undefined name '${e.name}'`);
    return unitNode(e.span);
  }
  switch (b.kind) {
    case "let":
      return b.node;
    case "var": {
      const v = c.vars.get(b.ref);
      if (v === undefined) throw new Error(`internal: var ${e.name} has no value in ${c.graph.name}`);
      return v;
    }
    case "def":
      return constant(b.graph, e.span);
    case "builtin":
      return constant(b.prim, e.span);
    case "global":
      lw.usedGlobals.add(e.name);
      return c.prim(globalGet, [constant(e.name, e.span)], e.span);
    case "topvar":
      lw.diags.error(e.span, topVarMessage(c.fn, b));
      return unitNode(e.span);
  }
}

export function topVarMessage(fn: FnInfo, b: Binding & { kind: "topvar" }): string {
  return b.why === "def"
    ? `function '${fn.name}' cannot use the top-level var '${b.name}': pass it as an argument, or declare it with let`
    : `'${b.name}' is used before its var declaration`;
}
