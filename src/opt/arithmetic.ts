// Exact arithmetic identities, in what AD builds: `x * 1`, `1 * x`, `x / 1`, `x ** 1` and `x - 0`
// are x, `-(-x)` is x, and a sign moves out of a product, where sums can absorb it. Only where
// IEEE-754 makes them exact (not `x + 0`: −0 + 0 is +0; not `0 * x`: NaN and infinities), and only
// when x is known to be a Num, so that a type error is never hidden.
import { apply, type Apply, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { callOf, constValue, primOf } from "../ir/match.js";
import type { Primitive } from "../prims/primitive.js";
import * as S from "../prims/scalar.js";
import { call, exactly, named, node, rewrite, type Rewrite } from "./pattern.js";

/** Arithmetic whose result is a Num (or an Array) whenever it does not fail. */
const NUMERIC = new Set<Primitive>([S.add, S.sub, S.mul, S.div, S.mod, S.pow, S.neg, S.sin, S.cos, S.tan, S.exp, S.log, S.sqrt, S.tanh]);

/**
 * Whether `n` is known to be a Num: a number, the result of arithmetic, or an operand that some
 * arithmetic in its own graph also uses (if it were not a Num, that would fail in any case).
 */
export function numeric(n: Node, graphOf: Apply, analysis: Analysis): boolean {
  if (typeof constValue(n) === "number") return true;
  if (n.kind === "apply" && NUMERIC.has(primOf(n.inputs[0]!)!)) return true;
  // The witness must stay: not the node being rewritten, nor one an identity would remove too.
  return (analysis.users.get(n) ?? []).some(
    ({ user }) => user !== graphOf && user.graph === graphOf.graph && NUMERIC.has(primOf(user.inputs[0]!)!) && !identityCandidate(user),
  );
}

/** The +0 and 1 of `x - 0`, `x * 1`: `Object.is`, since x − (−0) is not x when x is −0. */
const is = (n: Node | undefined, k: number): boolean => n !== undefined && Object.is(constValue(n), k);

/** Whether one of the identities below may remove `a`: then it is no witness (see numeric). */
function identityCandidate(a: Apply): boolean {
  const p = primOf(a.inputs[0]!);
  const [x, y] = [a.inputs[1], a.inputs[2]];
  if (p === S.neg) return x !== undefined && callOf(x, S.neg) !== null;
  if (p === S.mul) return is(x, 1) || is(y, 1);
  if (p === S.div || p === S.pow) return is(y, 1);
  if (p === S.sub) return is(y, 0);
  return false;
}

/** `x`, which replaces `a`, if it is known to be a Num. */
const ifNumeric = (x: Node, a: Apply, analysis: Analysis): Node | null => (numeric(x, a, analysis) ? x : null);

export const arithmeticRewrites: readonly Rewrite[] = [
  rewrite(call(S.mul, node("x"), exactly(1)), ({ x }, a, r) => ifNumeric(x, a, r.analysis)),
  rewrite(call(S.mul, exactly(1), node("y")), ({ y }, a, r) => ifNumeric(y, a, r.analysis)),
  // (−a)·b = −(a·b) exactly: the sign moves out, where sums can absorb it.
  rewrite(call(S.mul, node("x"), node("y")), ({ x, y }, a) => {
    const nx = callOf(x, S.neg);
    const ny = callOf(y, S.neg);
    if ((nx === null) === (ny === null)) return null;
    const product = apply(a.graph, [a.inputs[0]!, nx?.inputs[1] ?? x, ny?.inputs[1] ?? y], a.loc);
    return apply(a.graph, [(nx ?? ny)!.inputs[0]!, product], a.loc);
  }),
  rewrite(call([S.div, S.pow], node("x"), exactly(1)), ({ x }, a, r) => ifNumeric(x, a, r.analysis)),
  rewrite(call(S.sub, node("x"), exactly(0)), ({ x }, a, r) => ifNumeric(x, a, r.analysis)),
  // The inner negation goes too, so it cannot be the proof that its operand is a Num.
  rewrite(call(S.neg, named("inner", call(S.neg, node("x")))), ({ inner, x }, _, r) => (numeric(x, inner, r.analysis) ? x : null)),
];
