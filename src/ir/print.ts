// The readable text form of graphs, used by `myx ir` and by golden tests. Graphs are listed
// parents first; each lists its parameters, the free variables it closes over, and one line per
// Apply in evaluation order. Numbering is per printout, so the text does not depend on node ids.
import { formatValue } from "./format-value.js";
import { isGraph, type Graph, type Node } from "./graph.js";
import { analyze, type Analysis } from "./manager.js";
import { isPrimitive } from "./values.js";

/** The Applies of `g` in the order the VM evaluates them: depth-first from the output, inputs left to right. */
export function evaluationOrder(g: Graph, analysis: Analysis): Node[] {
  const order: Node[] = [];
  const done = new Set<Node>();
  const deps = (n: Node): Node[] => {
    if (n.kind === "apply") return n.inputs;
    if (n.kind === "constant" && isGraph(n.value)) return (analysis.freeVariables.get(n.value) ?? []).filter((f) => f.kind !== "constant" && f.graph === g);
    return [];
  };
  const roots = g.output === null ? [] : [g.output];
  const stack: { node: Node; next: number }[] = roots.map((node) => ({ node, next: 0 }));
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const ds = deps(top.node);
    if (top.next < ds.length) {
      const d = ds[top.next++]!;
      if (!done.has(d) && (d.kind === "constant" || d.graph === g)) stack.push({ node: d, next: 0 });
      continue;
    }
    stack.pop();
    if (done.has(top.node)) continue;
    done.add(top.node);
    if (top.node.kind === "apply") order.push(top.node);
  }
  return order;
}

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
      if (n.kind !== "apply") continue;
      const [callee, ...args] = n.inputs;
      lines.push(`  ${names.get(n)} = ${ref(callee!)}(${args.map(ref).join(", ")})`);
    }
    lines.push(`  return ${g.output === null ? "?" : ref(g.output)}`, "}");
  }
  return lines.join("\n");
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
