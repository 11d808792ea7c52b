// Control flow in a graph IR: `if` is `switch(c, then, else)()` over two nullary branch graphs,
// so only the taken branch runs; `while`/`for` are tail-recursive loop graphs whose parameters are
// the vars the loop assigns. Vars a branch or loop assigns flow out through its result (SSA).
import type { BinaryExpr, Block, Expr, ForStmt, IfExpr, Span, Stmt, WhileStmt } from "../../lang/ast.js";
import { addParameter, constant, newGraph, type Graph, type Node } from "../graph.js";
import { add, lt } from "../../prims/scalar.js";
import { makeTuple, switchPrim, tupleGet } from "../../prims/structural.js";
import { type Cursor, Scope, type VarRef, unitNode } from "./context.js";
import { lowerExpr } from "./expr.js";
import type { Lowering } from "./lowering.js";
import { lowerBlock } from "./stmt.js";

/** Makes the two branches, calls the chosen one, and brings assigned vars back into `c`. */
function branch(
  c: Cursor,
  cond: Node,
  kind: string,
  loc: Span,
  fill: (side: Cursor, which: 0 | 1) => Node,
): Node {
  const sides = ([0, 1] as const).map((which) => {
    const g = newGraph(`${c.fn.name}/${which === 0 ? kind : "else"}`, loc, { branch: true });
    const side = c.sub(g);
    return { side, value: fill(side, which) };
  });
  const changed = [...c.vars.keys()].filter((v) => sides.some(({ side }) => side.vars.get(v) !== c.vars.get(v)));
  for (const { side, value } of sides) {
    const out = changed.length === 0 ? value : side.prim(makeTuple, [value, ...changed.map((v) => side.vars.get(v)!)], loc);
    side.finish(out);
  }
  const chosen = c.prim(switchPrim, [cond, constant(sides[0]!.side.graph, loc), constant(sides[1]!.side.graph, loc)], loc);
  const result = c.call(chosen, [], loc);
  if (changed.length === 0) return result;
  // The vars it assigns come out of the call: it must run even if its value is unused.
  c.keep(result);
  changed.forEach((v, i) => c.vars.set(v, c.prim(tupleGet, [result, constant(i + 1)], loc)));
  return c.prim(tupleGet, [result, constant(0)], loc);
}

export function lowerIf(lw: Lowering, c: Cursor, s: Scope, e: IfExpr): Node {
  const cond = lowerExpr(lw, c, s, e.cond);
  return branch(c, cond, "then", e.span, (side, which) => {
    if (which === 0) return lowerBlock(lw, side, new Scope(s), e.then);
    if (e.else === null) return unitNode(e.span);
    if (e.else.kind === "Block") return lowerBlock(lw, side, new Scope(s), e.else);
    return side.keep(lowerIf(lw, side, s, e.else));
  });
}

/** `a and b` is `if a { b } else { false }`; `a or b` is `if a { true } else { b }`. */
export function lowerAndOr(lw: Lowering, c: Cursor, s: Scope, e: BinaryExpr): Node {
  const left = lowerExpr(lw, c, s, e.left);
  const shortCut = constant(e.op === "or", e.opSpan);
  return branch(c, left, e.op, e.span, (side, which) => {
    const evaluatesRight = (which === 0) === (e.op === "and");
    return evaluatesRight ? side.keep(lowerExpr(lw, side, s, e.right)) : shortCut;
  });
}

/** The vars of `c`'s function that a loop body may assign (by name; a shadowing inner var only costs a parameter). */
function carriedVars(c: Cursor, s: Scope, body: Block): VarRef[] {
  const names = new Set<string>();
  collectAssignedInBlock(body, names);
  const refs: VarRef[] = [];
  for (const name of names) {
    const b = s.lookup(name);
    if (b?.kind === "var" && b.ref.fn === c.fn && !refs.includes(b.ref)) refs.push(b.ref);
  }
  return refs;
}

function collectAssigned(stmts: readonly Stmt[], into: Set<string>): void {
  for (const st of stmts) {
    switch (st.kind) {
      case "Assign":
        into.add(st.name.name);
        collectAssignedInExpr(st.value, into);
        break;
      case "Let":
      case "Var":
        collectAssignedInExpr(st.value, into);
        break;
      case "ExprStmt":
        collectAssignedInExpr(st.expr, into);
        break;
      case "While":
        collectAssignedInExpr(st.cond, into);
        collectAssignedInBlock(st.body, into);
        break;
      case "For":
        collectAssignedInBlock(st.body, into);
        break;
      case "Def":
        break; // a new function: assigning an outer var there is an error of its own
    }
  }
}

function collectAssignedInBlock(b: Block, into: Set<string>): void {
  collectAssigned(b.stmts, into);
  if (b.result) collectAssignedInExpr(b.result, into);
}

/** Assignments hide in the blocks of `if` expressions; lambda bodies are new functions and are skipped. */
function collectAssignedInExpr(e: Expr, into: Set<string>): void {
  const block = (b: Block): void => collectAssignedInBlock(b, into);
  switch (e.kind) {
    case "If":
      collectAssignedInExpr(e.cond, into);
      block(e.then);
      if (e.else?.kind === "Block") block(e.else);
      else if (e.else) collectAssignedInExpr(e.else, into);
      return;
    case "Paren":
      return collectAssignedInExpr(e.expr, into);
    case "Binary":
      collectAssignedInExpr(e.left, into);
      return collectAssignedInExpr(e.right, into);
    case "Unary":
      return collectAssignedInExpr(e.operand, into);
    case "Call":
      collectAssignedInExpr(e.callee, into);
      return e.args.forEach((a) => collectAssignedInExpr(a, into));
    case "Tuple":
    case "Array":
      return e.items.forEach((a) => collectAssignedInExpr(a, into));
    case "Record":
      return e.fields.forEach((f) => collectAssignedInExpr(f.value, into));
    case "Index":
      collectAssignedInExpr(e.target, into);
      return e.indices.forEach((i) => {
        if (i.kind === "At") collectAssignedInExpr(i.expr, into);
      });
    case "Field":
      return collectAssignedInExpr(e.target, into);
    default:
      return;
  }
}

interface LoopShape {
  readonly kind: "while" | "for";
  readonly loc: Span;
  readonly body: Block;
  /** Extra leading parameters (the `for` counter) and how the loop starts and steps them. */
  readonly counter: { name: string; loc: Span; start: Node; end: Node } | null;
  readonly cond: ((lc: Cursor, ls: Scope) => Node) | null;
}

function lowerLoop(lw: Lowering, c: Cursor, s: Scope, shape: LoopShape): void {
  const carried = carriedVars(c, s, shape.body);
  const loop: Graph = newGraph(`${c.fn.name}/${shape.kind}`, shape.loc, { loop: true });
  const lc = c.sub(loop);
  const ls = new Scope(s);
  let counter: Node | null = null;
  if (shape.counter) {
    counter = addParameter(loop, shape.counter.name, shape.counter.loc);
    ls.define(shape.counter.name, { kind: "let", node: counter, what: "loop variable" });
  }
  for (const v of carried) lc.vars.set(v, addParameter(loop, v.name, v.loc));
  const cond =
    shape.cond !== null ? shape.cond(lc, ls) : lc.prim(lt, [counter!, shape.counter!.end], shape.loc);
  const exitValue = (side: Cursor): Node =>
    carried.length === 0 ? unitNode(shape.loc) : carried.length === 1 ? side.vars.get(carried[0]!)! : side.prim(makeTuple, carried.map((v) => side.vars.get(v)!), shape.loc);

  const body = newGraph(`${c.fn.name}/${shape.kind}-body`, shape.body.span, { branch: true });
  const bc = lc.sub(body);
  bc.keep(lowerBlock(lw, bc, new Scope(ls), shape.body));
  const next = carried.map((v) => bc.vars.get(v)!);
  const step = counter === null ? [] : [bc.prim(add, [counter, constant(1)], shape.loc)];
  bc.finish(bc.call(constant(loop, shape.loc), [...step, ...next], shape.loc));

  const exit = newGraph(`${c.fn.name}/${shape.kind}-exit`, shape.loc, { branch: true });
  const ec = lc.sub(exit);
  ec.finish(exitValue(ec));

  const chosen = lc.prim(switchPrim, [cond, constant(body, shape.loc), constant(exit, shape.loc)], shape.loc);
  lc.finish(lc.call(chosen, [], shape.loc));

  const start = counter === null ? [] : [shape.counter!.start];
  const result = c.keep(c.call(constant(loop, shape.loc), [...start, ...carried.map((v) => c.vars.get(v)!)], shape.loc));
  if (carried.length === 1) c.vars.set(carried[0]!, result);
  else carried.forEach((v, i) => c.vars.set(v, c.prim(tupleGet, [result, constant(i)], shape.loc)));
}

export function lowerWhile(lw: Lowering, c: Cursor, s: Scope, st: WhileStmt): void {
  lowerLoop(lw, c, s, {
    kind: "while",
    loc: st.span,
    body: st.body,
    counter: null,
    cond: (lc, ls) => lowerExpr(lw, lc, ls, st.cond),
  });
}

export function lowerFor(lw: Lowering, c: Cursor, s: Scope, st: ForStmt): void {
  const start = c.keep(lowerExpr(lw, c, s, st.from));
  const end = c.keep(lowerExpr(lw, c, s, st.to));
  lowerLoop(lw, c, s, { kind: "for", loc: st.span, body: st.body, counter: { name: st.name.name, loc: st.name.span, start, end }, cond: null });
}
