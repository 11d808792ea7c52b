// The state of lowering: what each name means (bindings in lexical scopes), which function owns
// each `var`, and the cursor — the graph being filled, the current SSA value of every var, and
// the effects whose order the block must keep.
import type { Span } from "../../lang/ast.js";
import { diagnosticAt, type Diagnostic } from "../../lang/diagnostics.js";
import { apply, applyPrim, constant, type Graph, type Node } from "../graph.js";
import type { Primitive } from "../../prims/primitive.js";
import { seq } from "../../prims/structural.js";
import { isPure } from "../purity.js";
import { UNIT } from "../../runtime/values.js";

/** The function (def, lambda or the top-level program) a var belongs to; branch and loop graphs are part of it. */
export interface FnInfo {
  readonly name: string;
  /** `main` is the top-level program; a top-level def may not read its vars (SPEC §3). */
  readonly kind: "main" | "top-def" | "nested";
}

/** A `var`: its current value lives in the cursor, since every assignment makes a new SSA node. */
export interface VarRef {
  readonly name: string;
  readonly fn: FnInfo;
  readonly loc: Span;
}

export type Binding =
  | { readonly kind: "let"; readonly node: Node; readonly what: "let" | "parameter" | "loop variable" }
  | { readonly kind: "var"; readonly ref: VarRef }
  | { readonly kind: "def"; readonly graph: Graph; readonly arity: number }
  | { readonly kind: "builtin"; readonly prim: Primitive }
  /** A top-level let (or a REPL input's let or var) read through the host's globals. */
  | { readonly kind: "global"; readonly name: string; readonly assignable: boolean }
  /**
   * A top-level var where it cannot be read: from inside a top-level def (SPEC §3), or in the
   * program before its declaration.
   */
  | { readonly kind: "topvar"; readonly name: string; readonly why: "def" | "early" };

export class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(readonly parent: Scope | null) {}

  define(name: string, b: Binding): void {
    this.names.set(name, b);
  }

  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const b = s.names.get(name);
      if (b !== undefined) return b;
    }
    return undefined;
  }
}

export class Cursor {
  readonly effects: Node[] = [];
  constructor(
    readonly graph: Graph,
    readonly fn: FnInfo,
    readonly vars: Map<VarRef, Node>,
  ) {}

  /** A cursor for a graph that runs within the same function (a branch or loop body). */
  sub(graph: Graph): Cursor {
    return new Cursor(graph, this.fn, new Map(this.vars));
  }

  /** Records `n` as something that must run here, in order, even if nothing uses its value. */
  keep(n: Node): Node {
    if (n.kind === "apply" && n.graph === this.graph && !isPure(n) && !this.effects.includes(n)) {
      this.effects.push(n);
    }
    return n;
  }

  prim(p: Primitive, args: Node[], loc: Span | null): Node {
    return applyPrim(this.graph, p, args, loc);
  }

  call(callee: Node, args: Node[], loc: Span | null): Node {
    return apply(this.graph, [callee, ...args], loc);
  }

  /** Closes the graph: its output is `value` after every kept effect, in order. */
  finish(value: Node): void {
    const before = this.effects.filter((e) => e !== value);
    this.graph.output = before.length === 0 ? value : applyPrim(this.graph, seq, [...before, value], null);
  }
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  error(span: Span | null, message: string): void {
    this.list.push(diagnosticAt(span, message));
  }
}

export const unitNode = (loc: Span | null = null): Node => constant(UNIT, loc);
