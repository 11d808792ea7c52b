// What the rewrites may leave out or move without a user seeing it: which nodes may act (print,
// or call a function, which may), and which are computed anyway, whatever the rewrite does.
// Failures count for less than actions: which of two failures is reported first may change (as
// when inlining), whether the program fails may not.
import { isConstantGraph, isGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import type { Round } from "./round.js";
import type { Primitive } from "../prims/primitive.js";
import { isPure, pureCallee } from "../ir/purity.js";
import * as S from "../prims/scalar.js";
import * as D from "../prims/sensitivity.js";
import * as T from "../prims/structural.js";
import { EnvValue, isTuple } from "../runtime/values.js";
import { callOf, constValue, primOf } from "../ir/match.js";

/**
 * Uses that rewrites bypass — the structural ones, `add_sens` of a zero, `env_get` of another
 * key — so no witness that a node is computed.
 */
const BYPASSED = new Set<Primitive>([T.makeTuple, T.makeRecord, T.switchPrim, S.where, D.zerosLikePrim, D.envSet]);

/** Of those, the ones a rewrite bypasses without seeing to the order of what it drops, as itemsKept does. */
const UNORDERED = new Set<Primitive>([D.zerosLikePrim, D.envSet]);

/**
 * Taking `kept`, one item of `made` (a structure built right there, or a `where` on a constant),
 * leaves out the others, but not what a user would see. Returns the items to evaluate, in their
 * order, `kept` among them; the caller sequences them (`seq(a, kept, b, kept)`). Null if the
 * structure must stay.
 *
 * Left out freely: what cannot fail or act, what another graph computes, and what was evaluated
 * before (evaluatedBefore), so that nothing is left to do. In the program (`strict`), anything
 * else keeps the structure, and so does a `kept` with users of its own or a structure taken
 * apart elsewhere too: J must see the uses as written, or it sums sensitivities in another
 * order. In what AD builds, an item that may fail but not act is left out if it is computed
 * anyway — taken out of `made` by another user too, used by another in the same graph — or holds
 * a sensitivity in what a backpropagator returns (its failure would be AD's own); if not, the
 * structure stays. An item that acts stays in the seq, unless it is computed anyway and `kept`
 * does all it does (a value and the record of how it was computed): then it acts within kept,
 * which is in order if nothing else acting stays.
 */
export function itemsKept(made: Apply, items: readonly Node[], kept: Node, at: Apply, round: Round): readonly Node[] | null {
  const { analysis, strict } = round;
  // A use is a witness unless a rewrite can bypass it (BYPASSED); a seq is one for its
  // statements, and for its value as far as the seq itself is witnessed; so is a structure (it
  // may be the graph's output).
  const witnessed = (n: Node, depth: number): boolean =>
    n.kind === "apply" &&
    (n.graph.output === n ||
      (analysis.users.get(n) ?? []).some(({ user, index }) => {
        if (user === made || user.graph !== made.graph) return false;
        const p = primOf(user.inputs[0]!);
        if ((p === T.seq && index === user.inputs.length - 1) || p === T.makeTuple || p === T.makeRecord) return depth < 4 && witnessed(user, depth + 1);
        return p === T.seq || !BYPASSED.has(p!);
      }));
  // Another user in the same graph that takes that very item out of `made` computes it too.
  const takenElsewhere = new Set<Node>();
  for (const { user } of analysis.users.get(made) ?? []) {
    if (user.graph !== made.graph || user.inputs[1] !== made) continue;
    const k = user.inputs[2] === undefined ? undefined : constValue(user.inputs[2]);
    const p = primOf(user.inputs[0]!);
    if (p === T.tupleGet && typeof k === "number" && made.inputs[k + 1] !== undefined) takenElsewhere.add(made.inputs[k + 1]!);
    const keys = p === T.recordGet && typeof k === "string" ? constValue(made.inputs[1]!) : undefined;
    if (keys !== undefined && isTuple(keys) && keys.indexOf(k!) >= 0) takenElsewhere.add(made.inputs[keys.indexOf(k!) + 2]!);
  }
  // In the program, `kept` takes the users of `at`: J then sums its sensitivity over them in
  // another grouping, unless they were its only ones (through `made`, taken apart only there).
  const onlyUser = (n: Node, user: Apply): boolean => (analysis.users.get(n) ?? []).every((u) => u.user === user);
  if (strict && kept.kind !== "constant" && !(onlyUser(kept, made) && onlyUser(made, at))) return null;
  const sensitivities = primOf(made.inputs[0]!) === T.makeTuple && made.inputs[1] !== undefined && isEnv(made.inputs[1]);
  const keptEvaluates = kept.kind === "apply" && kept.graph === made.graph ? cone(kept) : new Set<Apply>();
  let before: Evaluated | undefined;
  const stay: Node[] = [];
  // Acting items whose actions `kept` does: left out, they act within kept, in order only if no
  // other acting item stays.
  const withKept: Node[] = [];
  // Making a closure evaluates the nodes it captures: those that may act are what such an item
  // does. (Those that may only fail are left to where else they are used, as before closures
  // were looked into.)
  const parts = items.flatMap((m) => (m === kept ? [m] : (capturedBy(m, made.graph, analysis)?.filter((n) => n === m || mayAct(n)) ?? [m])));
  for (const n of parts) {
    if (n === kept || isConstantGraph(n)) {
      stay.push(n);
      continue;
    }
    // What another graph computes was ordered there.
    if (isPure(n) || n.kind !== "apply" || n.graph !== made.graph) continue;
    const anyway = !strict && (sensitivities || takenElsewhere.has(n) || witnessed(n, 0));
    if (anyway && !actsIn(n, round)) continue;
    // What was evaluated before `at` is done: it matters no more where n is.
    const rest = left(n, before === undefined ? (before = evaluatedBefore(at, round)) : before);
    if (!rest.acts && (!rest.fails || anyway)) continue;
    // In the program, a seq would change the uses J sees, so the order of the sums it writes.
    // In AD code, a failure that may happen elsewhere: rather keep the structure, which later
    // rounds may still see through.
    if (strict || !rest.acts) return null;
    (anyway && allIn(cone(n), keptEvaluates) ? withKept : stay).push(n);
  }
  // A closure in `stay` is one made this round, which may capture anything.
  const ordered = withKept.length > 0 && stay.some((n) => n !== kept && (mayAct(n) || isConstantGraph(n))) ? parts.filter((n) => stay.includes(n) || withKept.includes(n)) : stay;
  return ordered.length > 1 && at.graph !== made.graph ? null : ordered;
}

/** Whether every apply in `nodes` that may act is in `within`; no if either is unknown (null). */
function allIn(nodes: ReadonlySet<Apply> | null, within: ReadonlySet<Apply> | null): boolean {
  return nodes !== null && within !== null && [...nodes].every((m) => within.has(m) || !acts(m));
}

/** What evaluating `n` may still do, when what `done` holds is evaluated already: act, fail. */
export function left(n: Apply, done: Evaluated, bound = 64): { readonly acts: boolean; readonly fails: boolean } {
  let acting = false;
  let failing = false;
  const seen = new Set<Apply>();
  const stack: Node[] = [n];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (m.kind !== "apply" || m.graph !== n.graph || seen.has(m) || done.has(m)) continue;
    // Past the bound, what is left is unknown: anything.
    if (seen.size >= bound) return { acts: true, fails: true };
    seen.add(m);
    acting ||= acts(m);
    failing ||= !pureCallee(m);
    stack.push(...m.inputs);
  }
  return { acts: acting, fails: failing };
}

/** Applies evaluated already, as `left` asks. */
export interface Evaluated {
  has(n: Apply): boolean;
}

const nothing: Evaluated = { has: () => false };

/**
 * Where the walk of evaluatedBefore in one graph has been, kept for the round.
 * Rewrites ask at every seq and structure, in post-order, and replace the node they asked at:
 * most questions are about nodes the walk has entered already, and after a replacement the walk
 * goes back to where it entered the node replaced, not to the output.
 */
interface Mark {
  /** When the walk entered the node, and what was evaluated then: all of it (`evaluated`), or what counts (`cut`). */
  readonly entry: number;
  readonly evaluated: number;
  readonly cut: number;
  /** Where in the order the node was finished; -1 before. */
  place: number;
  /** How deep the stack was, and its top then (the user that entered the node) and how far that was. */
  readonly depth: number;
  readonly user: Mark | null;
  readonly next: number;
}
export interface Walk {
  readonly marks: Map<Node, Mark>;
  /** The nodes entered, in order: going back forgets the last ones. */
  readonly entered: Node[];
  /**
   * The earliest-entered node a replacement made stale (the walk saw inputs since that are no
   * longer there); before it, the graph is walked as it is now.
   */
  stale: Mark | null;
  /** Bumped when the walk starts again or goes back: an answer holds for one version. */
  version: number;
  /** The stack as arrays, not an object per frame: each node's mark, its inputs (as evaluated first), how far it is, whether it makes a closure. */
  readonly stack: Mark[];
  readonly deps: (readonly Node[])[];
  readonly next: number[];
  readonly closure: boolean[];
  depth: number;
  /** Closures being captured, and where the outermost began in the order. */
  closures: number;
  capturing: number;
  evaluated: number;
  entering: Node | null;
}

/**
 * `old`, which `graph` used, has been replaced (rewriter.ts): what its walk saw from where it
 * entered `old` on no longer holds.
 */
export function replacedIn(round: Round, graph: Graph, old: Node): void {
  const w = round.walks.get(graph);
  const mark = w?.marks.get(old);
  if (mark !== undefined && (w!.stale === null || mark.entry < w!.stale.entry)) w!.stale = mark;
}

/**
 * What is evaluated before `at` in its graph, in the VM's order (vm/linearize.ts): post-order
 * from the output, the callee and then the arguments left to right; a closure, the nodes it
 * captures (as of `analysis`). Those come in an order rewrites of the closure's body may change,
 * so of what is evaluated while capturing `at`, nothing counts. Nor does what `zeros_like` and
 * `env_set` evaluate, which rewrites bypass without asking. Nothing if unknown: `at` not
 * reached, or only past a bound. Valid until the graph changes.
 */
export function evaluatedBefore(at: Apply, round: Round, bound = 4096): Evaluated {
  const graph = at.graph;
  const byGraph = round.walks;
  let w = byGraph.get(graph);
  if (w === undefined) byGraph.set(graph, (w = start(graph, 0)));
  let mark = w.marks.get(at);
  // Entered after what a replacement made stale, or not entered yet: go back first.
  if (w.stale !== null && (mark === undefined || mark.entry > w.stale.entry)) {
    if (!goBack(w, graph)) byGraph.set(graph, (w = start(graph, w.version + 1)));
    mark = w.marks.get(at);
  }
  if (mark === undefined && !walkTo(w, at, round.analysis, bound)) return nothing;
  const cut = w.marks.get(at)!.cut;
  const walk = w;
  const version = w.version;
  return {
    has: (m) => {
      if (walk.version !== version || byGraph.get(graph) !== walk) throw new Error("internal: evaluatedBefore asked after its walk went back");
      const mark = m.graph === graph ? walk.marks.get(m) : undefined;
      return mark !== undefined && mark.place >= 0 && mark.place < cut;
    },
  };
}

function start(graph: Graph, version: number): Walk {
  return { marks: new Map(), entered: [], stale: null, version, stack: [], deps: [], next: [], closure: [], depth: 0, closures: 0, capturing: 0, evaluated: 0, entering: graph.output };
}

/**
 * Takes the walk back to just before it entered the stale node, if the user that entered it is
 * still on the stack (then everything since is in what that node evaluated, and forgotten).
 */
function goBack(w: Walk, graph: Graph): boolean {
  const to = w.stale!;
  if (to.user !== null && (w.depth < to.depth || w.stack[to.depth - 1] !== to.user)) return false;
  for (let i = w.entered.length - 1; i >= to.entry; i--) w.marks.delete(w.entered[i]!);
  w.entered.length = to.entry;
  w.depth = to.depth;
  w.evaluated = to.evaluated;
  w.closures = 0;
  for (let i = 0; i < to.depth; i++) if (w.closure[i]) w.closures++;
  // The user's input there is now the replacement; the output, if the node was the output.
  if (to.user === null) w.entering = graph.output;
  else {
    w.next[to.depth - 1] = to.next - 1;
    w.entering = null;
  }
  w.stale = null;
  w.version++;
  return true;
}

/** Walks on until `at` is entered (true), or the graph is walked or the bound is reached (false). */
function walkTo(w: Walk, at: Apply, analysis: Analysis, bound: number): boolean {
  const graph = at.graph;
  const { marks, stack, deps, next, closure } = w;
  while (w.evaluated < bound) {
    const n = w.entering;
    w.entering = null;
    if (n !== null && !marks.has(n)) {
      const top = w.depth - 1;
      const mark: Mark = {
        entry: w.entered.length,
        evaluated: w.evaluated,
        cut: w.closures === 0 ? w.evaluated : w.capturing,
        place: -1,
        depth: w.depth,
        user: top < 0 ? null : stack[top]!,
        next: top < 0 ? 0 : next[top]!,
      };
      marks.set(n, mark);
      w.entered.push(n);
      const first = n.kind === "apply" && n.graph === graph ? (UNORDERED.has(primOf(n.inputs[0]!)!) ? [] : n.inputs) : capturedBy(n, graph, analysis);
      if (first !== null) {
        if (n.kind === "constant" && w.closures++ === 0) w.capturing = w.evaluated;
        stack[w.depth] = mark;
        deps[w.depth] = first;
        next[w.depth] = 0;
        closure[w.depth++] = n.kind === "constant";
      }
      if (n === at) return true;
    }
    if (w.depth === 0) return false;
    const top = w.depth - 1;
    if (next[top]! < deps[top]!.length) {
      w.entering = deps[top]![next[top]!++]!;
      continue;
    }
    w.depth--;
    stack[top]!.place = w.evaluated++;
    if (closure[top]) w.closures--;
  }
  return false;
}

/**
 * The nodes of `graph` the closure `n` captures, which making it evaluates, if n is one; null if
 * not. A graph made this round, which `analysis` does not know, gives `[n]`: unknown.
 */
export function capturedBy(n: Node, graph: Graph, analysis: Analysis): readonly Node[] | null {
  if (n.kind !== "constant" || !isGraph(n.value)) return null;
  const fvs = analysis.freeVariables.get(n.value);
  return fvs === undefined ? [n] : fvs.filter((v) => v.kind === "apply" && v.graph === graph);
}

/** An environment: `newenv`, or one `env_set` makes. */
function isEnv(n: Node): boolean {
  return constValue(n) instanceof EnvValue || callOf(n, D.envSet) !== null;
}

/** Whether `n` or what it computes in its own graph may act; memoized, without recursion. */
function actsIn(n: Node, round: Round): boolean {
  const memo = round.acting;
  const stack: Node[] = [n];
  while (stack.length > 0) {
    const m = stack[stack.length - 1]!;
    if (m.kind !== "apply" || memo.has(m)) {
      stack.pop();
      continue;
    }
    const pending = m.inputs.filter((x) => x.kind === "apply" && x.graph === m.graph && !memo.has(x));
    if (pending.length > 0) {
      stack.push(...pending);
      continue;
    }
    stack.pop();
    memo.set(m, acts(m) || m.inputs.some((x) => memo.get(x) === true));
  }
  return memo.get(n) === true;
}

/** The applies `from` evaluates in its own graph, itself included; null past `bound` of them. */
function cone(from: Apply, bound = 64): Set<Apply> | null {
  const seen = new Set<Apply>();
  const stack: Node[] = [from];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (m.kind !== "apply" || m.graph !== from.graph || seen.has(m)) continue;
    if (seen.size >= bound) return null;
    seen.add(m);
    stack.push(...m.inputs);
  }
  return seen;
}

/** An apply that may print or call a function (which may): not merely fail. */
export const acts = (m: Apply): boolean => primOf(m.inputs[0]!)?.effect === "io" || primOf(m.inputs[0]!) === null;

export function mayAct(e: Node): boolean {
  if (e.kind !== "apply") return false;
  const all = cone(e);
  if (all === null) return true;
  for (const m of all) if (acts(m)) return true;
  return false;
}

/**
 * Whether `seq(e, n)` may be `n`: n evaluates e, and completes nothing that acts before it
 * enters e (post-order, inputs left to right), so what e does still comes first and in its own
 * order. Which of two failures comes first may change, as when inlining
 * (inline.ts). A bounded search: what it cannot decide is kept.
 */
export function computedFor(n: Node, e: Node, bound = 64): boolean {
  if (n.kind !== "apply" || e.kind !== "apply" || e.graph !== n.graph) return false;
  const first = cone(e);
  if (first === null) return false;
  const done = new Set<Node>();
  const stack: { readonly node: Apply; next: number }[] = [{ node: n, next: 0 }];
  let reached = false;
  while (stack.length > 0 && done.size < bound) {
    const top = stack[stack.length - 1]!;
    if (top.node === e) {
      stack.pop();
      reached = true;
      for (const m of first) done.add(m);
      continue;
    }
    if (top.next < top.node.inputs.length) {
      const m = top.node.inputs[top.next++]!;
      if (m.kind === "apply" && m.graph === n.graph && !done.has(m)) stack.push({ node: m, next: 0 });
      continue;
    }
    stack.pop();
    done.add(top.node);
    // What completes once e is in acts after e, as in `seq(e, n)`: a call of e's value is `e()`.
    if (acts(top.node) && !reached) return false;
  }
  return reached && stack.length === 0;
}
