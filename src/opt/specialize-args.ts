// Specialization on constant function arguments: a call `G(…, @f, …)` of a graph the inliner will
// not take (it is recursive, or large) becomes a call of a copy of G with that parameter replaced
// by @f, for each parameter G calls or passes on. Inside the copy `f(x)` is a call of a known
// graph, which inlining then removes, and a recursive call passing the parameter along becomes,
// a round later, a call of the copy itself: a `fold(f, …)` or `apply_n(f, …)` written in Myx ends
// up with f inlined in its body. Copies are made once per graph and choice of functions.
import { addParameter, apply, constant, isConstantGraph, newGraph, type Apply, type Graph, type Node } from "../ir/graph.js";
import type { Analysis } from "../ir/manager.js";
import { copyBody } from "./inline.js";
import type { Rewriter } from "./rewriter.js";

/** The functions `site` passes that G can be specialized on, by parameter; null where none. */
function fixedArguments(site: Apply, g: Graph, analysis: Analysis, source: Analysis): (Graph | null)[] {
  return g.parameters.map((p, i) => {
    const arg = site.inputs[i + 1]!;
    if (!isConstantGraph(arg) || (analysis.freeVariables.get(arg.value) ?? []).length > 0) return null;
    // Worth it only where G calls the parameter or hands it to another known graph (handing it
    // back to G in the same place, as a recursion does, calls nothing by itself).
    const used = (source.users.get(p) ?? []).some(({ user, index }) => {
      const to = user.inputs[0]!;
      return index === 0 || (isConstantGraph(to) && !(to.value === g && index === i + 1));
    });
    return used ? arg.value : null;
  });
}

/**
 * Replaces `site` by a call of its callee specialized on the closed functions it passes; returns
 * the graphs made (to be owned and optimized), or null when there is nothing to specialize.
 * `analysis` has walked the caller and `source` the callee; `blocked` says whether a graph may
 * not be copied now; `copies` holds the copies made so far, per graph and choice of functions.
 */
export function specializeCall(
  site: Apply,
  analysis: Analysis,
  source: Analysis,
  blocked: (g: Graph) => boolean,
  rw: Rewriter,
  copies: WeakMap<Graph, Map<string, Graph>>,
): Graph[] | null {
  const callee = site.inputs[0]!;
  if (!isConstantGraph(callee)) return null;
  const g = callee.value;
  if (g.output === null || g.parameters.length !== site.inputs.length - 1 || !source.applies.has(g)) return null;
  const fixed = fixedArguments(site, g, analysis, source);
  if (fixed.every((f) => f === null)) return null;
  const nested = [g];
  for (let i = 0; i < nested.length; i++) nested.push(...(source.children.get(nested[i]!) ?? []));
  if (nested.some(blocked)) return null;

  const key = fixed.map((f) => (f === null ? "" : String(f.id))).join(",");
  let byKey = copies.get(g);
  if (byKey === undefined) copies.set(g, (byKey = new Map()));
  let made: Graph[] = [];
  let special = byKey.get(key);
  if (special === undefined) {
    special = newGraph(`${g.name}[${fixed.filter((f) => f !== null).map((f) => f!.name).join(", ")}]`, g.loc, { ...g.flags });
    const map = new Map<Node, Node>();
    g.parameters.forEach((p, i) => {
      const f = fixed[i];
      map.set(p, f === null || f === undefined ? addParameter(special!, p.name, p.loc) : constant(f, p.loc));
    });
    const body = copyBody(g, special, map, source, rw, g.loc);
    special.output = body.output;
    byKey.set(key, special);
    made = [special, ...body.nested];
  }
  const call = apply(site.graph, [constant(special, callee.loc), ...site.inputs.slice(1).filter((_, i) => fixed[i] === null)], site.loc);
  rw.track(call);
  rw.replace(site, call);
  return made;
}
