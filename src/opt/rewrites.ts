// Local rewrites: each looks at one Apply and returns the node that may replace it, or null.
// They undo what AD and lowering build and leave behind: tuples taken apart right after being
// made, environments read right after being written, switches on constants, statement sequences
// of pure values, and arithmetic with neutral elements (only where IEEE-754 makes it exact).
import { jValuePrim } from "../ad/j-value.js";
import { apply, constant, isConstantGraph, isGraph, type Apply, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { type Primitive } from "../prims/primitive.js";
import { PrimError, type HostContext } from "../runtime/host.js";
import { isPure } from "../ir/purity.js";
import * as S from "../prims/scalar.js";
import * as D from "../prims/sensitivity.js";
import * as U from "../prims/updates.js";
import { matmul } from "../prims/products.js";
import * as T from "../prims/structural.js";
import { EnvKey, EnvValue, isTuple, Tensor, type Value } from "../runtime/values.js";
import { capturedBy, computedFor, evaluatedBefore, itemsKept, left, mayAct, type Evaluated } from "./effects.js";
import { callOf, constValue, primOf } from "./match.js";

/**
 * A rewrite, with the callees of the applies it may rewrite: primitives, or `null` for a callee
 * that is not one. Most applies are of a primitive no rewrite but one or two looks at, and asking
 * only those is much of a round's time saved.
 */
export interface Rewrite {
  readonly on: readonly (Primitive | null)[];
  readonly rewrite: (a: Apply, analysis: Analysis) => Node | null;
}

const isEmptyEnv = (n: Node): boolean => {
  const v = constValue(n);
  return v instanceof EnvValue && v.entries.size === 0;
};

/** Arithmetic whose result is a Num (or an Array) whenever it does not fail. */
const NUMERIC = new Set<Primitive>([S.add, S.sub, S.mul, S.div, S.mod, S.pow, S.neg, S.sin, S.cos, S.tan, S.exp, S.log, S.sqrt, S.tanh]);

/**
 * Whether `n` is known to be a Num: a number, the result of arithmetic, or an operand that some
 * arithmetic in its own graph also uses (if it were not a Num, that would fail in any case).
 */
function numeric(n: Node, graphOf: Apply, analysis: Analysis): boolean {
  if (typeof constValue(n) === "number") return true;
  if (n.kind === "apply" && NUMERIC.has(primOf(n.inputs[0]!)!)) return true;
  // The witness must stay: not the node being rewritten, nor one an identity would remove too.
  return (analysis.users.get(n) ?? []).some(
    ({ user }) => user !== graphOf && user.graph === graphOf.graph && NUMERIC.has(primOf(user.inputs[0]!)!) && !identityCandidate(user),
  );
}

/** The +0 and 1 of `x - 0`, `x * 1`: `Object.is`, since x − (−0) is not x when x is −0. */
const is = (n: Node, k: number): boolean => Object.is(constValue(n), k);

function identityCandidate(a: Apply): boolean {
  const p = primOf(a.inputs[0]!);
  const [x, y] = [a.inputs[1], a.inputs[2]];
  if (p === S.neg) return x !== undefined && callOf(x, S.neg) !== null;
  if (p === S.mul) return (x !== undefined && is(x, 1)) || (y !== undefined && is(y, 1));
  if (p === S.div || p === S.pow) return y !== undefined && is(y, 1);
  if (p === S.sub) return y !== undefined && is(y, 0);
  return false;
}

/** `v`, which replaces `a`, if it is known to be a Num. */
const ifNumeric = (v: Node, a: Apply, analysis: Analysis): Node | null => (numeric(v, a, analysis) ? v : null);

function arithmetic(a: Apply, analysis: Analysis): Node | null {
  const p = primOf(a.inputs[0]!);
  if (p === null || a.inputs.length < 2) return null;
  const x = a.inputs[1]!;
  const y = a.inputs[2]!;
  if (p === S.mul) {
    if (is(y, 1)) return ifNumeric(x, a, analysis);
    if (is(x, 1)) return ifNumeric(y, a, analysis);
    // (−a)·b = −(a·b) exactly: the sign moves out, where sums can absorb it.
    const nx = callOf(x, S.neg);
    const ny = callOf(y, S.neg);
    if ((nx === null) === (ny === null)) return null;
    const product = apply(a.graph, [a.inputs[0]!, nx?.inputs[1] ?? x, ny?.inputs[1] ?? y], a.loc);
    return apply(a.graph, [(nx ?? ny)!.inputs[0]!, product], a.loc);
  }
  if ((p === S.div || p === S.pow) && is(y, 1)) return ifNumeric(x, a, analysis);
  if (p === S.sub && is(y, 0)) return ifNumeric(x, a, analysis);
  if (p === S.neg) {
    // The inner negation goes too, so it cannot be the proof that its operand is a Num.
    const inner = callOf(x, S.neg);
    return inner !== null && numeric(inner.inputs[1]!, inner, analysis) ? inner.inputs[1]! : null;
  }
  return null;
}

/** `record_get(make_record(("a", "b"), va, vb), "b")` is vb. */
function records(a: Apply, strict: boolean, analysis: Analysis): Node | null {
  if (primOf(a.inputs[0]!) !== T.recordGet) return null;
  const made = callOf(a.inputs[1]!, T.makeRecord);
  const name = constValue(a.inputs[2]!);
  const keys = made === null ? undefined : constValue(made.inputs[1]!);
  if (made === null || typeof name !== "string" || keys === undefined || !isTuple(keys)) return null;
  const i = keys.indexOf(name);
  if (i < 0) return null;
  return taken(a, made, made.inputs.slice(2), made.inputs[i + 2]!, strict, analysis);
}

/** `kept` for `at`, which takes it out of `made`, after the other items that must stay (itemsKept). */
function taken(at: Apply, made: Apply, items: readonly Node[], kept: Node, strict: boolean, analysis: Analysis): Node | null {
  const stay = itemsKept(made, items, kept, at, strict, analysis);
  if (stay === null) return null;
  if (stay.length === 1) return kept;
  return apply(at.graph, [constant(T.seq), ...stay, ...(stay[stay.length - 1] === kept ? [] : [kept])], at.loc);
}

function tuples(a: Apply, strict: boolean, analysis: Analysis): Node | null {
  const p = primOf(a.inputs[0]!);
  if (p !== T.tupleGet && p !== T.index) return null;
  if (a.inputs.length !== 3) return null;
  const t = a.inputs[1]!;
  const i = a.inputs[2]!;
  const k = constValue(i);
  if (typeof k !== "number" || !Number.isInteger(k)) return null;
  const made = callOf(t, T.makeTuple);
  if (made !== null) {
    const items = made.inputs.slice(1);
    const j = k < 0 ? k + items.length : k;
    return j >= 0 && j < items.length ? taken(a, made, items, items[j]!, strict, analysis) : null;
  }
  // Taking an item of `seq(a…, t)` is the seq of the item: the tuple rewrite above can then see t.
  const ordered = callOf(t, T.seq);
  if (ordered !== null && ordered.graph === a.graph) {
    const last = ordered.inputs[ordered.inputs.length - 1]!;
    const item = apply(a.graph, [a.inputs[0]!, last, i], a.loc);
    return apply(a.graph, [ordered.inputs[0]!, ...ordered.inputs.slice(1, -1), item], a.loc);
  }
  return null;
}

function control(a: Apply, strict: boolean, analysis: Analysis): Node | null {
  const p = primOf(a.inputs[0]!);
  if (p === T.switchPrim || p === S.where) {
    const c = constValue(a.inputs[1]!);
    // `where` reads a Num condition as true when non-zero; a constant one picks a whole value.
    const pick = typeof c === "boolean" ? c : typeof c === "number" && p === S.where ? c !== 0 : null;
    if (pick === null) return null;
    const chosen = a.inputs[pick ? 2 : 3]!;
    return taken(a, a, a.inputs.slice(2), chosen, strict, analysis);
  }
  if (p === T.seq) {
    // Values that cannot fail or act need no place in the order; a nested seq is spliced in; the
    // last operand is the value.
    const last = a.inputs[a.inputs.length - 1]!;
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
      const rest = left(e, before === undefined ? (before = evaluatedBefore(a, analysis)) : before);
      return !rest.acts && !rest.fails;
    };
    for (let i = spliced.length - 1; i >= 0; i--) {
      const e = spliced[i]!;
      const known = !isConstantGraph(e);
      if (spliced.indexOf(e) < i || (known && isPure(e)) || (!strict && !laterActs && (e === last || computedFor(last, e))) || (e.kind === "apply" && e.graph === a.graph && done(e))) continue;
      kept.unshift(e);
      // A closure still here is one made this round (capturedBy): what it captures is unknown.
      laterActs ||= mayAct(e) || isConstantGraph(e);
    }
    if (kept.length === 0) return last;
    if (kept.length === a.inputs.length - 2 && kept.every((e, i) => e === a.inputs[i + 1])) return null;
    return apply(a.graph, [a.inputs[0]!, ...kept, last], a.loc);
  }
  return null;
}

/** `seq(a…, f)(x…)` is `seq(a…, f(x…))`: a before x either way, and the call's callee is then f itself. */
function sequencedCallee(a: Apply): Node | null {
  const ordered = callOf(a.inputs[0]!, T.seq);
  if (ordered === null || ordered.graph !== a.graph) return null;
  const call = apply(a.graph, [ordered.inputs[ordered.inputs.length - 1]!, ...a.inputs.slice(1)], a.loc);
  return apply(a.graph, [ordered.inputs[0]!, ...ordered.inputs.slice(1, -1), call], a.loc);
}

function sensitivities(a: Apply, analysis: Analysis): Node | null {
  const p = primOf(a.inputs[0]!);
  // The zero of a function is an empty environment, whatever it closes over.
  const arg = a.inputs[1];
  if (p === D.zerosLikePrim && arg?.kind === "constant" && isGraph(arg.value)) return constant(EnvValue.empty, a.loc);
  if (p === D.addSensPrim) {
    const x = a.inputs[1]!;
    const y = a.inputs[2]!;
    // A zero sensitivity adds nothing, −0 included (see sensSum).
    if (isEmptyEnv(y) || callOf(y, D.zerosLikePrim)) return x;
    if (isEmptyEnv(x) || callOf(x, D.zerosLikePrim)) return y;
    // x + (zeros of y with v at one place) adds v at that place of x (record_add, tuple_add).
    for (const [acc, other] of [[x, y], [y, x]] as const) {
      const set = callOf(other, U.recordSet) ?? callOf(other, U.tupleSet);
      const zero = set === null ? null : callOf(set.inputs[1]!, D.zerosLikePrim);
      if (set === null || zero === null) continue;
      const add = primOf(set.inputs[0]!) === U.recordSet ? U.recordAdd : U.tupleAdd;
      return apply(a.graph, [constant(add), acc, zero.inputs[1]!, set.inputs[2]!, set.inputs[3]!], a.loc);
    }
    // a + −b is sub_sens(a, b), which sums arrays down as add_sens does.
    // Not −a + −b → −(a + b): −1 + 1 is +0 but −(1 + −1) is −0.
    const nx = callOf(x, S.neg);
    const ny = callOf(y, S.neg);
    if (ny !== null) return apply(a.graph, [constant(D.subSens), x, ny.inputs[1]!], a.loc);
    if (nx !== null) return apply(a.graph, [constant(D.subSens), y, nx.inputs[1]!], a.loc);
    return null;
  }
  // J of a Num (or an Array) is the value itself. (Its gradient as the user sees it is not
  // always the sensitivity: that may still carry axes broadcasting added.)
  if (p === jValuePrim && numeric(a, a, analysis)) return a.inputs[1]!;
  if (p === D.envGet) {
    const [env, key, zero] = [a.inputs[1]!, a.inputs[2]!, a.inputs[3]!];
    if (isEmptyEnv(env)) return zero;
    const set = callOf(env, D.envSet);
    if (set !== null) {
      const k1 = constValue(set.inputs[2]!);
      const k2 = constValue(key);
      if (!(k1 instanceof EnvKey) || !(k2 instanceof EnvKey)) return null;
      if (k1.node !== k2.node) return apply(a.graph, [a.inputs[0]!, set.inputs[1]!, key, zero], a.loc);
      if (isEmptyEnv(set.inputs[1]!)) return set.inputs[3]!;
    }
  }
  return null;
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
const FOLDABLE = new Set<Primitive>([
  ...Object.values(S).filter((v): v is Primitive => typeof v === "object" && v !== null && "kind" in v && v.kind === "primitive"),
  matmul, T.makeTuple, T.tupleGet, T.index, T.len, D.zerosLikePrim, D.addSensPrim,
]);

/**
 * In the program (`strict`), a Num or an Array is not folded: J⊳ gives a computed value the
 * tangent its rule computes from zeros, which may be −0 (`-1` is `neg(1)`, whose tangent is
 * `neg(0)`), and a constant the tangent +0.
 */
function fold(a: Apply, strict: boolean): Node | null {
  const p = primOf(a.inputs[0]!);
  // A call with the wrong number of arguments is left to fail at run time, where it is reported.
  if (p === null || !FOLDABLE.has(p) || a.inputs.length - 1 < p.minArgs || a.inputs.length - 1 > p.maxArgs) return null;
  const args: Value[] = [];
  for (const n of a.inputs.slice(1)) {
    const v = constValue(n);
    if (v === undefined) return null;
    args.push(v);
  }
  try {
    const v = p.impl(args, noHost);
    if (strict && (typeof v === "number" || v instanceof Tensor)) return null;
    // A fresh tuple of constants stays a make_tuple: tuple rewrites see through that, not a value.
    return isTuple(v) && p === T.makeTuple ? null : constant(v, a.loc);
  } catch {
    return null; // it fails at run time too, where the error is reported with its place
  }
}

/**
 * All rewrites, for what AD builds; `program` ones for the program itself, which must not change
 * what J later makes of it: no identity that gives a node new users (the grouping of sensitivity
 * sums would change) and nothing that drops what a user could see.
 */
export function rewrites(level: "program" | "unit"): readonly Rewrite[] {
  const strict = level === "program";
  const structural: Rewrite[] = [
    { on: [T.tupleGet, T.index], rewrite: (a, an) => tuples(a, strict, an) },
    { on: [T.recordGet], rewrite: (a, an) => records(a, strict, an) },
    { on: [T.switchPrim, S.where, T.seq], rewrite: (a, an) => control(a, strict, an) },
    { on: [null], rewrite: sequencedCallee },
    { on: [...FOLDABLE], rewrite: (a) => fold(a, strict) },
  ];
  if (strict) return structural;
  return [
    ...structural,
    { on: [D.zerosLikePrim, D.addSensPrim, jValuePrim, D.envGet], rewrite: sensitivities },
    { on: [S.mul, S.div, S.pow, S.sub, S.neg], rewrite: arithmetic },
  ];
}

/** The rewrites to try on an apply, by its callee's primitive (`null`: not a primitive), in their order. */
export type RewriteTable = ReadonlyMap<Primitive | null, readonly Rewrite["rewrite"][]>;

export function byCallee(list: readonly Rewrite[]): RewriteTable {
  const table = new Map<Primitive | null, Rewrite["rewrite"][]>();
  for (const { on, rewrite } of list) for (const p of on) table.set(p, [...(table.get(p) ?? []), rewrite]);
  return table;
}
