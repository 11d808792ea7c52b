// The readable text form of graphs, used by `myx ir` and by golden tests. Graphs are listed
// parents first; each lists its parameters, the free variables it closes over, and one line per
// Apply in evaluation order. Numbering is per printout, so the text does not depend on node ids.
import { formatValue } from "./format-value.js";
import { EnvKey, EnvValue } from "./values.js";
import { isGraph, type Graph, type Node } from "./graph.js";
import { analyze, type Analysis } from "./manager.js";
import { evaluationOrder } from "./order.js";
import { isPrimitive } from "./values.js";

export function printGraphs(root: Graph): string {
  const analysis = analyze([root]);
  const names = new Map<Node, string>();
  const graphLabels = new Map<Graph, string>();
  const usedLabels = new Set<string>();
  for (const g of analysis.graphs) {
    let label = g.name;
    for (let k = 2; usedLabels.has(label); k++) label = `${g.name}#${k}`;
    usedLabels.add(label);
    graphLabels.set(g, label);
  }
  const paramNames = new Set<string>();
  let counter = 0;
  const ref = (n: Node): string => {
    if (n.kind === "constant") {
      const v = n.value;
      if (isGraph(v)) return `@${graphLabels.get(v) ?? v.name}`;
      if (isPrimitive(v)) return v.name;
      if (v instanceof EnvKey) return `key(${names.get(v.node) ?? primalLabel(v.node)})`;
      if (v instanceof EnvValue && v.entries.size === 0) return "newenv";
      return formatValue(v, true);
    }
    return names.get(n) ?? `%?${n.kind === "parameter" ? n.name : n.id}`;
  };

  const lines: string[] = [];
  for (const g of parentsFirst(analysis)) {
    const params = g.parameters.map((p) => {
      let name = `%${p.name}`;
      for (let k = 2; paramNames.has(name); k++) name = `%${p.name}.${k}`;
      paramNames.add(name);
      names.set(p, name);
      return name;
    });
    const order = evaluationOrder(g, analysis);
    for (const n of order) names.set(n, `%${++counter}`);
    const fvs = (analysis.freeVariables.get(g) ?? []).map(ref);
    const flags = [g.flags.loop ? "loop" : "", g.flags.branch ? "branch" : ""].filter(Boolean);
    const header = `graph ${graphLabels.get(g)}(${params.join(", ")})`;
    const notes = [flags.length ? `[${flags.join(", ")}]` : "", fvs.length ? `closes over ${fvs.join(", ")}` : ""].filter(Boolean);
    lines.push(`${header}${notes.length ? " " + notes.join(" ") : ""} {`);
    for (const n of order) {
      const [callee, ...args] = n.inputs;
      lines.push(`  ${names.get(n)} = ${ref(callee!)}(${args.map(ref).join(", ")})`);
    }
    lines.push(`  return ${g.output === null ? "?" : ref(g.output)}`, "}");
  }
  return lines.join("\n");
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
