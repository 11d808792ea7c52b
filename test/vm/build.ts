// Small helpers to write IR by hand the way the lowering produces it: functions are graphs, `if`
// is `switch(c, branchA, branchB)()`, loops are tail-recursive graphs.
import { addParameter, apply, applyPrim, constant, newGraph, type Graph, type Node, type Parameter } from "../../src/ir/graph.js";
import type { Primitive } from "../../src/prims/primitive.js";
import * as S from "../../src/prims/scalar.js";
import { switchPrim } from "../../src/prims/structural.js";
import type { Value } from "../../src/runtime/values.js";
import type { Span } from "../../src/lang/ast.js";

export const at = (line: number, col = 1): Span => ({ file: "test.myx", line, col, start: 0, end: 1 });

export const k = (v: Value | Graph): Node => constant(v);

/** A graph with named parameters whose body `body(g, ...params)` builds. */
export function fn(name: string, params: string[], body: (g: Graph, ...ps: Parameter[]) => Node, flags: Graph["flags"] = {}): Graph {
  const g = newGraph(name, at(1), flags);
  const ps = params.map((p) => addParameter(g, p, null));
  g.output = body(g, ...ps);
  return g;
}

export function prim(g: Graph, p: Primitive, ...args: Node[]): Node {
  return applyPrim(g, p, args, null);
}

export function call(g: Graph, f: Node, ...args: Node[]): Node {
  return apply(g, [f, ...args], null);
}

/** `switch(c, yes, no)()` in g: the call of the chosen branch graph. */
export function switchCall(g: Graph, c: Node, yes: Graph, no: Graph, loc: Span | null = null): Node {
  return apply(g, [apply(g, [constant(switchPrim), c, constant(yes), constant(no)], loc)], loc);
}

/** `if c { yes } else { no }` in g, as the lowering writes it. */
export function ifElse(g: Graph, c: Node, yes: (b: Graph) => Node, no: (b: Graph) => Node, loc: Span | null = null): Node {
  return switchCall(g, c, fn(`${g.name}:then`, [], yes, { branch: true }), fn(`${g.name}:else`, [], no, { branch: true }), loc);
}

export const add = (g: Graph, a: Node, b: Node): Node => prim(g, S.add, a, b);
export const sub = (g: Graph, a: Node, b: Node): Node => prim(g, S.sub, a, b);
export const mul = (g: Graph, a: Node, b: Node): Node => prim(g, S.mul, a, b);
export const lt = (g: Graph, a: Node, b: Node): Node => prim(g, S.lt, a, b);
export const eq = (g: Graph, a: Node, b: Node): Node => prim(g, S.eq, a, b);

/** `sum(n)`: `var s = 0; for i in 0..n { s = s + i }; s`, the loop a graph nested in sum. */
export function sumLoop(): Graph {
  return fn("sum", ["n"], (main, n) => {
    const loop = fn("loop", ["i", "s"], () => k(0), { loop: true });
    const [i, s] = loop.parameters as [Parameter, Parameter];
    loop.output = ifElse(
      loop,
      lt(loop, i, n),
      (body) => call(body, k(loop), add(body, i, k(1)), add(body, s, i)),
      () => s,
    );
    return call(main, k(loop), k(0), k(0));
  });
}

/** `def depth(n) = if n == 0 { 0 } else { 1 + depth(n - 1) }`: not a tail call. */
export function depthFn(): Graph {
  return fn("depth", ["n"], (g, n) =>
    ifElse(
      g,
      eq(g, n, k(0)),
      () => k(0),
      (b) => add(b, k(1), call(b, k(g), sub(b, n, k(1)))),
    ),
  );
}
