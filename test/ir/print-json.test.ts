// `myx ir --format json`: one document whose shape docs/language.md promises, every id resolving
// to exactly one node, and the text printer's numbering — checked by rebuilding the text form
// from the JSON alone and comparing it with printGraphs.
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { Session } from "../../src/ad/session.js";
import type { Graph } from "../../src/ir/graph.js";
import { printGraphs } from "../../src/ir/print.js";
import { printJson } from "../../src/ir/print-json.js";
import { lowerModule } from "./helpers.js";

const def = (source: string, name: string): Graph => lowerModule(source).defs.get(name)!;

const cases: [string, () => Graph][] = [
  ["straight-line", () => def("def f(x1, x2) = (sin(x1 / x2) + x1 / x2 - exp(x2)) * (x1 / x2 - exp(x2));", "f")],
  ["closure", () => def("def make_affine(a, b) = |x| a * x + b;\ndef apply_it(x) = make_affine(2, 3)(x);", "apply_it")],
  ["loop", () => def("def pow(x, n) { var r = 1; var k = n; while k > 0 { r = r * x; k = k - 1; } r }", "pow")],
  ["strings and records", () => def('def f(x) { print("a\\"b", {k: x}.k, (1, "t")); x }', "f")],
  ["grad", () => gradientGraph(new Session(null), def("def f(x) = sin(x) * x;", "f"))],
  ["grad through a closure", () => gradientGraph(new Session(null), def("def loss(w) { let f = |v| w * v; f(2) + f(3) }", "loss"))],
];

const KINDS = ["apply", "constant", "parameter"];
const TYPES = ["num", "bool", "string", "unit", "tuple", "record", "array", "slice", "primitive", "graph", "closure", "env", "key"];

interface Doc {
  root: string;
  graphs: {
    name: string;
    flags: string[];
    parent: string | null;
    parameters: string[];
    freeVariables: string[];
    nodes: { id: string; kind: string; name?: string; callee?: string; inputs?: string[]; value?: string; type?: string; graph?: string; loc?: { line: number; col: number } }[];
    output: string | null;
  }[];
}

/** Parses the document and checks every field's type, and that ids are unique and resolve. */
function checkSchema(text: string): Doc {
  const doc = JSON.parse(text) as Doc;
  expect(Object.keys(doc).sort()).toEqual(["graphs", "root"]);
  expect(doc.graphs[0]!.name).toBe(doc.root);
  const names = doc.graphs.map((g) => g.name);
  expect(new Set(names).size).toBe(names.length);
  const nodes = new Map(doc.graphs.flatMap((g) => g.nodes.map((n) => [n.id, { ...n, owner: g.name }] as const)));
  expect(nodes.size).toBe(doc.graphs.reduce((k, g) => k + g.nodes.length, 0));
  const resolves = (id: string) => expect(nodes.has(id), `id ${id} resolves`).toBe(true);

  for (const g of doc.graphs) {
    expect(Object.keys(g).sort()).toEqual(["flags", "freeVariables", "name", "nodes", "output", "parameters", "parent"]);
    expect(g.flags.every((f) => f === "loop" || f === "branch")).toBe(true);
    if (g.parent !== null) expect(names.slice(0, names.indexOf(g.name))).toContain(g.parent);
    for (const p of g.parameters) expect(nodes.get(p)).toMatchObject({ kind: "parameter", owner: g.name });
    for (const f of g.freeVariables) {
      resolves(f);
      expect(nodes.get(f)!.owner).not.toBe(g.name);
    }
    if (g.output !== null) resolves(g.output);
    for (const n of g.nodes) {
      expect(KINDS).toContain(n.kind);
      if (n.loc !== undefined) expect(Object.keys(n.loc).sort()).toEqual(["col", "line"]);
      if (n.kind === "apply") {
        expect(n.id).toMatch(/^%\d+$/);
        n.inputs!.forEach(resolves);
        const callee = nodes.get(n.inputs![0]!)!;
        expect(n.callee).toBe(callee.kind === "constant" ? callee.value : callee.id);
      } else if (n.kind === "constant") {
        expect(n.id).toMatch(/^c\d+$/);
        expect(TYPES).toContain(n.type);
        expect(typeof n.value).toBe("string");
        if (n.type === "graph") expect(names).toContain(n.graph);
      } else {
        expect(n.id).toMatch(/^%/);
        expect(typeof n.name).toBe("string");
      }
    }
  }
  return doc;
}

/** The text form, rebuilt from the JSON alone: equal to printGraphs only if the ids are its names. */
function textFrom(doc: Doc): string {
  const nodes = new Map(doc.graphs.flatMap((g) => g.nodes.map((n) => [n.id, n] as const)));
  const ref = (id: string) => (nodes.get(id)!.kind === "constant" ? nodes.get(id)!.value! : id);
  return doc.graphs
    .flatMap((g) => {
      const flags = g.flags.length ? ` [${g.flags.join(", ")}]` : "";
      const fvs = g.freeVariables.length ? ` closes over ${g.freeVariables.map(ref).join(", ")}` : "";
      const body = g.nodes.filter((n) => n.kind === "apply").map((n) => `  ${n.id} = ${n.callee}(${n.inputs!.slice(1).map(ref).join(", ")})`);
      return [`graph ${g.name}(${g.parameters.join(", ")})${flags}${fvs} {`, ...body, `  return ${g.output === null ? "?" : ref(g.output)}`, "}"];
    })
    .join("\n");
}

describe("ir as JSON", () => {
  it.each(cases)("%s: follows the schema, and its ids are the text form's names", (_, make) => {
    const root = make();
    const doc = checkSchema(printJson(root));
    expect(textFrom(doc)).toBe(printGraphs(root));
  });

  it("records nesting, captures, flags, constants and source locations", () => {
    const doc = checkSchema(printJson(cases[1]![1]()));
    expect(doc.root).toBe("apply_it");
    const lambda = doc.graphs.find((g) => g.name === "lambda")!;
    // apply_it already has a %x, so the lambda's is %x.2, as in the text form.
    expect(lambda).toMatchObject({ parent: "make_affine", parameters: ["%x.2"], freeVariables: ["%a", "%b"] });
    const maker = doc.graphs.find((g) => g.name === "make_affine")!;
    const made = maker.nodes.find((n) => n.id === maker.output)!;
    expect(made).toMatchObject({ kind: "constant", type: "graph", value: "@lambda", graph: "lambda" });
    const call = doc.graphs[0]!.nodes.find((n) => n.id === "%1")!;
    expect(call).toMatchObject({ kind: "apply", callee: "@make_affine", loc: { line: 2, col: 19 } });
    expect(call.inputs!.slice(1).map((id) => doc.graphs[0]!.nodes.find((n) => n.id === id))).toMatchObject([
      { type: "num", value: "2" },
      { type: "num", value: "3" },
    ]);
    const loop = checkSchema(printJson(cases[2]![1]()));
    expect(loop.graphs.find((g) => g.name === "pow/while")).toMatchObject({ flags: ["loop"], parent: "pow" });
  });

  it("is the same document every time", () => {
    expect(printJson(cases[5]![1]())).toBe(printJson(cases[5]![1]()));
  });
});
