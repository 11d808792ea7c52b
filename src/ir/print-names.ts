// The names every printout of the IR shares (text, DOT, JSON), so that `%7` means the same node
// whichever format a reader looks at: graph labels made unique with `#k`, graphs listed parents
// first, parameters as `%name` (made unique with `.k`), Applies numbered `%1, %2, …` across the
// printout in evaluation order, and constants shown inline the way the text printer shows them.
import { formatValue } from "../runtime/format-value.js";
import { isGraph, type Apply, type ConstValue, type Graph, type Node } from "./graph.js";
import { analyze, type Analysis } from "./manager.js";
import { evaluationOrder } from "./order.js";
import { EnvKey, EnvValue, isPrimitive } from "../runtime/values.js";

export interface Naming {
  readonly analysis: Analysis;
  /** Roots first, then each graph's children right after it: the order graphs are printed in. */
  readonly graphs: readonly Graph[];
  readonly graphLabels: ReadonlyMap<Graph, string>;
  /** The Applies shown for each graph, in evaluation order. */
  readonly applies: ReadonlyMap<Graph, readonly Apply[]>;
  /** `%x`, `%x.2`, `%1`, … for the parameters and shown Applies. */
  readonly names: ReadonlyMap<Node, string>;
  /** How a node appears as an operand: its name, or a constant's value as text. */
  ref(n: Node): string;
}

export interface NamingOptions {
  /**
   * Also show Applies the analysis found but evaluation order does not reach (none in practice);
   * they are numbered after all the others, so the shared numbers stay those of the text form.
   */
  readonly everyApply?: boolean;
}

export function nameGraphs(root: Graph, options: NamingOptions = {}): Naming {
  const analysis = analyze([root]);
  const graphs = parentsFirst(analysis);
  const graphLabels = new Map<Graph, string>();
  const usedLabels = new Set<string>();
  for (const g of analysis.graphs) {
    let label = g.name;
    for (let k = 2; usedLabels.has(label); k++) label = `${g.name}#${k}`;
    usedLabels.add(label);
    graphLabels.set(g, label);
  }

  const names = new Map<Node, string>();
  const applies = new Map<Graph, Apply[]>();
  const paramNames = new Set<string>();
  let counter = 0;
  for (const g of graphs) {
    for (const p of g.parameters) {
      let name = `%${p.name}`;
      for (let k = 2; paramNames.has(name); k++) name = `%${p.name}.${k}`;
      paramNames.add(name);
      names.set(p, name);
    }
    const order = evaluationOrder(g, analysis);
    for (const n of order) names.set(n, `%${++counter}`);
    applies.set(g, order);
  }
  if (options.everyApply === true) {
    for (const g of graphs) {
      const missed = (analysis.applies.get(g) ?? []).filter((a) => !names.has(a));
      for (const a of missed) names.set(a, `%${++counter}`);
      applies.set(g, [...applies.get(g)!, ...missed]);
    }
  }

  const ref = (n: Node): string => {
    if (n.kind === "constant") return constantText(n.value, graphLabels, names);
    return names.get(n) ?? `%?${n.kind === "parameter" ? n.name : n.id}`;
  };
  return { analysis, graphs, graphLabels, applies, names, ref };
}

/** A constant as an operand: `@graph`, a primitive's name, `key(…)`, `newenv`, or the value. */
export function constantText(v: ConstValue, graphLabels: ReadonlyMap<Graph, string>, names: ReadonlyMap<Node, string>): string {
  if (isGraph(v)) return `@${graphLabels.get(v) ?? v.name}`;
  if (isPrimitive(v)) return v.name;
  if (v instanceof EnvKey) return `key(${names.get(v.node) ?? primalLabel(v.node)})`;
  if (v instanceof EnvValue && v.entries.size === 0) return "newenv";
  return formatValue(v, true);
}

/** A graph's heading in parts: `graph f(%x) [loop]`, then `closes over %a` if it is a closure. */
export function graphHeading(g: Graph, naming: Naming): string[] {
  const params = g.parameters.map(naming.ref);
  const flags = graphFlags(g);
  const fvs = (naming.analysis.freeVariables.get(g) ?? []).map(naming.ref);
  const title = `graph ${naming.graphLabels.get(g)}(${params.join(", ")})${flags.length ? ` [${flags.join(", ")}]` : ""}`;
  return fvs.length ? [title, `closes over ${fvs.join(", ")}`] : [title];
}

/** The flags a graph is printed with, e.g. `["loop"]`. */
export function graphFlags(g: Graph): string[] {
  return [g.flags.loop ? "loop" : "", g.flags.branch ? "branch" : ""].filter(Boolean);
}

/** A node of a graph outside the printout (the primal side of an AD key), named stably. */
function primalLabel(n: Node): string {
  if (n.kind === "parameter") return n.name;
  const where = n.loc ? `@${n.loc.line}:${n.loc.col}` : "";
  return n.kind === "apply" ? `${n.graph.name}${where}` : where;
}

/** Roots first, then each graph's children right after it, in the order they were found. */
function parentsFirst(analysis: Analysis): Graph[] {
  const out: Graph[] = [];
  const seen = new Set<Graph>();
  const visit = (g: Graph): void => {
    const stack = [g];
    while (stack.length > 0) {
      const h = stack.pop()!;
      if (seen.has(h)) continue;
      seen.add(h);
      out.push(h);
      const kids = (analysis.children.get(h) ?? []).filter((k) => !seen.has(k));
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  };
  for (const g of analysis.graphs) if (analysis.parent.get(g) === null) visit(g);
  for (const g of analysis.graphs) visit(g);
  return out;
}
