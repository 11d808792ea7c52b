// Runs the built `myx` command the way a user's shell would: a separate node process, with
// stdin piped (so the REPL sees no terminal), and its status, stdout and stderr captured.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(ROOT, "dist", "cli", "main.js");

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `nodeFlags` go to Node itself, before the CLI's arguments. */
export function myx(args: readonly string[], options: { input?: string; cwd?: string; nodeFlags?: readonly string[] } = {}): Ran {
  const r = spawnSync(process.execPath, [...(options.nodeFlags ?? []), CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A fresh directory holding the given files (names may contain `/`); tests run there so
 * diagnostics show short names.
 */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "myx-cli-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A JavaScript stack frame (`    at f (/path/x.js:1:2)`), which users must never see by default. */
export const JS_STACK = /^\s*at .*\.(?:js|ts|mjs|cjs):\d+/m;
