// A program becomes a Module: one graph per top-level def (hoisted, so they may be mutually
// recursive) and `main` for the top-level statements. Top-level lets that functions read are
// globals: a def may run before the let it reads, and SPEC §3 makes that a runtime error rather
// than a capture. In the REPL every top-level binding is a global, so later inputs see it.
import type { Pattern, Program } from "../../lang/ast.js";
import type { Diagnostic } from "../../lang/diagnostics.js";
import { constant, newGraph, type Graph } from "../graph.js";
import type { Module } from "../module.js";
import type { Primitive } from "../../prims/primitive.js";
import { builtins } from "../../prims/builtins.js";
import { globalSet } from "../../prims/program.js";
import { Cursor, Diagnostics, Scope, unitNode } from "./context.js";
import { lowerExpr } from "./expr.js";
import { lowerFunctionInto } from "./functions.js";
import type { Lowering } from "./lowering.js";
import { lowerStmt, type Publish } from "./stmt.js";

/** What earlier REPL inputs defined. */
export interface TopScope {
  readonly defs: ReadonlyMap<string, Graph>;
  readonly globals: ReadonlyMap<string, "let" | "var">;
}

export const emptyTopScope: TopScope = { defs: new Map(), globals: new Map() };

export interface LowerOptions {
  readonly repl?: boolean;
  readonly scope?: TopScope;
  /** Builtins of later stages (differentiation), added to the ones of the IR. */
  readonly builtins?: ReadonlyMap<string, Primitive>;
}

export interface LowerResult {
  readonly module: Module | null;
  readonly diagnostics: Diagnostic[];
  /** The scope for the next REPL input: the old one plus what this program defined. */
  readonly scope: TopScope;
}

function patternNames(p: Pattern, into: { name: string; span: Pattern["span"] }[]): void {
  if (p.kind === "NamePattern") into.push({ name: p.name.name, span: p.name.span });
  else p.items.forEach((q) => patternNames(q, into));
}

export function lowerProgram(program: Program, options: LowerOptions = {}): LowerResult {
  const previous = options.scope ?? emptyTopScope;
  const lw: Lowering = { diags: new Diagnostics(), usedGlobals: new Set(), repl: options.repl ?? false };

  const builtinScope = new Scope(null);
  for (const [name, prim] of [...builtins, ...(options.builtins ?? [])]) builtinScope.define(name, { kind: "builtin", prim });
  // Top-level defs see defs, builtins and top-level lets (as globals); main sees its own bindings too.
  const defScope = new Scope(builtinScope);
  const mainScope = new Scope(defScope);
  for (const [name, g] of previous.defs) defScope.define(name, { kind: "def", graph: g, arity: g.parameters.length });
  for (const [name, kind] of previous.globals) {
    defScope.define(name, kind === "let" ? { kind: "global", name, assignable: false } : { kind: "topvar", name, why: "def" });
    if (kind === "var") mainScope.define(name, { kind: "global", name, assignable: true });
  }

  const defs = new Map<string, Graph>();
  const letNames = new Set<string>();
  const varNames = new Set<string>();
  for (const item of program.items) {
    if (item.kind === "Def") {
      const name = item.name.name;
      if (defs.has(name)) lw.diags.error(item.name.span, `'${name}' is already defined as a function in this program`);
      const g = newGraph(name, item.span);
      defs.set(name, g);
      defScope.define(name, { kind: "def", graph: g, arity: item.params.length });
    } else if (item.kind === "Let" || item.kind === "Var") {
      const names: { name: string; span: Pattern["span"] }[] = [];
      if (item.kind === "Let") patternNames(item.pattern, names);
      else names.push({ name: item.name.name, span: item.name.span });
      for (const { name } of names) {
        if (item.kind === "Let") {
          letNames.add(name);
          defScope.define(name, { kind: "global", name, assignable: false });
        } else {
          varNames.add(name);
          defScope.define(name, { kind: "topvar", name, why: "def" });
          mainScope.define(name, { kind: "topvar", name, why: "early" });
        }
      }
    }
  }
  for (const item of program.items) {
    const name = item.kind === "Def" ? item.name.name : null;
    if (name !== null && (letNames.has(name) || varNames.has(name))) {
      lw.diags.error(item.span, `'${name}' is defined both as a function and as a top-level binding`);
    }
  }

  for (const item of program.items) {
    if (item.kind !== "Def") continue;
    const g = defs.get(item.name.name)!;
    if (g.output !== null) continue; // a duplicate name, already reported
    lowerFunctionInto(lw, g, { name: item.name.name, params: item.params, body: item.body }, defScope, new Map(), "top-def");
  }

  const main = newGraph("main", program.span);
  const c = new Cursor(main, { name: "main", kind: "main" }, new Map());
  const s = new Scope(mainScope);
  const publish: Publish = (name, node, kind) => {
    if (kind === "let" && (lw.repl || lw.usedGlobals.has(name))) {
      c.keep(c.prim(globalSet, [constant(name), node], null));
    }
  };
  for (const item of program.items) {
    if (item.kind !== "Def") lowerStmt(lw, c, s, item, publish);
  }
  const result = program.result === null ? unitNode(program.span) : c.keep(lowerExpr(lw, c, s, program.result));
  if (lw.repl) {
    for (const name of varNames) {
      const b = s.lookup(name);
      if (b?.kind === "var") c.keep(c.prim(globalSet, [constant(name), c.vars.get(b.ref)!], null));
    }
  }
  c.finish(result);

  const diagnostics = lw.diags.list;
  if (diagnostics.length > 0) return { module: null, diagnostics, scope: previous };
  const globals = new Map(previous.globals);
  for (const n of letNames) globals.set(n, "let");
  for (const n of varNames) globals.set(n, "var");
  return { module: { main, defs }, diagnostics, scope: { defs: new Map([...previous.defs, ...defs]), globals } };
}
