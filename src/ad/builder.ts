// The Builder rules are written against (prims/primitive.ts): each call adds an apply to the
// graph being made. Numbers become constants; `b.mul(…)` and the other names of OP_NAMES apply
// the primitive of that name. A J graph of a primitive is built once per session, so a builder is
// made often: the named operations are methods shared by every builder, not closures made per one.
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

const node = (a: Arg): Node => (typeof a === "number" ? constant(a) : a);

class GraphBuilder {
  constructor(
    private readonly graph: Graph,
    /** The primitive that brings a value into the transformed world. */
    private readonly into: Primitive,
  ) {}

  prim(p: Primitive, ...args: Arg[]): Node {
    return applyPrim(this.graph, p, args.map(node), null);
  }

  constant(v: Value): Node {
    return constant(v);
  }

  apply(f: Node, ...args: Arg[]): Node {
    return apply(this.graph, [f, ...args.map(node)], null);
  }

  cond(c: Node, yes: (b: Builder) => Node, no: (b: Builder) => Node): Node {
    const arm = (name: string, body: (b: Builder) => Node): Node => {
      const g = newGraph(name, null, { branch: true });
      g.output = body(builder(g, this.into));
      return constant(g);
    };
    const chosen = applyPrim(this.graph, switchPrim, [c, arm(`${this.graph.name}/then`, yes), arm(`${this.graph.name}/else`, no)], null);
    return apply(this.graph, [chosen], null);
  }

  transformed(v: Node): Node {
    return this.prim(this.into, v);
  }
}

// The named operations, on the prototype every builder shares.
interface GraphBuilder extends Readonly<Record<OpName, (...args: Arg[]) => Node>> {}
for (const name of OP_NAMES) {
  Object.defineProperty(GraphBuilder.prototype, name, {
    value(this: GraphBuilder, ...args: Arg[]): Node {
      return this.prim(named(name), ...args);
    },
  });
}

/** A builder of applies in `graph`; `transformed` is the primitive that brings a value into the transformed world. */
export function builder(graph: Graph, transformed: Primitive): Builder {
  return new GraphBuilder(graph, transformed);
}
