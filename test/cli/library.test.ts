// The package as SPEC §7 promises it: after the build, plain Node — no TypeScript loader — can
// import the library, by path and by the package's own name, and call into a Myx program.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const SCRIPT = `
const m = compile('def f(x1, x2) = x1 * x2 + 1;\\nprint("hello", f(2, 3));', { filename: "m.myx" });
console.log(m.fn("f")(1.5, 0.5));
console.log(JSON.stringify(m.run()));
try {
  compile("print(y);", { filename: "bad.myx" });
} catch (e) {
  console.log(e instanceof MyxError, e.diagnostics[0].line, e.diagnostics[0].col, e.message.split("\\n")[0]);
}
`;
const EXPECTED = `1.75\n"hello 7\\n"\ntrue 1 7 bad.myx:1:7: error: undefined name 'y'\n`;

function nodeModule(importFrom: string) {
  const code = `import { compile, MyxError } from ${JSON.stringify(importFrom)};\n${SCRIPT}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the built library", () => {
  it("imports by path with plain node", () => {
    const url = pathToFileURL(join(ROOT, "dist", "index.js")).href;
    expect(nodeModule(url)).toEqual({ status: 0, stdout: EXPECTED, stderr: "" });
  });

  it("imports as the package 'myx'", () => {
    expect(nodeModule("myx")).toEqual({ status: 0, stdout: EXPECTED, stderr: "" });
  });
});
