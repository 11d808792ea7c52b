// The Builder rules are written against (prims/primitive.ts): each call adds an apply to the
// graph being made. Numbers become constants; `b.mul(…)` and the other names of OP_NAMES apply
// the primitive of that name.
import { apply, applyPrim, constant, newGraph, type Graph, type Node } from "../ir/graph.js";
import { basePrimitives } from "../prims/builtins.js";
import { OP_NAMES, type Arg, type Builder, type OpName, type Primitive } from "../prims/primitive.js";
import { switchPrim } from "../prims/structural.js";
import type { Value } from "../runtime/values.js";

const byName = new Map(basePrimitives.map((p) => [p.name, p]));

function named(name: OpName): Primitive {
  const p = byName.get(name);
  if (p === undefined) throw new Error(`internal: no primitive named ${name}`);
  return p;
}

/** A builder of applies in `graph`; `transformed` is the primitive that brings a value into the transformed world. */
export function builder(graph: Graph, transformed: Primitive): Builder {
  const node = (a: Arg): Node => (typeof a === "number" ? constant(a) : a);
  const call = (p: Primitive, args: readonly Arg[]): Node => applyPrim(graph, p, args.map(node), null);
  const arm = (name: string, body: (b: Builder) => Node): Node => {
    const g = newGraph(name, null, { branch: true });
    g.output = body(builder(g, transformed));
    return constant(g);
  };
  const ops = Object.fromEntries(OP_NAMES.map((name) => [name, (...args: Arg[]) => call(named(name), args)])) as Record<OpName, (...args: Arg[]) => Node>;
  return Object.assign((p: Primitive, ...args: Arg[]) => call(p, args), ops, {
    constant: (v: Value) => constant(v),
    apply: (f: Node, ...args: Arg[]) => apply(graph, [f, ...args.map(node)], null),
    cond: (c: Node, yes: (b: Builder) => Node, no: (b: Builder) => Node) =>
      apply(graph, [applyPrim(graph, switchPrim, [c, arm(`${graph.name}/then`, yes), arm(`${graph.name}/else`, no)], null)], null),
    transformed: (v: Node) => call(transformed, [v]),
  });
}
