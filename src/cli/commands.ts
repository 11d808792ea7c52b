// The file commands of SPEC §6: `run`, `check` and `ir`. Each returns the exit status; program
// errors are reported here (status 1), while usage mistakes are thrown as UsageError for main.ts
// to report (status 2).
import { readFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { dirname, isAbsolute, join } from "node:path";
import { frontEnd, newMachine as machineFor, type FrontEndResult } from "../index.js";
import type { Session } from "../ad/session.js";
import { gradientGraph } from "../ad/gradient-graph.js";
import type { Machine } from "../vm/index.js";
import { UsageError, type CliOptions } from "./args.js";
import { renderIr } from "./ir-output.js";
import type { Output } from "./output.js";
import { describeError } from "./report.js";

/** SPEC §6: deep enough for honest recursion (10⁶ frames), shallow enough to stop a runaway. */
export const DEFAULT_MAX_DEPTH = 10_000_000;

/**
 * Part of what Node lets the heap grow to: a runaway program stops with a clean error before
 * Node would abort the process (which it does with live data at about 3/4 of its limit, when
 * collecting garbage can no longer make room).
 */
function defaultMaxMemoryMB(): number {
  return Math.floor((0.6 * getHeapStatistics().heap_size_limit) / 2 ** 20);
}

/** Why a file could not be read, in a user's words rather than an errno. */
function unreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(e);
}

export function readSource(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read '${file}': ${unreadable(e)}`);
  }
  // Editors on some systems start UTF-8 files with a byte-order mark; it is not part of the program.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A machine whose programs may read files (SPEC §4: `read_csv` paths are relative to the script,
 * so a script finds its data wherever it is run from). `base` is the script's directory; the
 * REPL passes the current one.
 */
export function newMachine(options: CliOptions, out: Output, base: string, session: Session): Machine {
  return machineFor(options.backend, {
    session,
    print: (line) => out.line(line),
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxSteps: options.maxSteps ?? undefined,
    maxMemoryMB: options.maxMemoryMB ?? defaultMaxMemoryMB(),
    readFile: (path) => {
      const full = isAbsolute(path) ? path : join(base, path);
      try {
        return readFileSync(full, "utf8");
      } catch (e) {
        // The path the program wrote is in the message already; where it led is what may surprise.
        throw new Error(full === path ? unreadable(e) : `${unreadable(e)} (looked for ${full})`);
      }
    },
  });
}

/** `myx FILE` / `myx run FILE`: compile, then run the top-level statements. */
export function runCommand(options: CliOptions, file: string, out: Output): number {
  const source = readSource(file);
  const sources = new Map([[file, source]]);
  try {
    const { module, session } = frontEnd(source, { filename: file, optimize: options.optimize });
    newMachine(options, out, dirname(file), session).run(module.main, []);
    out.flush();
    return 0;
  } catch (e) {
    out.error(describeError(e, sources, file, options.debug));
    return 1;
  }
}

/** `myx check FILE`: every compile error, or silence and status 0. */
export function checkCommand(options: CliOptions, file: string, out: Output): number {
  const source = readSource(file);
  try {
    frontEnd(source, { filename: file, optimize: options.optimize });
    return 0;
  } catch (e) {
    out.error(describeError(e, new Map([[file, source]]), file, options.debug));
    return 1;
  }
}

/** `myx ir FILE --fn NAME`: the graph of one top-level def and the graphs it reaches. */
export function irCommand(options: CliOptions, file: string, name: string, out: Output): number {
  const source = readSource(file);
  let compiled: FrontEndResult;
  try {
    compiled = frontEnd(source, { filename: file, optimize: options.optimize });
  } catch (e) {
    out.error(describeError(e, new Map([[file, source]]), file, options.debug));
    return 1;
  }
  const { module: { defs }, session } = compiled;
  const graph = defs.get(name);
  if (graph === undefined) {
    const known = [...defs.keys()];
    throw new UsageError(`no top-level def named '${name}' in ${file}${known.length > 0 ? ` (defined: ${known.join(", ")})` : ""}`);
  }
  const shown = options.grad ? gradientGraph(session, graph) : graph;
  if (options.grad) session.optimizeUnit([shown], new Set([shown]));
  out.line(renderIr(shown, options));
  out.flush();
  return 0;
}
