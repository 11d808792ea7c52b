// Statements. `let` binds a node, `var` starts an SSA chain in the cursor and `x = e` extends it;
// everything with an effect is kept in the cursor so the block runs it in order.
import type { AssignStmt, Block, Pattern, Stmt } from "../../lang/ast.js";
import { constant, type Node } from "../graph.js";
import { globalSet } from "../../prims/program.js";
import { destructure, tupleGet } from "../../prims/structural.js";
import { type Cursor, Scope, unitNode, type VarRef } from "./context.js";
import { lowerFor, lowerWhile } from "./control.js";
import { lowerExpr, topVarMessage } from "./expr.js";
import { lowerLambda, lowerNestedDef } from "./functions.js";
import type { Lowering } from "./lowering.js";

/** Lowers a block's statements in a new scope; returns its value (the trailing expression, or `()`). */
export function lowerBlock(lw: Lowering, c: Cursor, s: Scope, block: Block): Node {
  const inner = new Scope(s);
  for (const st of block.stmts) lowerStmt(lw, c, inner, st, null);
  return block.result === null ? unitNode(block.span) : c.keep(lowerExpr(lw, c, inner, block.result));
}

/**
 * At the top level of a program, `publish` is called with each name a `let` or `var` binds, so the
 * program can hand it to the functions (or the later REPL inputs) that read it as a global.
 */
export type Publish = ((name: string, node: Node, kind: "let" | "var") => void) | null;

export function lowerStmt(lw: Lowering, c: Cursor, s: Scope, st: Stmt, publish: Publish): void {
  switch (st.kind) {
    case "Def":
      return lowerNestedDef(lw, c, s, st);
    case "Let": {
      const p = st.pattern;
      const value =
        p.kind === "NamePattern" && st.value.kind === "Lambda"
          ? lowerLambda(lw, c, s, st.value, p.name.name)
          : c.keep(lowerExpr(lw, c, s, st.value));
      return bindPattern(lw, c, s, p, value, publish);
    }
    case "Var": {
      const value = c.keep(lowerExpr(lw, c, s, st.value));
      const ref: VarRef = { name: st.name.name, fn: c.fn, loc: st.name.span };
      s.define(st.name.name, { kind: "var", ref });
      c.vars.set(ref, value);
      publish?.(st.name.name, value, "var");
      return;
    }
    case "Assign":
      return lowerAssign(lw, c, s, st);
    case "While":
      return lowerWhile(lw, c, s, st);
    case "For":
      return lowerFor(lw, c, s, st);
    case "ExprStmt":
      c.keep(lowerExpr(lw, c, s, st.expr));
      return;
  }
}

function bindPattern(lw: Lowering, c: Cursor, s: Scope, p: Pattern, value: Node, publish: Publish): void {
  if (p.kind === "NamePattern") {
    s.define(p.name.name, { kind: "let", node: value, what: "let" });
    publish?.(p.name.name, value, "let");
    return;
  }
  const whole = c.keep(c.prim(destructure, [value, constant(p.items.length)], p.span));
  p.items.forEach((item, i) => {
    bindPattern(lw, c, s, item, c.prim(tupleGet, [whole, constant(i)], item.span), publish);
  });
}

function lowerAssign(lw: Lowering, c: Cursor, s: Scope, st: AssignStmt): void {
  const name = st.name.name;
  const b = s.lookup(name);
  const value = c.keep(lowerExpr(lw, c, s, st.value));
  if (b === undefined) return lw.diags.error(st.name.span, `undefined name '${name}'`);
  switch (b.kind) {
    case "var":
      if (b.ref.fn !== c.fn) {
        return lw.diags.error(
          st.name.span,
          `cannot assign to '${name}' inside '${c.fn.name}': it is a var of the enclosing function '${b.ref.fn.name}', and closures capture values`,
        );
      }
      c.vars.set(b.ref, value);
      return;
    case "global":
      if (!b.assignable) return lw.diags.error(st.name.span, `cannot assign to '${name}': it is a let binding (declare it with var to reassign it)`);
      if (c.fn.kind === "main") {
        c.keep(c.prim(globalSet, [constant(name, st.name.span), value], st.name.span));
        return;
      }
      return lw.diags.error(st.name.span, `cannot assign to the top-level var '${name}' inside '${c.fn.name}'`);
    case "topvar":
      return lw.diags.error(st.name.span, topVarMessage(c.fn, b));
    case "let":
      return lw.diags.error(st.name.span, `cannot assign to '${name}': it is a ${b.what}${b.what === "let" ? " binding (declare it with var to reassign it)" : ""}`);
    case "def":
      return lw.diags.error(st.name.span, `cannot assign to '${name}': it is a function`);
    case "builtin":
      return lw.diags.error(st.name.span, `cannot assign to '${name}': it is a builtin function`);
  }
}
