// `myx ir --format text|dot|json` and `--stats` (SPEC §6), run as a user runs them. What the DOT
// and JSON contain is tested in test/ir/print-*.test.ts; here: status, stream and first lines.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { JS_STACK, myx, workspace } from "./helpers.js";

const dir = workspace({
  "fns.myx": ["def f(x) = sin(x) * x;", "def make_adder(n) = |x| x + n;", 'print("top level");'].join("\n"),
});
const run = (...args: string[]) => myx(args, { cwd: dir });

describe("myx ir --format", { timeout: 60_000 }, () => {
  it("dot prints a Graphviz digraph with a cluster per graph, closures nested", () => {
    const r = run("ir", "fns.myx", "--fn", "make_adder", "--format", "dot");
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(r.stdout).toMatch(/^digraph "make_adder" \{\n/);
    expect(r.stdout.trimEnd().endsWith("}")).toBe(true);
    expect(r.stdout).toMatch(/subgraph cluster_1 \{[^]*subgraph cluster_2 \{/);
    expect(r.stdout).toMatch(/ -> n\d+ \[style=dashed/);
    expect(r.stdout).not.toContain("top level");
  });

  it("dot of --grad draws the gradient graph", () => {
    const r = run("ir", "fns.myx", "--fn", "f", "--grad", "--no-opt", "--format=dot");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^digraph "f\/grad" \{\n/);
    expect(r.stdout).toContain('"graph ◀f(%d)');
  });

  it("json prints one document whose root is the def, or its gradient with --grad", () => {
    for (const [args, root] of [[[], "f"], [["--grad"], "f/grad"]] as const) {
      const r = run("ir", "fns.myx", "--fn", "f", "--format", "json", ...args);
      expect(r).toMatchObject({ status: 0, stderr: "" });
      expect(r.stdout.startsWith("{\n")).toBe(true);
      const doc = JSON.parse(r.stdout) as { root: string; graphs: { name: string }[] };
      expect(doc.root).toBe(root);
      expect(doc.graphs[0]!.name).toBe(root);
    }
  });

  it("text is the default", () => {
    expect(run("ir", "fns.myx", "--fn", "f", "--format", "text")).toEqual(run("ir", "fns.myx", "--fn", "f"));
  });

  it("refuses another format with status 2", () => {
    for (const args of [["--format", "svg"], ["--format=xml"], ["--format"]]) {
      const r = run("ir", "fns.myx", "--fn", "f", ...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^myx: (--format must be text, dot, json or js|option --format needs a value)/);
      expect(r.stderr).not.toMatch(JS_STACK);
    }
  });

  it("--stats counts whatever graph is shown: with --grad, the gradient; in any format", () => {
    const stats = (...args: string[]) => {
      const r = run("ir", "fns.myx", "--fn", "make_adder", "--stats", ...args);
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
      return JSON.parse(r.stdout) as Record<string, number>;
    };
    // The counts must describe the very graphs the JSON form shows.
    for (const grad of [[], ["--grad"]]) {
      const doc = JSON.parse(run("ir", "fns.myx", "--fn", "make_adder", "--format", "json", ...grad).stdout) as {
        graphs: { freeVariables: string[]; nodes: { kind: string }[] }[];
      };
      const counts = stats(...grad);
      expect(counts).toMatchObject({
        graphs: doc.graphs.length,
        applies: doc.graphs.reduce((k, g) => k + g.nodes.filter((n) => n.kind === "apply").length, 0),
        closures: doc.graphs.filter((g) => g.freeVariables.length > 0).length,
      });
      expect(stats(...grad, "--format", "dot")).toEqual(counts);
    }
  });

  const hasDot = spawnSync("dot", ["-V"]).status === 0;
  it.skipIf(!hasDot)("its DOT renders with Graphviz", () => {
    const r = run("ir", "fns.myx", "--fn", "f", "--grad", "--format", "dot");
    const svg = spawnSync("dot", ["-Tsvg"], { input: r.stdout, encoding: "utf8" });
    expect(svg.status).toBe(0);
    expect(svg.stderr).toBe("");
  });
});
