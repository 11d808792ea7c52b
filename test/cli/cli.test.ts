// The `myx` command as SPEC §6 describes it: commands, exit statuses (0 ok, 1 program error,
// 2 usage error), and errors as `FILE:LINE:COL: error: MESSAGE` with an excerpt and caret —
// never a JavaScript stack trace.
import { closeSync, openSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, JS_STACK, myx, ROOT, workspace } from "./helpers.js";

const dir = workspace({
  "hello.myx": 'print("hello", 1 + 2);\n',
  "undefined.myx": "let x = 1;\nprint(y);\n",
  "two-errors.myx": "let a = nope;\ndef f(x) = x + missing;\nprint(\"never runs\");\n",
  "syntax.myx": "let x = ;\n",
  "runtime.myx": 'print("before");\ndef inner(x) = x + "a";\ndef outer(x) = inner(x) * 2;\nprint(outer(1));\nprint("after");\n',
  "runaway.myx": "def down(n) = 1 + down(n + 1);\nprint(down(0));\n",
  "forever.myx": "var n = 0;\nwhile true {\n  n = n + 1;\n}\n",
  "hoard.myx": "var t = ();\nwhile true {\n  t = (t, [1, 2, 3]);\n}\n",
  "deep.myx": "def sum_to(n) = if n == 0 { 0 } else { n + sum_to(n - 1) };\nprint(sum_to(1000000));\n",
  "many-lines.myx": "for i in 0..200000 {\n  print(i, i * 0.5);\n}\n",
  "fns.myx": [
    "def f(x) = sin(x) * x;",
    "def make_adder(n) = |x| x + n;",
    "def g(x) = f(x) + 1;",
    'print("top level");',
  ].join("\n"),
});
const run = (...args: string[]) => myx(args, { cwd: dir });

describe("running a script", { timeout: 60_000 }, () => {
  it("runs FILE and `run FILE`, printing to stdout with status 0", () => {
    for (const args of [["hello.myx"], ["run", "hello.myx"], ["run", "hello.myx", "--no-opt"], ["hello.myx", "--backend", "vm"], ["hello.myx", "--backend=js"]]) {
      expect(run(...args)).toEqual({ status: 0, stdout: "hello 3\n", stderr: "" });
    }
  });

  it("reports a compile error as FILE:LINE:COL, the line and a caret; status 1", () => {
    const r = run("undefined.myx");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("undefined.myx:2:7: error: undefined name 'y'\n2 | print(y);\n          ^\n");
  });

  it("reports a syntax error the same way", () => {
    const r = run("syntax.myx");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^syntax\.myx:1:9: error: .+\n1 \| let x = ;\n {12}\^/);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("reports a runtime error with the Myx stack, after the output printed before it", () => {
    const r = run("runtime.myx");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("before\n");
    expect(r.stderr).toMatch(/^runtime\.myx:2:\d+: error: .*Num and String/);
    expect(r.stderr).toContain('2 | def inner(x) = x + "a";');
    const stack = r.stderr.slice(r.stderr.indexOf("stack (innermost first):"));
    expect(stack).toMatch(/at inner \(runtime\.myx:\d+:\d+\)[^]*at outer \(runtime\.myx:\d+:\d+\)/);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("stops a runaway recursion at --max-depth with a clean error", () => {
    const r = run("runaway.myx", "--max-depth", "1000");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^runaway\.myx:\d+:\d+: error: /);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("stops an endless loop at --max-steps with a clean error", () => {
    const r = run("forever.myx", "--max-steps=10000");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^forever\.myx:\d+:\d+: error: /);
    expect(r.stderr).not.toMatch(JS_STACK);
  });

  it("stops a program hoarding memory at --max-memory, and by default before Node would abort", () => {
    const limited = run("hoard.myx", "--max-memory", "100");
    expect(limited.status).toBe(1);
    expect(limited.stderr).toMatch(/^hoard\.myx:\d+:\d+: error: memory limit of 100 MB exceeded\n/);
    // The default is most of the heap Node allows; a small heap keeps the test quick.
    const unlimited = myx(["hoard.myx"], { cwd: dir, nodeFlags: ["--max-old-space-size=300"] });
    expect(unlimited.status).toBe(1);
    expect(unlimited.stderr).toMatch(/^hoard\.myx:\d+:\d+: error: memory limit of \d+ MB exceeded\n/);
    expect(unlimited.stderr).not.toMatch(JS_STACK);
  });

  it("runs an honest recursion 10^6 frames deep under the default limits", () => {
    expect(run("deep.myx")).toEqual({ status: 0, stdout: "500000500000\n", stderr: "" });
  });

  it("writes all of a large output into a pipe and into a file", () => {
    const piped = run("many-lines.myx");
    expect(piped.status).toBe(0);
    const lines = piped.stdout.split("\n");
    expect(lines.length).toBe(200001);
    expect(lines[199999]).toBe("199999 99999.5");

    const outFile = join(dir, "many-lines.out");
    const fd = openSync(outFile, "w");
    const r = spawnSync(process.execPath, [CLI, "many-lines.myx"], { cwd: dir, stdio: ["ignore", fd, "pipe"] });
    closeSync(fd);
    expect(r.status).toBe(0);
    expect(readFileSync(outFile, "utf8")).toBe(piped.stdout);
  });
});

describe("usage errors (status 2)", () => {
  it.each([
    [["nope.myx"], /^myx: cannot read 'nope\.myx': no such file\n/],
    [["hello.myx", "--frobnicate"], /^myx: unknown option '--frobnicate'\n/],
    [["hello.myx", "--max-depth", "lots"], /^myx: --max-depth needs a positive whole number, got 'lots'\n/],
    [["hello.myx", "--max-depth", "0"], /--max-depth needs a positive whole number/],
    [["hello.myx", "--max-steps"], /^myx: option --max-steps needs a value\n/],
    [["run"], /^myx: 'run' needs a FILE\.myx\n/],
    [["hello.myx", "extra"], /^myx: unexpected argument 'extra'\n/],
    [["check", "hello.myx", "--fn", "f"], /^myx: option --fn does not apply to 'check'\n/],
    [["ir", "fns.myx"], /^myx: 'ir' needs --fn NAME/],
    [["ir", "fns.myx", "--fn", "nope"], /^myx: no top-level def named 'nope' in fns\.myx \(defined: f, make_adder, g\)\n/],
    [["ir", "fns.myx", "--fn", "f", "--format", "svg"], /--format must be text, dot, json or js/],
    [["hello.myx", "--backend", "wasm"], /^myx: --backend must be js or vm, got 'wasm'\n/],
    [["ir", "fns.myx", "--fn", "f", "--backend", "vm"], /^myx: option --backend does not apply to 'ir'\n/],
  ])("myx %j", (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("Try 'myx --help'");
    expect(r.stderr).not.toMatch(JS_STACK);
  });
});

describe("--help and --version", () => {
  it("--help lists every command and exits 0", () => {
    for (const flag of ["--help", "-h"]) {
      const r = run(flag);
      expect(r.status).toBe(0);
      for (const word of ["Usage:", "myx run", "myx check", "myx ir", "myx repl", "--max-depth", "--stats", "--no-opt"]) {
        expect(r.stdout).toContain(word);
      }
    }
  });

  it("--version prints the version in package.json", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(run("--version")).toEqual({ status: 0, stdout: `myx ${version}\n`, stderr: "" });
  });
});

describe("myx check", () => {
  it("is silent with status 0 for a good program, and does not run it", () => {
    expect(run("check", "hello.myx")).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("reports every error found, with status 1", () => {
    const r = run("check", "two-errors.myx");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const headers = r.stderr.split("\n").filter((l) => /^two-errors\.myx:\d+:\d+: error: /.test(l));
    expect(headers).toEqual([
      "two-errors.myx:1:9: error: undefined name 'nope'",
      "two-errors.myx:2:16: error: undefined name 'missing'",
    ]);
  });
});

describe("myx ir", () => {
  it("prints the graph of --fn NAME as text", () => {
    const r = run("ir", "fns.myx", "--fn", "f");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^graph f\(%x\) \{\n/);
    expect(r.stdout).toContain("sin(%x)");
    expect(r.stdout).not.toContain("top level");
  });

  it("--stats prints one line of JSON with the counts of SPEC §6", () => {
    const stats = (fn: string) => {
      const r = run("ir", "fns.myx", "--fn", fn, "--stats");
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
      return JSON.parse(r.stdout) as Record<string, number>;
    };
    expect(stats("f")).toEqual({ graphs: 1, applies: 2, closures: 0, calls: 0 });
    expect(stats("make_adder")).toEqual({ graphs: 2, applies: 1, closures: 1, calls: 0 });
    expect(stats("g")).toEqual({ graphs: 2, applies: 4, closures: 0, calls: 1 });
  });

  it("--format js prints the JavaScript each function compiles to, which is valid JavaScript", () => {
    const r = run("ir", "fns.myx", "--fn", "g", "--format", "js");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const factories = r.stdout.split(/\n(?=\/\/ \d+: )/);
    expect(factories.map((f) => f.split("\n")[0])).toEqual(['// 1: "g"', '// 2: "f"']);
    for (const f of factories) {
      const body = f.slice(f.indexOf("{") + 1, f.lastIndexOf("}"));
      expect(typeof new Function("T", "m", "R", body)).toBe("function");
    }
  });

  it("--grad prints the J-transformed gradient: f▶ returning (value, ◀f), and ◀f", () => {
    const r = run("ir", "fns.myx", "--fn", "f", "--grad", "--no-opt");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^graph f\/grad\(%x\) \{\n/);
    expect(r.stdout).toContain("graph f▶(%x");
    expect(r.stdout).toMatch(/graph ◀f\(%d\) closes over /);
    expect(r.stdout).toContain("graph ◀sin(%d");
  });
});
