// What the rewrites may leave out or move without a user seeing it: which nodes may act (print,
// or call a function, which may), and which are computed anyway, whatever the rewrite does.
// Failures count for less than actions: which of two failures is reported first may change (as
// when inlining), whether the program fails may not.
import type { Apply, Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import type { Primitive } from "../ir/primitive.js";
import { isPure } from "../ir/purity.js";
import * as S from "../ir/prims/scalar.js";
import * as D from "../ir/prims/sensitivity.js";
import * as T from "../ir/prims/structural.js";
import { EnvValue, isTuple } from "../ir/values.js";
import { callOf, constValue, primOf } from "./match.js";

/**
 * Uses that rewrites bypass — the structural ones, `add_sens` of a zero, `env_get` of another
 * key — so no witness that a node is computed.
 */
const BYPASSED = new Set<Primitive>([T.makeTuple, T.makeRecord, T.switchPrim, S.where, D.zerosLikePrim, D.envSet]);

/**
 * Taking one item of `made`, a structure built right there, drops the others — only when that
 * loses nothing a user would see: each cannot fail or act, or (in what AD builds, not `strict`)
 * is computed anyway: taken out of `made` by another user too, used by another in the same
 * graph, or living in a graph of its own. The values AD pairs with backpropagators, and the
 * items of what a backpropagator returns, are of that kind; a print or a failing expression
 * that only a structure keeps is not.
 */
export function othersDroppable(made: Apply, items: readonly Node[], kept: Node, strict: boolean, analysis: Analysis): boolean {
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
  const computedAnyway = (n: Node): boolean => n.kind !== "apply" || n.graph !== made.graph || witnessed(n, 0);
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
  // Computed elsewhere, an item acts where it is used, not where the structure is: two items
  // with actions of their own could swap them ({a: print("P"), b: print("Q")}.b, then .a).
  // Items that act only through the same calls (a value and the record of how it was computed,
  // in AD code) cannot.
  if (!strict && !sameActions(items.filter((n) => !isPure(n) && actsIn(n, analysis)))) return false;
  // What a backpropagator returns, `(env, ∂x…)`, holds sensitivities: one that cannot act is
  // dropped, as is the derivative code it would run (a failure there would be AD's own).
  const sensitivities = primOf(made.inputs[0]!) === T.makeTuple && made.inputs[1] !== undefined && isEnv(made.inputs[1]);
  const droppable = (n: Node): boolean => takenElsewhere.has(n) || computedAnyway(n) || (sensitivities && !actsIn(n, analysis));
  return items.every((n) => n === kept || isPure(n) || (!strict && droppable(n)));
}

/** An environment: `newenv`, or one `env_set` makes. */
function isEnv(n: Node): boolean {
  return constValue(n) instanceof EnvValue || callOf(n, D.envSet) !== null;
}

/** Whether the nodes evaluate the same applies that may act, in their own graph. */
function sameActions(nodes: readonly Node[]): boolean {
  if (nodes.length < 2) return true;
  const actionsOf = (n: Node): string =>
    n.kind !== "apply"
      ? ""
      : [...cone(n, Infinity)!]
          .filter(acts)
          .map((m) => m.id)
          .sort((a, b) => a - b)
          .join(",");
  const first = actionsOf(nodes[0]!);
  return nodes.every((n) => actionsOf(n) === first);
}

/** Per analysis (so per round), whether evaluating each node may act: print, or call a function. */
const actions = new WeakMap<Analysis, Map<Node, boolean>>();

/** Whether `n` or what it computes in its own graph may act; memoized, without recursion. */
function actsIn(n: Node, analysis: Analysis): boolean {
  let memo = actions.get(analysis);
  if (memo === undefined) actions.set(analysis, (memo = new Map()));
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
  return all === null || [...all].some(acts);
}

/**
 * Whether `seq(e, n)` may be `n`: n reaches e among its inputs in its own graph, so evaluates it
 * anyway, and nothing else n evaluates (beside what e does) can act, so e still comes before every
 * action. Which of two failures comes first may change, as when inlining (inline.ts). A bounded
 * search: what it cannot decide is kept.
 */
export function computedFor(n: Node, e: Node): boolean {
  if (n.kind !== "apply" || e.kind !== "apply" || e.graph !== n.graph) return false;
  const [all, first] = [cone(n), cone(e)];
  if (all === null || first === null || !all.has(e)) return false;
  return [...all].every((m) => first.has(m) || !acts(m));
}
