// The rooms of src and the one way data flows between them (docs/architecture.md), read off the
// import statements: no file imports one of a later room, and no files import each other in a
// cycle. Type-only imports are left out of both: the IR's and the runtime's types are mutually
// recursive by nature (a Constant holds a Value; a Closure holds its Graph), and a type import
// runs nothing.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** The files of src each file imports for more than types, as paths relative to src. */
function valueImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(src)) {
    const text = readFileSync(file, "utf8");
    const deps: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.[^"]+)";/gms)) {
      const named = /^\{([^}]*)\}$/s.exec(m[2]!.trim());
      const typesOnly = m[1] !== undefined || (named !== null && named[1]!.split(",").every((s) => s.trim() === "" || s.trim().startsWith("type ")));
      if (!typesOnly) deps.push(relative(src, resolve(dirname(file), m[3]!.replace(/\.js$/, ".ts"))));
    }
    graph.set(relative(src, file), deps);
  }
  return graph;
}

/** The rooms in the order data flows through them; a file may import from its own room and earlier ones. */
const ROOMS = ["runtime", "prims", "lang", "ir", "ad", "opt", "vm", "js", "index.ts", "cli"];
const roomOf = (file: string): number => ROOMS.findIndex((r) => file === r || file.startsWith(`${r}/`));

describe("the architecture", () => {
  const graph = valueImports();

  it("puts every file of src in a room", () => {
    expect([...graph.keys()].filter((f) => roomOf(f) < 0)).toEqual([]);
  });

  it("imports only from a file's own room and earlier ones", () => {
    const backward = [...graph].flatMap(([file, deps]) => deps.filter((d) => roomOf(d) > roomOf(file)).map((d) => `${file} → ${d}`));
    expect(backward).toEqual([]);
  });

  it("has no import cycles but the lowering of expressions and statements, which recurse into each other", () => {
    // Tarjan's strongly connected components, iteratively.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    for (const root of graph.keys()) {
      if (index.has(root)) continue;
      const work: [string, number][] = [[root, 0]];
      while (work.length > 0) {
        const top = work[work.length - 1]!;
        const [v, i] = top;
        if (i === 0) {
          index.set(v, index.size);
          low.set(v, index.get(v)!);
          stack.push(v);
          onStack.add(v);
        }
        const deps = (graph.get(v) ?? []).filter((w) => graph.has(w));
        if (i < deps.length) {
          top[1]++;
          const w = deps[i]!;
          if (!index.has(w)) work.push([w, 0]);
          else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1]![0];
          low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
        }
        if (low.get(v) === index.get(v)) {
          const component: string[] = [];
          let w: string;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            component.push(w);
          } while (w !== v);
          if (component.length > 1) cycles.push(component.sort());
        }
      }
    }
    expect(cycles).toEqual([["ir/lower/control.ts", "ir/lower/expr.ts", "ir/lower/functions.ts", "ir/lower/stmt.ts"]]);
  });
});
