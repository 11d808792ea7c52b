// `myx ir --format dot`: the drawing must be valid DOT whatever names and strings the program
// holds, and must show what the analysis says — clusters nested as graphs nest, and a closure's
// use of an outer value as a dashed edge crossing into its cluster. A small DOT reader checks the
// structure everywhere; where Graphviz is installed, `dot -Tsvg` must also accept it silently.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { Session } from "../../src/ad/session.js";
import type { Graph } from "../../src/ir/graph.js";
import { printDot } from "../../src/ir/print-dot.js";
import { graphHeading, nameGraphs } from "../../src/ir/print-names.js";
import { lowerModule } from "./helpers.js";

type Attrs = Map<string, string>;

interface Dot {
  readonly nodes: Map<string, { cluster: string | null; attrs: Attrs }>;
  readonly edges: { from: string; to: string; attrs: Attrs }[];
  /** Each cluster's enclosing cluster, and its label. */
  readonly clusters: Map<string, { parent: string | null; label: string }>;
}

/** Tokens of DOT: quoted strings (unescaped), identifiers, `->` and punctuation. */
function tokenize(text: string): { kind: "id" | "string" | "punct"; text: string }[] {
  const tokens: { kind: "id" | "string" | "punct"; text: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      let j = i + 1;
      let value = "";
      for (; j < text.length && text[j] !== '"'; j++) {
        // DOT itself only unescapes \" ; \\ and \n reach Graphviz's label escapes, which we apply too.
        if (text[j] === "\\") value += { '"': '"', "\\": "\\", n: "\n", l: "\n" }[text[++j]!] ?? `\\${text[j]}`;
        else if (text[j] === "\n") throw new Error("raw newline inside a DOT string");
        else value += text[j];
      }
      if (j >= text.length) throw new Error("unterminated DOT string");
      tokens.push({ kind: "string", text: value });
      i = j + 1;
    } else if (text.startsWith("->", i)) {
      tokens.push({ kind: "punct", text: "->" });
      i += 2;
    } else if ("{}[]=;,".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i++;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*|^-?[0-9.]+/.exec(text.slice(i));
      if (m === null) throw new Error(`unexpected character ${JSON.stringify(c)} in DOT`);
      tokens.push({ kind: "id", text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Reads the subset of DOT the printer writes, refusing anything malformed. */
function parseDot(text: string): Dot {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at]?.text;
  const next = () => {
    const t = tokens[at++];
    if (t === undefined) throw new Error("DOT ends early");
    return t;
  };
  const expectToken = (s: string) => {
    const t = next();
    if (t.text !== s || t.kind === "string") throw new Error(`expected ${s}, got ${t.text}`);
  };
  const id = () => {
    const t = next();
    if (t.kind === "punct") throw new Error(`expected an id, got ${t.text}`);
    return t.text;
  };
  const attrList = (): Attrs => {
    const attrs: Attrs = new Map();
    if (peek() !== "[") return attrs;
    expectToken("[");
    while (peek() !== "]") {
      const key = id();
      expectToken("=");
      attrs.set(key, id());
      if (peek() === ",") next();
    }
    expectToken("]");
    return attrs;
  };
  const dot: Dot = { nodes: new Map(), edges: [], clusters: new Map() };
  expectToken("digraph");
  id();
  expectToken("{");
  const scope: string[] = [];
  let depth = 1;
  while (depth > 0) {
    if (peek() === "}") {
      next();
      depth--;
      scope.pop();
      continue;
    }
    if (peek() === "subgraph") {
      next();
      const name = id();
      expect(name).toMatch(/^cluster_/);
      expectToken("{");
      dot.clusters.set(name, { parent: scope.at(-1) ?? null, label: "" });
      scope.push(name);
      depth++;
      continue;
    }
    const first = id();
    if (peek() === "=") {
      next();
      const value = id();
      if (first === "label" && scope.length > 0) dot.clusters.get(scope.at(-1)!)!.label = value;
    } else if (peek() === "->") {
      next();
      const to = id();
      dot.edges.push({ from: first, to, attrs: attrList() });
    } else {
      const attrs = attrList();
      if (first !== "node" && first !== "edge") {
        expect(dot.nodes.has(first), `node ${first} declared twice`).toBe(false);
        dot.nodes.set(first, { cluster: scope.at(-1) ?? null, attrs });
      }
    }
    expectToken(";");
  }
  expect(at).toBe(tokens.length);
  return dot;
}

const ancestors = (dot: Dot, cluster: string | null): string[] => {
  const chain: string[] = [];
  for (let c = cluster; c !== null; c = dot.clusters.get(c)!.parent) chain.push(c);
  return chain;
};

/** Everything that must hold of any drawing; returns the parsed DOT and the cluster of each graph. */
function checkDrawing(root: Graph) {
  const text = printDot(root);
  let braces = 0;
  for (const t of tokenize(text)) {
    if (t.kind === "punct" && t.text === "{") braces++;
    if (t.kind === "punct" && t.text === "}") braces--;
    expect(braces).toBeGreaterThanOrEqual(0);
  }
  expect(braces).toBe(0);
  const dot = parseDot(text);
  for (const e of dot.edges) {
    expect(dot.nodes.has(e.from), `edge from undeclared ${e.from}`).toBe(true);
    expect(dot.nodes.has(e.to), `edge to undeclared ${e.to}`).toBe(true);
    const lhead = e.attrs.get("lhead");
    if (lhead !== undefined) {
      // Graphviz ignores (and warns about) lhead unless the edge starts outside that cluster.
      expect(ancestors(dot, dot.nodes.get(e.to)!.cluster)).toContain(lhead);
      expect(ancestors(dot, dot.nodes.get(e.from)!.cluster)).not.toContain(lhead);
    }
  }

  const naming = nameGraphs(root);
  const clusterOf = new Map<Graph, string>();
  for (const g of naming.graphs) {
    const title = graphHeading(g, naming)[0]!;
    const found = [...dot.clusters].filter(([, c]) => c.label.split("\n")[0] === title);
    expect(found, `one cluster titled ${title}`).toHaveLength(1);
    clusterOf.set(g, found[0]![0]);
  }
  expect(dot.clusters.size).toBe(naming.graphs.length);
  for (const g of naming.graphs) {
    const parent = naming.analysis.parent.get(g) ?? null;
    expect(dot.clusters.get(clusterOf.get(g)!)!.parent).toBe(parent === null ? null : clusterOf.get(parent)!);
  }
  // Each Apply and parameter is drawn once, in its own graph's cluster, labelled as the text names it.
  for (const g of naming.graphs) {
    const own = [...dot.nodes.values()].filter((n) => n.cluster === clusterOf.get(g));
    for (const a of naming.applies.get(g)!) {
      expect(own.filter((n) => n.attrs.get("label")!.startsWith(`${naming.names.get(a)} = `))).toHaveLength(1);
    }
    for (const p of g.parameters) expect(own.filter((n) => n.attrs.get("label") === naming.names.get(p))).toHaveLength(1);
  }
  return { text, dot, naming, clusterOf };
}

/** Edges whose tail is drawn outside the head's cluster, dashed: the uses of free variables. */
const freeVariableEdges = (dot: Dot) =>
  dot.edges.filter((e) => (e.attrs.get("style") ?? "").includes("dashed")).map((e) => ({ ...e, fromCluster: dot.nodes.get(e.from)!.cluster, toCluster: dot.nodes.get(e.to)!.cluster }));

const programs = {
  straight: ["def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));", "f"],
  closure: ["def make_affine(a, b) = |x| a * x + b;\ndef apply_it(x) = make_affine(2, 3)(x);", "apply_it"],
  loop: ["def pow(x, n) { var r = 1; var k = n; while k > 0 { r = r * x; k = k - 1; } r }", "pow"],
  recursion: ["def fact(n) = if n <= 1 { 1 } else { n * fact(n - 1) };", "fact"],
  strings: [String.raw`def f(x) { print("a\"b"); print("c\\d"); print("e\nf"); print("#/▶◀{}"); x }`, "f"],
} as const;

const graphOf = (name: keyof typeof programs): Graph => {
  const [source, fn] = programs[name];
  return lowerModule(source).defs.get(fn)!;
};

const drawings: [string, () => Graph][] = [
  ...Object.keys(programs).map((name): [string, () => Graph] => [name, () => graphOf(name as keyof typeof programs)]),
  ["grad of a small function", () => gradientGraph(new Session(null), lowerModule("def f(x) = sin(x) * x;").defs.get("f")!)],
  ["grad through a closure", () => gradientGraph(new Session(null), lowerModule("def loss(w) { let f = |v| w * v; f(2) + f(3) }").defs.get("loss")!)],
  ["grad of a loop", () => gradientGraph(new Session(null), graphOf("loop"))],
];

describe("ir as DOT", () => {
  it.each(drawings)("%s: valid, complete, nested as the analysis says", (_, make) => {
    checkDrawing(make());
  });

  it("draws straight-line code as one cluster with no free-variable edges", () => {
    const { dot } = checkDrawing(graphOf("straight"));
    expect(dot.clusters.size).toBe(1);
    expect(freeVariableEdges(dot)).toEqual([]);
  });

  it("draws a closure inside its maker, its captures as dashed edges crossing into it", () => {
    const { dot, naming, clusterOf } = checkDrawing(graphOf("closure"));
    const lambda = naming.graphs.find((g) => g.name === "lambda")!;
    const maker = naming.graphs.find((g) => g.name === "make_affine")!;
    expect(dot.clusters.get(clusterOf.get(lambda)!)!.parent).toBe(clusterOf.get(maker));
    const crossing = freeVariableEdges(dot);
    expect(crossing.map((e) => dot.nodes.get(e.from)!.attrs.get("label")).sort()).toEqual(["%a", "%b"]);
    for (const e of crossing) {
      expect(e.fromCluster).toBe(clusterOf.get(maker));
      expect(e.toCluster).toBe(clusterOf.get(lambda));
    }
    // `@lambda` is drawn where it is made, pointing at the closure's cluster.
    const ref = [...dot.nodes].find(([, n]) => n.attrs.get("label") === "@lambda")!;
    expect(ref[1].cluster).toBe(clusterOf.get(maker));
    expect(dot.edges.filter((e) => e.from === ref[0]).map((e) => e.attrs.get("lhead"))).toContain(clusterOf.get(lambda));
  });

  it("draws a loop as nested clusters whose recursive call points back at the loop", () => {
    const { dot, naming, clusterOf } = checkDrawing(graphOf("loop"));
    const loop = naming.graphs.find((g) => g.flags.loop)!;
    const body = naming.graphs.find((g) => g.name.endsWith("while-body"))!;
    expect(ancestors(dot, clusterOf.get(body)!)).toContain(clusterOf.get(loop));
    expect(dot.clusters.get(clusterOf.get(loop)!)!.label).toContain("[loop]");
    const recursive = dot.edges.filter((e) => dot.nodes.get(e.from)!.cluster === clusterOf.get(body) && e.to === `g${clusterOf.get(loop)!.slice("cluster_".length)}`);
    expect(recursive).toHaveLength(1);
    expect(recursive[0]!.attrs.has("lhead")).toBe(false);
    expect(freeVariableEdges(dot).some((e) => dot.nodes.get(e.from)!.attrs.get("label") === "%x")).toBe(true);
  });

  it("draws the gradient's backpropagator inside the forward graph it closes over", () => {
    const { dot, naming, clusterOf } = checkDrawing(drawings.find(([n]) => n === "grad of a small function")![1]());
    const forward = naming.graphs.find((g) => g.name === "f▶")!;
    const back = naming.graphs.find((g) => g.name === "◀f")!;
    expect(dot.clusters.get(clusterOf.get(back)!)!.parent).toBe(clusterOf.get(forward));
    expect(freeVariableEdges(dot).some((e) => e.toCluster === clusterOf.get(back))).toBe(true);
  });

  it("escapes quotes, backslashes and newlines in labels, and keeps ▶ ◀ / # as they are", () => {
    const { text, dot } = checkDrawing(graphOf("strings"));
    // The labels read back exactly as the text form shows the strings, escapes and all.
    const labels = [...dot.nodes.values()].map((n) => n.attrs.get("label"));
    for (const shown of [String.raw`"a\"b"`, String.raw`"c\\d"`, String.raw`"e\nf"`, `"#/▶◀{}"`]) {
      expect(labels.filter((l) => l?.endsWith(`= print(${shown})`))).toHaveLength(1);
    }
    expect(text).toContain(String.raw`label="%1 = print(\"a\\\"b\")"`);
    expect(text).toContain(String.raw`label="%3 = print(\"e\\nf\")"`);
    const grad = checkDrawing(drawings.find(([n]) => n === "grad of a small function")![1]());
    expect([...grad.dot.clusters.values()].map((c) => c.label.split("\n")[0])).toContain("graph f/grad(%x)");
    expect(grad.text).toContain('"graph ◀f(%d)');
  });

  it("numbers nodes the same way every time", () => {
    expect(printDot(graphOf("closure"))).toBe(printDot(graphOf("closure")));
  });

  const hasDot = spawnSync("dot", ["-V"], { encoding: "utf8" }).status === 0;
  it.skipIf(!hasDot).each(drawings)("%s: Graphviz renders it to SVG without a warning", (_, make) => {
    const r = spawnSync("dot", ["-Tsvg"], { input: printDot(make()), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("<svg");
  });
});
