// Memory a differentiated loop keeps per step (issue 22, item 5), measured from outside the
// process: W2's value+grad (bench/myx/w2-euler.myx) runs in a child process at N and at 2N
// steps, each child reporting its peak resident set (process.resourceUsage().maxRSS); the
// difference over N is what each step adds, the forward pass's saved values at their peak. On
// both backends. `npx tsx bench/memory.ts [N]`, N = 10⁶ by default. For reading, never asserting.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compile, type Backend } from "../src/index.js";
import { printTable } from "./util.js";

/** The child: one value+grad call of W2 at `steps` steps, then its peak RSS in bytes on stdout. */
if (process.argv[2] === "--child") {
  const [, , , backend, steps] = process.argv;
  const m = compile(readFileSync(new URL("./myx/w2-euler.myx", import.meta.url), "utf8"), { backend: backend as Backend });
  m.fn("vg")(0.5, 1, 1e-5, Number(steps));
  console.log(process.resourceUsage().maxRSS * 1024);
} else {
  const n = Number(process.argv[2] ?? 1_000_000);
  const peak = (backend: Backend, steps: number): number => {
    const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", backend, String(steps)], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(`the child at ${steps} steps failed:\n${child.stderr}`);
    return Number(child.stdout.trim());
  };
  const rows = (["js", "vm"] as const).map((backend) => {
    const [once, twice] = [peak(backend, n), peak(backend, 2 * n)];
    return [backend, `${(once / 2 ** 20).toFixed(0)} MB`, `${(twice / 2 ** 20).toFixed(0)} MB`, ((twice - once) / n).toFixed(0)];
  });
  printTable(`W2 value+grad: memory per step, from the peak resident set at ${n} and ${2 * n} steps`, ["backend", `peak at ${n}`, `peak at ${2 * n}`, "bytes per step"], rows, "one child process per run");
}
