// Runs `npm run build` once before the tests when dist/ is missing or older than any file in
// src/: the CLI and library tests spawn dist/, and must never test a stale build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const outputs = ["dist/index.js", "dist/cli/main.js"].map((p) => join(root, p));
  if (!outputs.every(existsSync)) return false;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return built >= newestIn(join(root, "src"));
}

export default function setup(): void {
  if (buildIsCurrent()) return;
  try {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "pipe", encoding: "utf8" });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed; the CLI tests need dist/\n${stdout ?? ""}${stderr ?? ""}`);
  }
}
