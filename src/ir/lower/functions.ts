// Defs and lambdas become graphs. A nested function's body refers to the enclosing function's
// nodes directly; those references are what make it a closure. Vars of the enclosing function
// are seen with the value they have where the function is written (closures capture values).
import type { Block, DefStmt, Expr, Ident, LambdaExpr } from "../../lang/ast.js";
import { addParameter, constant, newGraph, type Graph, type Node } from "../graph.js";
import { Cursor, type FnInfo, Scope, type VarRef } from "./context.js";
import { lowerExpr } from "./expr.js";
import type { Lowering } from "./lowering.js";
import { lowerBlock } from "./stmt.js";

export interface FunctionSource {
  readonly name: string;
  readonly params: readonly Ident[];
  readonly body: Expr | Block;
}

/** Fills `graph` with the function's parameters and body. */
export function lowerFunctionInto(
  lw: Lowering,
  graph: Graph,
  fn: FunctionSource,
  enclosing: Scope,
  outerVars: ReadonlyMap<VarRef, Node>,
  kind: FnInfo["kind"],
): void {
  const info: FnInfo = { name: fn.name, kind };
  const c = new Cursor(graph, info, new Map(outerVars));
  const s = new Scope(enclosing);
  for (const p of fn.params) {
    s.define(p.name, { kind: "let", node: addParameter(graph, p.name, p.span), what: "parameter" });
  }
  const value = fn.body.kind === "Block" ? lowerBlock(lw, c, s, fn.body) : c.keep(lowerExpr(lw, c, s, fn.body));
  c.finish(value);
}

export function lowerLambda(lw: Lowering, c: Cursor, s: Scope, e: LambdaExpr, name: string): Node {
  const g = newGraph(name, e.span);
  lowerFunctionInto(lw, g, { name, params: e.params, body: e.body }, s, c.vars, "nested");
  return constant(g, e.span);
}

/** A def inside a block: visible in its own body (recursion) and to the statements after it. */
export function lowerNestedDef(lw: Lowering, c: Cursor, s: Scope, d: DefStmt): void {
  const g = newGraph(d.name.name, d.span);
  s.define(d.name.name, { kind: "def", graph: g, arity: d.params.length });
  lowerFunctionInto(lw, g, { name: d.name.name, params: d.params, body: d.body }, s, c.vars, "nested");
}
