// The gradient of a top-level def as one graph, for `myx ir --grad` and the REPL's `:grad`:
// `grad(f, (0, …, n-1))` written out — run f▶, then its backpropagator on 1.
import { addParameter, apply, applyPrim, constant, newGraph, type Graph } from "../ir/graph.js";
import { makeTuple, tupleGet } from "../ir/prims/structural.js";
import { transformGraph } from "./reverse.js";

export function gradientGraph(f: Graph): Graph {
  const g = newGraph(`${f.name}/grad`, f.loc);
  const xs = f.parameters.map((p) => addParameter(g, p.name, p.loc));
  const pair = apply(g, [constant(transformGraph(f)), ...xs], f.loc);
  const back = applyPrim(g, tupleGet, [pair, constant(1)], f.loc);
  const sens = apply(g, [back, constant(1)], f.loc);
  const ds = xs.map((_, i) => applyPrim(g, tupleGet, [sens, constant(i + 1)], f.loc));
  g.output = ds.length === 1 ? ds[0]! : applyPrim(g, makeTuple, ds, f.loc);
  return g;
}
