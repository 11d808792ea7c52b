// Local rewrites, each a declared pattern and its replacement (pattern.ts). They undo what AD and
// lowering build and leave behind: tuples and records taken apart right after being made,
// switches on constants, statement sequences of pure values, constant expressions; in what AD
// builds also sums of zero sensitivities, environments read right after being written
// (sensitivity-rewrites.ts) and arithmetic with neutral elements (arithmetic.ts).
import { apply, constant, isConstantGraph, type Apply, type Node } from "../ir/graph.js";
import { callOf, constValue, primOf } from "../ir/match.js";
import { isPure } from "../ir/purity.js";
import type { Primitive } from "../prims/primitive.js";
import { matmul } from "../prims/products.js";
import * as S from "../prims/scalar.js";
import * as D from "../prims/sensitivity.js";
import * as T from "../prims/structural.js";
import { PrimError, type HostContext } from "../runtime/host.js";
import { isTuple, Tensor, type Value } from "../runtime/values.js";
import { arithmeticRewrites } from "./arithmetic.js";
import { capturedBy, computedFor, evaluatedBefore, itemsKept, left, mayAct, type Evaluated } from "./effects.js";
import { call, callThrough, named, node, rest, rewrite, value, type Rewrite } from "./pattern.js";
import type { Round } from "./round.js";
import { sensitivityRewrites } from "./sensitivity-rewrites.js";

const isIndex = (v: Value): v is number => typeof v === "number" && Number.isInteger(v);
const isString = (v: Value): v is string => typeof v === "string";
const isBool = (v: Value): v is boolean => typeof v === "boolean";
/** `where` reads a Num condition as true when non-zero; a constant one picks a whole value. */
const isCondition = (v: Value): v is boolean | number => typeof v === "boolean" || typeof v === "number";
const isKeys = (v: Value): v is readonly Value[] => isTuple(v);

/** `kept` for `at`, which takes it out of `made`, after the other items that must stay (itemsKept). */
function taken(at: Apply, made: Apply, items: readonly Node[], kept: Node, round: Round): Node | null {
  const stay = itemsKept(made, items, kept, at, round);
  if (stay === null) return null;
  if (stay.length === 1) return kept;
  return apply(at.graph, [constant(T.seq), ...stay, ...(stay[stay.length - 1] === kept ? [] : [kept])], at.loc);
}

const last = (a: Apply): Node => a.inputs[a.inputs.length - 1]!;

/**
 * Values that cannot fail or act need no place in a `seq`; a nested seq is spliced in; the last
 * operand is the value.
 */
function cleanSequence(a: Apply, round: Round): Node | null {
  const { analysis, strict } = round;
  const value = last(a);
  const spliced: Node[] = [];
  for (const e of a.inputs.slice(1, -1)) {
    const inner = callOf(e, T.seq);
    if (inner !== null && inner.graph === a.graph) spliced.push(...inner.inputs.slice(1));
    // Making a closure evaluates the nodes it captures: those that may act are what it does
    // here (see itemsKept).
    else spliced.push(...(capturedBy(e, a.graph, analysis)?.filter((n) => n === e || mayAct(n)) ?? [e]));
  }
  // An operand the value computes anyway goes too, unless a later one acts: it must stay before
  // that; not in the program, where it would then be evaluated later, and J sums sensitivities
  // in the reverse of the evaluation order. So does one with nothing left to do, all it may act
  // or fail on evaluated before, and a repeated one (a node is evaluated once).
  const kept: Node[] = [];
  let laterActs = false;
  let before: Evaluated | undefined;
  const done = (e: Apply): boolean => {
    const rest = left(e, before === undefined ? (before = evaluatedBefore(a, round)) : before);
    return !rest.acts && !rest.fails;
  };
  for (let i = spliced.length - 1; i >= 0; i--) {
    const e = spliced[i]!;
    const known = !isConstantGraph(e);
    if (spliced.indexOf(e) < i || (known && isPure(e)) || (!strict && !laterActs && (e === value || computedFor(value, e))) || (e.kind === "apply" && e.graph === a.graph && done(e))) continue;
    kept.unshift(e);
    // A closure still here is one made this round (capturedBy): what it captures is unknown.
    laterActs ||= mayAct(e) || isConstantGraph(e);
  }
  if (kept.length === 0) return value;
  if (kept.length === a.inputs.length - 2 && kept.every((e, i) => e === a.inputs[i + 1])) return null;
  return apply(a.graph, [a.inputs[0]!, ...kept, value], a.loc);
}

const noHost: HostContext = {
  print: () => {
    throw new PrimError("no output while optimizing");
  },
  call: () => {
    throw new PrimError("no calls while optimizing");
  },
  readGlobal: () => {
    throw new PrimError("no globals while optimizing");
  },
  writeGlobal: () => {
    throw new PrimError("no globals while optimizing");
  },
  get session(): never {
    throw new PrimError("no differentiation while optimizing");
  },
};

/** Primitives folded when every argument is a constant: they depend on nothing else. */
const FOLDABLE: readonly Primitive[] = [
  ...Object.values(S).filter((v): v is Primitive => typeof v === "object" && v !== null && "kind" in v && v.kind === "primitive"),
  matmul, T.makeTuple, T.tupleGet, T.index, T.len, D.zerosLikePrim, D.addSensPrim,
];

/**
 * In the program (`strict`), a Num or an Array is not folded: J⊳ gives a computed value the
 * tangent its rule computes from zeros, which may be −0 (`-1` is `neg(1)`, whose tangent is
 * `neg(0)`), and a constant the tangent +0.
 */
function fold(a: Apply, args: readonly Node[], strict: boolean): Node | null {
  const p = primOf(a.inputs[0]!)!;
  // A call with the wrong number of arguments is left to fail at run time, where it is reported.
  if (args.length < p.minArgs || args.length > p.maxArgs) return null;
  const values: Value[] = [];
  for (const n of args) {
    const v = constValue(n);
    if (v === undefined) return null;
    values.push(v);
  }
  try {
    const v = p.impl(values, noHost);
    if (strict && (typeof v === "number" || v instanceof Tensor)) return null;
    // A fresh tuple of constants stays a make_tuple: tuple rewrites see through that, not a value.
    return isTuple(v) && p === T.makeTuple ? null : constant(v, a.loc);
  } catch {
    return null; // it fails at run time too, where the error is reported with its place
  }
}

/** What both levels do: take structures apart, resolve control on constants, clean statement order, fold. */
const structural: readonly Rewrite[] = [
  rewrite(call([T.tupleGet, T.index], named("made", call(T.makeTuple, rest("items"))), value("k", isIndex)), ({ made, items, k }, a, r) => {
    const j = k < 0 ? k + items.length : k;
    return j >= 0 && j < items.length ? taken(a, made, items, items[j]!, r) : null;
  }),
  // Taking an item of `seq(a…, t)` is the seq of the item: the rewrite above can then see t.
  rewrite(call([T.tupleGet, T.index], named("ordered", call(T.seq, rest("operands"))), value("k", isIndex)), ({ ordered }, a) => {
    if (ordered.graph !== a.graph) return null;
    const item = apply(a.graph, [a.inputs[0]!, last(ordered), a.inputs[2]!], a.loc);
    return apply(a.graph, [ordered.inputs[0]!, ...ordered.inputs.slice(1, -1), item], a.loc);
  }),
  rewrite(call(T.recordGet, named("made", call(T.makeRecord, value("keys", isKeys), rest("values"))), value("name", isString)), ({ made, keys, values, name }, a, r) => {
    const i = keys.indexOf(name);
    return i < 0 ? null : taken(a, made, values, values[i]!, r);
  }),
  rewrite(call(T.switchPrim, value("c", isBool), node("x"), node("y")), ({ c, x, y }, a, r) => taken(a, a, [x, y], c ? x : y, r)),
  rewrite(call(S.where, value("c", isCondition), node("x"), node("y")), ({ c, x, y }, a, r) => taken(a, a, [x, y], c !== false && c !== 0 ? x : y, r)),
  rewrite(call(T.seq, rest("operands")), (_, a, r) => cleanSequence(a, r)),
  // `seq(a…, f)(x…)` is `seq(a…, f(x…))`: a before x either way, and the call's callee is then f itself.
  rewrite(callThrough(named("ordered", call(T.seq, rest("operands"))), rest("args")), ({ ordered, args }, a) => {
    if (ordered.graph !== a.graph) return null;
    const called = apply(a.graph, [last(ordered), ...args], a.loc);
    return apply(a.graph, [ordered.inputs[0]!, ...ordered.inputs.slice(1, -1), called], a.loc);
  }),
  rewrite(call(FOLDABLE, rest("args")), ({ args }, a, r) => fold(a, args, r.strict)),
];

/**
 * All rewrites, for what AD builds; `program` ones for the program itself, which must not change
 * what J later makes of it: no identity that gives a node new users (the grouping of sensitivity
 * sums would change) and nothing that drops what a user could see.
 */
export function rewrites(level: "program" | "unit"): readonly Rewrite[] {
  return level === "program" ? structural : [...structural, ...sensitivityRewrites, ...arithmeticRewrites];
}

/** The rewrites to try on an apply, by its callee's primitive (`null`: not a primitive), in their order. */
export type RewriteTable = ReadonlyMap<Primitive | null, readonly Rewrite[]>;

export function byCallee(list: readonly Rewrite[]): RewriteTable {
  const table = new Map<Primitive | null, Rewrite[]>();
  for (const r of list) {
    if (r.pattern.heads === undefined) throw new Error("internal: a rewrite's pattern must name its callees");
    for (const p of r.pattern.heads) table.set(p, [...(table.get(p) ?? []), r]);
  }
  return table;
}
