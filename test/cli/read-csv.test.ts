// `read_csv(path)` (SPEC §4): numbers only, a 2-d Array, the path relative to the script. The
// CLI reads files; the library refuses unless its caller passes `readFile`. Errors name the
// file, line and column of the bad cell, after the script's own location.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, MyxError, Tensor } from "../../src/index.js";
import { JS_STACK, myx, ROOT, workspace } from "./helpers.js";

const POINTS = "x, y\n1, 2.5\n\n-3,1e3\n";
const dir = workspace({
  "proj/model.myx": 'let d = read_csv("data/points.csv");\nprint(d);\nprint(len(d));\n',
  "proj/data/points.csv": POINTS,
  "proj/missing.myx": 'print("before");\nprint(read_csv("data/nope.csv"));\n',
  "proj/bad.myx": 'print(read_csv("data/bad.csv"));\n',
  "proj/data/bad.csv": "a,b\n1,2\n3,  x\n",
  "proj/short.myx": 'print(read_csv("data/short.csv"));\n',
  "proj/data/short.csv": "1,2,3\n4,5\n",
  "proj/long.myx": 'print(read_csv("data/long.csv"));\n',
  "proj/data/long.csv": "a,b\n1,2\n3,4,5\n",
  "iris.myx": `let iris = read_csv(${JSON.stringify(join(ROOT, "examples", "data", "iris.csv"))});\nprint(len(iris));\nprint(iris);\n`,
});
const run = (args: string[], cwd = dir) => myx(args, { cwd });

/** The first line of an error report: `FILE:LINE:COL: error: MESSAGE`. */
const headline = (stderr: string): string => stderr.split("\n")[0]!;

describe("read_csv in the CLI", { timeout: 60_000 }, () => {
  it("reads a path relative to the script's directory, wherever myx is run from", () => {
    const expected = { status: 0, stdout: "[[1, 2.5], [-3, 1000]]\n2\n", stderr: "" };
    expect(run(["proj/model.myx"])).toEqual(expected);
    expect(run(["model.myx"], join(dir, "proj"))).toEqual(expected);
    expect(run(["run", "proj/model.myx", "--no-opt"])).toEqual(expected);
  });

  it("reads examples/data/iris.csv as 150 rows of 4 measurements and a species code", () => {
    const rows = readFileSync(join(ROOT, "examples", "data", "iris.csv"), "utf8").trim().split("\n").slice(1);
    const printed = `[${rows.map((r) => `[${r.split(",").map((c) => String(Number(c))).join(", ")}]`).join(", ")}]`;
    expect(run(["iris.myx"])).toEqual({ status: 0, stdout: `150\n${printed}\n`, stderr: "" });
  });

  it("in the REPL, reads relative to the current directory", () => {
    expect(myx(["repl"], { cwd: join(dir, "proj"), input: 'read_csv("data/points.csv")\n' })).toEqual({
      status: 0,
      stdout: "[[1, 2.5], [-3, 1000]]\n",
      stderr: "",
    });
  });

  it("reports a missing file at the call, saying where it looked; status 1", () => {
    const r = run(["proj/missing.myx"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("before\n");
    expect(headline(r.stderr)).toBe(
      `proj/missing.myx:2:7: error: read_csv: cannot read 'data/nope.csv': no such file (looked for ${join("proj", "data", "nope.csv")})`,
    );
    expect(r.stderr).toContain('2 | print(read_csv("data/nope.csv"));');
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("names the file, line and column of a cell that is not a number", () => {
    const r = run(["proj/bad.myx"]);
    expect(r.status).toBe(1);
    expect(headline(r.stderr)).toBe("proj/bad.myx:1:7: error: read_csv: data/bad.csv:3:5: 'x' is not a number");
  });

  it("names the line of a ragged row: the end of one too short, the first extra cell of one too long", () => {
    expect(headline(run(["proj/short.myx"]).stderr)).toBe(
      "proj/short.myx:1:7: error: read_csv: data/short.csv:2:4: this line has 2 cells, the first has 3",
    );
    expect(headline(run(["proj/long.myx"]).stderr)).toBe(
      "proj/long.myx:1:7: error: read_csv: data/long.csv:3:5: this line has 3 cells, the first has 2",
    );
  });
});

/** Runs `source` with files served from memory; returns what it printed or the error's first line. */
function withFiles(source: string, files: Record<string, string>, filename = "m.myx"): string {
  const readFile = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Error(`no such file ${path}`);
    return text;
  };
  try {
    return compile(source, { filename, readFile }).run();
  } catch (e) {
    if (e instanceof MyxError) return e.message.split("\n")[0]!;
    throw e;
  }
}

describe("read_csv in the library", () => {
  it("is refused unless the caller passes readFile", () => {
    const m = compile('print("before");\nprint(read_csv("d.csv"));\n', { filename: "m.myx" });
    expect(() => m.run()).toThrow(MyxError);
    expect(() => m.run()).toThrow(
      "m.myx:2:7: error: read_csv is not available: the host did not allow file access; pass `readFile` to compile",
    );
  });

  it("calls readFile with the path resolved against the directory of filename", () => {
    const asked: string[] = [];
    const readFile = (path: string): string => {
      asked.push(path);
      return "1,2\n3,4\n";
    };
    const m = compile('def load(p) = read_csv(p);', { filename: join("models", "m.myx"), readFile });
    const t = m.fn("load")("d.csv");
    expect(t).toBeInstanceOf(Tensor);
    expect(t).toMatchObject({ shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) });
    m.fn("load")("/abs/d.csv");
    expect(asked).toEqual([join("models", "d.csv"), "/abs/d.csv"]);
  });

  it("reads the Iris data with a plain readFileSync as the reader", () => {
    const m = compile('def iris() = read_csv("data/iris.csv");', {
      filename: join(ROOT, "examples", "iris.myx"),
      readFile: (path) => readFileSync(path, "utf8"),
    });
    const iris = m.fn("iris")() as Tensor;
    expect(iris.shape).toEqual([150, 5]);
    expect([...iris.data.slice(0, 5)]).toEqual([5.1, 3.5, 1.4, 0.2, 0]);
    const species = Array.from({ length: 150 }, (_, i) => iris.data[5 * i + 4]);
    expect([0, 1, 2].map((s) => species.filter((v) => v === s).length)).toEqual([50, 50, 50]);
  });

  it("reports what the reader threw, and reads even when the result is unused", () => {
    expect(withFiles('read_csv("gone.csv");\nprint("after");\n', {})).toBe(
      "m.myx:1:1: error: read_csv: cannot read 'gone.csv': no such file gone.csv",
    );
    expect(withFiles("print(read_csv(1));", {})).toBe("m.myx:1:7: error: read_csv expects a String, got Num");
  });
});

describe("the CSV read_csv accepts", () => {
  const read = (text: string): string => withFiles('print(read_csv("d.csv"));', { "d.csv": text }).trimEnd();

  it("skips a header only when none of its cells is a number", () => {
    expect(read("a,b\n1,2\n")).toBe("[[1, 2]]");
    expect(read("1,2\n3,4\n")).toBe("[[1, 2], [3, 4]]");
    expect(read("1,b\n3,4\n")).toBe("m.myx:1:7: error: read_csv: d.csv:1:3: 'b' is not a number");
  });

  it("allows a byte-order mark, CRLF line ends, blank lines and blanks around cells", () => {
    expect(read("\uFEFFa,b\r\n 1 ,\t2\r\n\r\n   \r\n3,4")).toBe("[[1, 2], [3, 4]]");
  });

  it("reads decimals, exponents, signs, nan and inf", () => {
    expect(read("-1.5,.25,+3,1e-7,2E3,nan,inf,-Inf\n")).toBe("[[-1.5, 0.25, 3, 1e-7, 2000, nan, inf, -inf]]");
  });

  it("refuses empty cells and what Number() would accept but a reader would not expect", () => {
    expect(read("1,,3\n")).toBe("m.myx:1:7: error: read_csv: d.csv:1:3: empty cell");
    expect(read("1,2\n0x10,3\n")).toBe("m.myx:1:7: error: read_csv: d.csv:2:1: '0x10' is not a number");
    expect(read("1,2\n1_000,3\n")).toBe("m.myx:1:7: error: read_csv: d.csv:2:1: '1_000' is not a number");
  });

  it("gives a 2-d Array even for one column, a header alone or an empty file", () => {
    const shapes = (files: Record<string, string>): number[][] =>
      Object.keys(files).map((name) => {
        const m = compile(`def f() = read_csv("${name}");`, { readFile: (p) => files[p]! });
        return [...(m.fn("f")() as Tensor).shape];
      });
    expect(shapes({ "col.csv": "1\n2\n3\n", "head.csv": "a,b,c\n", "empty.csv": "" })).toEqual([[3, 1], [0, 3], [0, 0]]);
  });
});
