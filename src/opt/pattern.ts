// Declared patterns for the rewrites, as Myia writes them (`tuple_get(make_tuple(X…), C)`): a
// pattern matches a node and binds names to what it found, and a rewrite is a pattern and the
// replacement computed from what it bound. A pattern also says which callees an apply it matches
// may have (its heads), so that the optimizer offers each apply only to the rewrites that can
// match it — most applies are of a primitive no rewrite but one or two looks at.
import { isConstantGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { primOf } from "../ir/match.js";
import type { Primitive } from "../prims/primitive.js";
import type { Value } from "../runtime/values.js";
import type { Round } from "./round.js";

type Bound = Record<string, unknown>;

export interface Pattern<B extends Bound> {
  /** The callees an apply it matches has: primitives, or null for a call of anything else. Absent: any node. */
  readonly heads?: readonly (Primitive | null)[];
  /** Whether `n` matches; what it binds goes into `into` (typed as B once the match succeeds). */
  readonly match: (n: Node, into: Bound) => boolean;
  /** Type-level only: what a match binds. */
  readonly bound?: B;
}


/** Any node, bound to `name`. */
export function node<K extends string>(name: K): Pattern<Record<K, Node>> {
  return { match: (n, into) => ((into[name] = n), true) };
}

/** Any node, unbound. */
export const anything: Pattern<Record<never, never>> = { match: () => true };

/** A constant (not a graph) whose value passes `test`, bound to `name`. */
export function value<K extends string, V extends Value>(name: K, test: (v: Value) => v is V): Pattern<Record<K, V>> {
  return {
    match: (n, into) => {
      if (n.kind !== "constant" || isConstantGraph(n) || !test(n.value as Value)) return false;
      into[name] = n.value;
      return true;
    },
  };
}

/** A constant (not a graph) whose value passes `test`, unbound. */
export function constantThat(test: (v: Value) => boolean): Pattern<Record<never, never>> {
  return { match: (n) => n.kind === "constant" && !isConstantGraph(n) && test(n.value as Value) };
}

/** The constant number `k`, as Object.is has it (−0 is not 0). */
export function exactly(k: number): Pattern<Record<never, never>> {
  return { match: (n) => n.kind === "constant" && Object.is(n.value, k) };
}

/** A graph constant, its graph bound to `name`. */
export function graphConstant<K extends string>(name: K): Pattern<Record<K, Graph>> {
  return {
    match: (n, into) => {
      if (!isConstantGraph(n)) return false;
      into[name] = n.value;
      return true;
    },
  };
}

/** The remaining arguments of a call, bound to `name` as a list. Only last in `call`. */
export interface Rest<K extends string> {
  readonly rest: K;
}
export const rest = <K extends string>(name: K): Rest<K> => ({ rest: name });

type Arg = Pattern<Bound> | Rest<string>;
type BoundOf<A> = A extends Rest<infer K> ? Record<K, readonly Node[]> : A extends Pattern<infer B> ? B : never;
/** The bindings of a call's argument patterns together: their union of records made one record. */
type ArgsBound<As extends readonly Arg[]> = ((As[number] extends infer A ? (A extends Arg ? (x: BoundOf<A>) => void : never) : never) extends (x: infer I) => void ? I : never) & Bound;

function argsMatch(a: Apply, from: number, args: readonly Arg[], into: Bound): boolean {
  const last = args[args.length - 1];
  const tail = last !== undefined && "rest" in last ? last : null;
  const fixed = tail === null ? args.length : args.length - 1;
  const given = a.inputs.length - from;
  if (tail === null ? given !== fixed : given < fixed) return false;
  for (let i = 0; i < fixed; i++) if (!(args[i] as Pattern<Bound>).match(a.inputs[from + i]!, into)) return false;
  if (tail !== null) into[tail.rest] = a.inputs.slice(from + fixed);
  return true;
}

/** An application of one of `heads` to arguments matching `args` (a `rest` last takes any number more). */
export function call<const As extends readonly Arg[]>(heads: Primitive | readonly Primitive[], ...args: As): Pattern<ArgsBound<As>> {
  const hs: readonly Primitive[] = Array.isArray(heads) ? heads : [heads as Primitive];
  const known = new Set(hs);
  return {
    heads: hs,
    match: (n, into) => {
      if (n.kind !== "apply") return false;
      const p = primOf(n.inputs[0]!);
      return p !== null && known.has(p) && argsMatch(n, 1, args, into);
    },
  };
}

/** A call whose callee (not a primitive constant) matches `callee`, with arguments matching `args`. */
export function callThrough<B extends Bound, const As extends readonly Arg[]>(callee: Pattern<B>, ...args: As): Pattern<B & ArgsBound<As>> {
  return {
    heads: [null],
    match: (n, into) => n.kind === "apply" && primOf(n.inputs[0]!) === null && callee.match(n.inputs[0]!, into) && argsMatch(n, 1, args, into),
  };
}

/** What `pattern` matches, the node itself bound to `name` as well. */
export function named<K extends string, B extends Bound>(name: K, pattern: Pattern<B>): Pattern<B & Record<K, Apply>> {
  return {
    ...(pattern.heads === undefined ? {} : { heads: pattern.heads }),
    match: (n, into) => {
      if (!pattern.match(n, into)) return false;
      into[name] = n;
      return true;
    },
  };
}

/** What either pattern matches (the first tried first); they bind nothing. */
export function either(a: Pattern<Record<never, never>>, b: Pattern<Record<never, never>>): Pattern<Record<never, never>> {
  return { match: (n, into) => a.match(n, into) || b.match(n, into) };
}

/** A rewrite: where `pattern` matches an apply, the node `replace` gives (null: no change). */
export interface Rewrite {
  readonly pattern: Pattern<Bound>;
  readonly replace: (bound: Bound, a: Apply, round: Round) => Node | null;
}

export function rewrite<B extends Bound>(pattern: Pattern<B>, replace: (bound: B, a: Apply, round: Round) => Node | null): Rewrite {
  return { pattern, replace: replace as Rewrite["replace"] };
}

/** What `pattern` binds when it matches `n`; null when it does not. */
export function matches<B extends Bound>(pattern: Pattern<B>, n: Node): B | null {
  const bound: Bound = {};
  return pattern.match(n, bound) ? (bound as B) : null;
}

/** The node `r` gives for `a`, if its pattern matches. */
export function applyRewrite(r: Rewrite, a: Apply, round: Round): Node | null {
  const bound = matches(r.pattern, a);
  return bound === null ? null : r.replace(bound, a, round);
}
