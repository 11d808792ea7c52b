// The IR as a Graphviz drawing (`myx ir --format dot`). The point of drawing it is to see what the
// text form only lists: how closures nest and what they capture. So each graph is a cluster drawn
// inside the cluster of the graph it closes over (the analysis's parent), and a use of a free
// variable is a dashed edge that visibly crosses from the owner's cluster into the closure's.
// Names match the text form (`%3`, `%x`, `@f▶`), so the two can be read side by side.
import { isConstantGraph, type Apply, type Constant, type Graph, type Node } from "./graph.js";
import { graphHeading, nameGraphs, type Naming } from "./print-names.js";

/** Constants longer than this are cut short in labels: a drawing is for shape, not for data. */
const MAX_CONSTANT = 24;

type GraphConstant = Constant & { value: Graph };

const STYLE = {
  graph: 'compound=true; rankdir=TB; fontname="Helvetica"; fontsize=11; labeljust=l;',
  node: 'node [fontname="Helvetica", fontsize=10, shape=box, style=rounded];',
  edge: 'edge [fontname="Helvetica", fontsize=9];',
  cluster: 'style=rounded; color="#8c959f";',
  parameter: 'shape=ellipse, style=filled, fillcolor="#ddf4ff"',
  graphConstant: 'shape=plaintext, fontcolor="#8250df"',
  output: 'shape=plaintext, fontcolor="#57606a"',
  anchor: 'shape=point, style=invis, width=0, height=0, label=""',
  recursiveAnchor: 'shape=point, width=0.08, color="#8250df", label=""',
  callee: "style=bold",
  freeVariable: 'style=dashed, color="#0969da"',
  freeVariableCallee: 'style="dashed,bold", color="#0969da"',
  reference: 'style=dotted, color="#8250df", arrowhead=empty',
} as const;

export function printDot(root: Graph): string {
  const naming = nameGraphs(root, { everyApply: true });
  const { analysis, graphs } = naming;
  const index = new Map(graphs.map((g, i) => [g, i + 1]));
  const ids = new Map<Node, string>();
  let paramCount = 0;
  for (const g of graphs) {
    for (const p of g.parameters) ids.set(p, `p${++paramCount}`);
    for (const a of naming.applies.get(g) ?? []) ids.set(a, `n${naming.names.get(a)!.slice(1)}`);
  }
  // A graph constant is drawn once per graph that uses it, since a node lives in one cluster.
  const constantIds = new Map<Graph, Map<GraphConstant, string>>();
  const constantId = (user: Graph, c: GraphConstant): string => {
    const own = constantIds.get(user)!;
    if (!own.has(c)) own.set(c, `c${index.get(user)}_${own.size + 1}`);
    return own.get(c)!;
  };
  for (const g of graphs) {
    constantIds.set(g, new Map());
    for (const a of naming.applies.get(g) ?? []) for (const n of a.inputs) if (isConstantGraph(n)) constantId(g, n);
    if (g.output !== null && isConstantGraph(g.output)) constantId(g, g.output);
  }
  // Each drawn graph constant points at its graph's cluster. An edge may only be clipped at a
  // cluster it starts outside of, so a recursive reference (from inside the cluster) ends at the
  // cluster's anchor instead, which is then drawn as a dot for the arrow to reach.
  const references = graphs.flatMap((g) =>
    [...constantIds.get(g)!].map(([c, from]) => ({ from, target: c.value, inside: enclosing(g, analysis.parent).includes(c.value) })),
  );
  const recursive = new Set(references.filter((r) => r.inside).map((r) => r.target));

  const lines = [`digraph ${quote(naming.graphLabels.get(root)!)} {`, `  ${STYLE.graph}`, `  ${STYLE.node}`, `  ${STYLE.edge}`];
  const drawCluster = (g: Graph, indent: string): void => {
    const i = index.get(g)!;
    const inner = `${indent}  `;
    lines.push(`${indent}subgraph cluster_${i} {`, `${inner}label=${quoteLines(graphHeading(g, naming))}; ${STYLE.cluster}`);
    lines.push(`${inner}g${i} [${recursive.has(g) ? STYLE.recursiveAnchor : STYLE.anchor}];`);
    for (const p of g.parameters) lines.push(`${inner}${ids.get(p)} [label=${quote(naming.ref(p))}, ${STYLE.parameter}];`);
    for (const [c, id] of constantIds.get(g)!) lines.push(`${inner}${id} [label=${quote(naming.ref(c))}, ${STYLE.graphConstant}];`);
    for (const a of naming.applies.get(g) ?? []) lines.push(`${inner}${ids.get(a)} [label=${quote(applyLabel(a, naming))}];`);
    const out = g.output;
    const returned = out === null ? "return ?" : out.kind === "constant" && !isConstantGraph(out) ? `return ${compact(naming.ref(out))}` : "return";
    lines.push(`${inner}r${i} [label=${quote(returned)}, ${STYLE.output}];`);
    for (const child of analysis.children.get(g) ?? []) drawCluster(child, inner);
    lines.push(`${indent}}`);
  };
  for (const g of graphs) if ((analysis.parent.get(g) ?? null) === null) drawCluster(g, "  ");

  // Edges come after every node is declared: an edge naming an undeclared node would create it
  // in whichever cluster the edge statement sits in.
  const edge = (from: Node, user: Graph, to: string, asCallee: boolean): void => {
    if (from.kind === "constant") {
      if (isConstantGraph(from)) lines.push(`  ${constantId(user, from)} -> ${to}${asCallee ? ` [${STYLE.callee}]` : ""};`);
      return;
    }
    const free = from.graph !== user;
    const style = free ? (asCallee ? STYLE.freeVariableCallee : STYLE.freeVariable) : asCallee ? STYLE.callee : "";
    lines.push(`  ${ids.get(from) ?? missing(from)} -> ${to}${style ? ` [${style}]` : ""};`);
  };
  for (const g of graphs) {
    for (const a of naming.applies.get(g) ?? []) a.inputs.forEach((n, k) => edge(n, g, ids.get(a)!, k === 0));
    if (g.output !== null) edge(g.output, g, `r${index.get(g)}`, false);
  }
  for (const { from, target, inside } of references) {
    lines.push(`  ${from} -> g${index.get(target)} [${STYLE.reference}${inside ? "" : `, lhead=cluster_${index.get(target)}`}];`);
  }
  lines.push("}");
  return lines.join("\n");
}

/** `%3 = mul(%1, 2)`: the text form's line, with long constants cut short. */
function applyLabel(a: Apply, naming: Naming): string {
  const show = (n: Node): string => (n.kind === "constant" ? compact(naming.ref(n)) : naming.ref(n));
  const [callee, ...args] = a.inputs;
  return `${naming.names.get(a)} = ${show(callee!)}(${args.map(show).join(", ")})`;
}

/** g and the graphs around it, innermost first. */
function enclosing(g: Graph, parent: ReadonlyMap<Graph, Graph | null>): Graph[] {
  const chain: Graph[] = [];
  for (let h: Graph | null = g; h !== null; h = parent.get(h) ?? null) chain.push(h);
  return chain;
}

function compact(text: string): string {
  return text.length <= MAX_CONSTANT ? text : `${text.slice(0, MAX_CONSTANT - 1)}…`;
}

/** A DOT string: quotes and backslashes escaped, newlines as `\n`, other control characters shown, not sent. */
function quote(text: string): string {
  return `"${escape(text)}"`;
}

/** A DOT string of left-justified lines (`\l` ends each one). */
function quoteLines(lines: readonly string[]): string {
  return `"${lines.map((l) => `${escape(l)}\\l`).join("")}"`;
}

function escape(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function missing(n: Node): never {
  throw new Error(`internal: node ${n.id} is used but not in the drawing`);
}
