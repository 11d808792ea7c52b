// Common subexpression elimination within a graph: two applications of the same pure primitive
// to the same inputs are one. Constants compare by value, so `div(x1, x2)` written three times
// in the source is computed once.
import { isGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { evaluationOrder } from "../ir/order.js";
import { isPrimitive, isTuple } from "../ir/values.js";
import type { Rewriter } from "./rewriter.js";

const ids = new WeakMap<object, number>();
let nextId = 1;
const idOf = (o: object): number => {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
};

function keyOf(n: Node): string {
  if (n.kind !== "constant") return `n${n.id}`;
  const v = n.value;
  if (typeof v === "number") return Object.is(v, -0) ? "k-0" : `k${v}`;
  if (typeof v === "string") return `s${JSON.stringify(v)}`;
  if (typeof v === "boolean") return `b${v}`;
  if (isTuple(v) && v.every((x) => typeof x === "string")) return `t${JSON.stringify(v)}`;
  return `o${idOf(v)}`;
}

/** Only primitives that neither act nor read mutable state may be merged. */
function mergeable(a: Apply): boolean {
  const callee = a.inputs[0]!;
  if (callee.kind !== "constant" || isGraph(callee.value) || !isPrimitive(callee.value)) return false;
  const p = callee.value;
  return p.effect !== "io" && p.name !== "global_get";
}

/** `orderOf` may give an order computed earlier this round, if the graph has not changed since. */
export function cse(analysis: Analysis, owned: ReadonlySet<unknown>, rw: Rewriter, orderOf = (g: Graph): readonly Apply[] => evaluationOrder(g, analysis)): void {
  for (const g of analysis.graphs) {
    if (!owned.has(g)) continue;
    const seen = new Map<string, Node>();
    for (const a of orderOf(g)) {
      if (!mergeable(a)) continue;
      let key = keyOf(rw.current(a.inputs[0]!));
      for (let i = 1; i < a.inputs.length; i++) key += `,${keyOf(rw.current(a.inputs[i]!))}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, a);
      else rw.replace(a, first);
    }
  }
}
