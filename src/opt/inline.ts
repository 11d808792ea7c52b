// Inlining: a call `G(args)` of a graph constant becomes a copy of G's body in the caller, with
// G's parameters replaced by the arguments. Graphs nested in G (closures over G's nodes) are
// copied with it, so the copies close over the caller's copies. Calling a closure built in the
// same graph is the same operation (beta reduction): its free variables are already visible there.
import { addParameter, apply, applyPrim, constant, isConstantGraph, isGraph, newGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import { seq } from "../prims/structural.js";
import { isPure } from "../ir/purity.js";
import type { Analysis } from "../ir/manager.js";
import { acts, capturedBy, mayAct } from "./effects.js";
import type { Rewriter } from "./rewriter.js";

/** What the inliner knows of the round's graphs besides the analysis. */
export interface InlineContext {
  readonly recursive: (g: Graph) => boolean;
  /** How many constants name `g`, over every graph of the round. */
  readonly references: (g: Graph) => number;
  readonly roots: readonly Graph[];
  /** The graphs this optimize may change: inlining one named only once moves it rather than copying it. */
  readonly owned: ReadonlySet<Graph>;
}

/**
 * A graph worth inlining at `site`: small or ours and named only there, unchanged this round (the
 * copy is made from the analysis, which describes the graphs as the round found them), and not
 * recursive — unless `site` is the only place that names it and its body names it nowhere: then
 * the copy replaces it in its cycle of graphs, which gets one graph shorter (so a recursive
 * backward pass made of several graphs becomes one).
 */
export function inlinable(site: Apply, analysis: Analysis, context: InlineContext, maxSize: number, rw: Rewriter): Graph | null {
  const callee = site.inputs[0]!;
  if (!isConstantGraph(callee)) return null;
  const g = callee.value;
  if (g === site.graph || g.output === null || g.parameters.length !== site.inputs.length - 1) return null;
  if (!analysis.applies.has(g) || nested(g, analysis).some((h) => rw.touched.has(h) || h.flags.opaque)) return null;
  const recursive = context.recursive(g);
  if (recursive && !namedOnlyAt(g, analysis, context)) return null;
  if (size(g, analysis) <= maxSize) return g;
  // A graph of ours named only here is moved, not copied: whatever its size, nothing grows.
  return context.owned.has(g) && (recursive || namedOnlyAt(g, analysis, context)) ? g : null;
}

function namedOnlyAt(g: Graph, analysis: Analysis, { references, roots }: InlineContext): boolean {
  if (references(g) !== 1 || roots.includes(g)) return false;
  return !nested(g, analysis).some((h) => (analysis.graphConstants.get(h) ?? []).includes(g));
}

/** Applies in g and every graph nested in it. */
function size(g: Graph, analysis: Analysis): number {
  let n = 0;
  for (const h of nested(g, analysis)) n += analysis.applies.get(h)?.length ?? 0;
  return n;
}

/** g and the graphs nested in it, parents first. */
function nested(g: Graph, analysis: Analysis): Graph[] {
  const out = [g];
  for (let i = 0; i < out.length; i++) out.push(...(analysis.children.get(out[i]!) ?? []));
  return out;
}

/**
 * Copies the body of `g` into `host` — its applies become host's, the graphs nested in it are
 * copied too — reading each node of `map` (g's parameters, at least) as the node it maps to.
 * Returns the image of g's output and the copies of the nested graphs.
 */
export function copyBody(g: Graph, host: Graph, map: Map<Node, Node>, analysis: Analysis, rw: Rewriter, loc: Apply["loc"]): { output: Node; nested: Graph[] } {
  const inner = nested(g, analysis).slice(1);
  const graphCopies = new Map<Graph, Graph>();
  for (const k of inner) {
    const copy = newGraph(k.name, k.loc, { ...k.flags });
    for (const p of k.parameters) map.set(p, addParameter(copy, p.name, p.loc));
    graphCopies.set(k, copy);
  }
  // Two phases, so that copying needs no recursion however deep the body is.
  const made: [Apply, Apply][] = [];
  for (const k of [g, ...inner]) {
    const owner = k === g ? host : graphCopies.get(k)!;
    for (const a of analysis.applies.get(k) ?? []) {
      // Code generated without a place of its own (a primitive's J) takes the call's.
      const copy = apply(owner, [], a.loc ?? loc);
      map.set(a, copy);
      made.push([a, copy]);
    }
  }
  const image = (n: Node): Node => {
    const m = map.get(n);
    if (m !== undefined) return m;
    if (n.kind === "constant" && isGraph(n.value)) {
      const copy = graphCopies.get(n.value);
      if (copy !== undefined) return constant(copy, n.loc);
    }
    return n;
  };
  for (const [a, copy] of made) {
    copy.inputs = a.inputs.map(image);
    rw.track(copy);
  }
  for (const [k, copy] of graphCopies) {
    copy.output = image(k.output!);
    rw.captures.noteCopy(k, copy, analysis.freeVariables.get(k) ?? [], image);
  }
  return { output: image(g.output!), nested: [...graphCopies.values()] };
}

/** Replaces the call `site` by a copy of its callee's body; returns the copies of nested graphs. */
export function inlineCall(site: Apply, g: Graph, analysis: Analysis, rw: Rewriter): Graph[] {
  const host = site.graph;
  const map = new Map<Node, Node>();
  g.parameters.forEach((p, i) => map.set(p, site.inputs[i + 1]!));
  const { output, nested: copies } = copyBody(g, host, map, analysis, rw, site.loc);
  // A call evaluates every argument before its body, left to right. In the copy, an argument
  // that can act or fail runs where it is first needed, which may be never — the body ignores
  // it, or only a closure it makes (that may be dropped) reads it — or after an action of the
  // body, or, if another acting argument follows it, in whatever order the body reads them
  // (`b + a`): such arguments are put in a seq before the body. Before them, making the closure
  // evaluated the nodes of the caller it captures: those that may act keep that place too.
  const captured = (analysis.freeVariables.get(g) ?? []).filter((n) => n.kind === "apply" && n.graph === host && mayAct(n));
  const args = site.inputs.slice(1);
  const acting = args.map((arg) => mayAct(arg) || makesActing(arg, host, analysis));
  const lastActing = acting.lastIndexOf(true);
  const kept = captured.concat(
    args.filter((arg, i) => {
      const p = g.parameters[i]!;
      if (acting[i] && i < lastActing) return true;
      return (!isPure(arg) || acting[i]) && (!readsDirectly(g, p, analysis) || actsBefore(g, p, analysis));
    }),
  );
  let result = output;
  if (kept.length > 0) {
    const ordered = applyPrim(host, seq, [...kept, result], site.loc);
    rw.track(ordered);
    result = ordered;
  }
  rw.replace(site, result);
  return copies;
}

/** Whether `arg` makes a closure that captures a node of `host` that may act (or one not known yet). */
function makesActing(arg: Node, host: Graph, analysis: Analysis): boolean {
  return capturedBy(arg, host, analysis)?.some((n) => n === arg || mayAct(n)) ?? false;
}

/** Whether g's own applies (not only the closures it makes) read parameter p. */
function readsDirectly(g: Graph, p: Node, analysis: Analysis): boolean {
  return (analysis.users.get(p) ?? []).some(({ user }) => user.graph === g) || g.output === p;
}

/**
 * Whether g has an apply that may act (print, or call a function) without depending on p: it
 * could run before p is read. Failures alone are not counted: which of two failures is reported
 * first may change, but not whether the program fails — or the derivative code of nearly every
 * primitive would keep its arguments in a seq.
 */
function actsBefore(g: Graph, p: Node, analysis: Analysis): boolean {
  const reached = new Set<Node>([p]);
  const stack: Node[] = [p];
  while (stack.length > 0) {
    for (const { user } of analysis.users.get(stack.pop()!) ?? []) {
      if (user.graph === g && !reached.has(user)) {
        reached.add(user);
        stack.push(user);
      }
    }
  }
  return (analysis.applies.get(g) ?? []).some((a) => !reached.has(a) && acts(a));
}
