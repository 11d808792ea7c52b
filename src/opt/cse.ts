// Common subexpression elimination within a graph: two applications of the same pure primitive
// to the same inputs are one. Constants compare by value, so `div(x1, x2)` written three times
// in the source is computed once.
import { isGraph, type Apply, type ConstValue, type Graph, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { evaluationOrder } from "../ir/order.js";
import { isPrimitive, isTuple } from "../runtime/values.js";
import type { Rewriter } from "./rewriter.js";

/** Numbers for constants compared by identity, given as they are first hashed: one numbering per cse. */
type Ids = (o: object) => number;

function numbering(): Ids {
  const ids = new Map<object, number>();
  return (o) => {
    let id = ids.get(o);
    if (id === undefined) ids.set(o, (id = ids.size + 1));
    return id;
  };
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** A hash of what makes two inputs the same (sameInput); mixed into `h`. */
function hashInput(n: Node, h: number, idOf: Ids): number {
  let k: number;
  if (n.kind !== "constant") k = n.id;
  else {
    const v = n.value;
    if (typeof v === "number") {
      bits[0] = v;
      k = Math.imul(words[0]!, 31) ^ words[1]!;
    } else if (typeof v === "string") k = hashString(v, 7);
    else if (typeof v === "boolean") k = v ? 3 : 5;
    else {
      const keys = strings(v);
      k = keys === null ? idOf(v) : keys.reduce((acc, x) => hashString(x, acc), 11);
    }
  }
  return Math.imul(h ^ k, 16777619);
}

/** The strings of a tuple of strings (a record's keys); null for any other value. */
function strings(v: ConstValue): readonly string[] | null {
  return !isGraph(v) && isTuple(v) && v.every((x) => typeof x === "string") ? (v as readonly string[]) : null;
}

/**
 * Inputs are the same when they are one node, or constants of one value: numbers as Object.is
 * has them (−0 is not 0), strings, booleans and tuples of strings (record keys) by value, any
 * other value by identity.
 */
function sameInput(x: Node, y: Node): boolean {
  if (x === y) return true;
  if (x.kind !== "constant" || y.kind !== "constant") return false;
  const u = x.value;
  const v = y.value;
  if (typeof u === "number" || typeof u === "string" || typeof u === "boolean") return Object.is(u, v);
  const us = strings(u);
  const vs = us === null ? null : strings(v);
  if (us === null || vs === null) return u === v;
  return us.length === vs.length && us.every((s, i) => s === vs[i]);
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
  const idOf = numbering();
  for (const g of analysis.graphs) {
    if (!owned.has(g)) continue;
    // Applies by the hash of their inputs; those of one hash are compared input by input.
    const seen = new Map<number, Apply[]>();
    for (const a of orderOf(g)) {
      if (!mergeable(a)) continue;
      let h = a.inputs.length;
      for (const input of a.inputs) h = hashInput(rw.current(input), h, idOf);
      const same = seen.get(h);
      const first = same?.find((b) => b.inputs.length === a.inputs.length && b.inputs.every((x, i) => sameInput(rw.current(x), rw.current(a.inputs[i]!))));
      if (first !== undefined) rw.replace(a, first);
      else if (same === undefined) seen.set(h, [a]);
      else same.push(a);
    }
  }
}
