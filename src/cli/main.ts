#!/usr/bin/env node
// The `myx` command (SPEC §6). Exit status: 0 success, 1 an error in the program (or in myx
// itself), 2 a usage error. Everything thrown anywhere is caught here, so a user never sees a
// JavaScript stack trace unless they ask for one with --debug. The status is set with
// `process.exitCode` rather than `process.exit()`, so output still queued for stdout is written.
import { readFileSync } from "node:fs";
import { parseArgs, UsageError, type CliOptions } from "./args.js";
import { ignoreClosedPipes, Output } from "./output.js";
import { describeError } from "./report.js";

const HELP = `myx — a small functional language whose programs can be differentiated

Usage:
  myx FILE.myx [options]            run a script (same as 'myx run')
  myx run FILE.myx [options]        run a script
  myx check FILE.myx                parse and compile only; report every error found
  myx ir FILE.myx --fn NAME [...]   print the IR of the top-level def NAME
  myx repl, or just myx             interactive session (type :help inside)

Options for run and repl:
  --max-depth N   nested (non-tail) calls allowed before a clean error (default 10000000)
  --max-steps N   calls plus loop iterations allowed before a clean error (default: no limit)
  --max-memory MB heap a run may add before a clean error (default: 60% of the heap Node allows)
  --no-opt        skip the optimizer (results are the same; the IR and the speed are not)
  --backend B     js (default: the program compiled to JavaScript) or vm (the reference
                  interpreter); results, errors and limits are the same on both

Options for ir:
  --fn NAME       the def to print (required)
  --format FMT    text (default), dot (Graphviz: closures drawn inside the graphs they
                  close over, free-variable uses dashed; render with 'dot -Tsvg'), json,
                  or js (the JavaScript the default backend compiles it to)
  --stats         print one line of JSON instead: {"graphs", "applies", "closures", "calls"}
  --grad          the IR of its gradient w.r.t. all parameters (J-transformed, unoptimized)
  --no-opt        as for run

Common options:
  --debug         show JavaScript stack traces for internal errors
  -h, --help      show this help
  -V, --version   show the version

Exit status: 0 success, 1 an error in the program, 2 a usage error.
`;

/** The version in package.json, which sits two levels above both src/cli and dist/cli. */
function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const v = typeof pkg === "object" && pkg !== null && "version" in pkg ? pkg.version : undefined;
  return typeof v === "string" ? v : "unknown";
}

async function main(argv: readonly string[], out: Output): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
    switch (options.command) {
      case "help":
        out.line(HELP.trimEnd());
        return 0;
      case "version":
        out.line(`myx ${version()}`);
        return 0;
    }
    // Loaded only now: the compiler's dependencies take most of a second to load, which --help
    // and --version should not wait for.
    const commands = await import("./commands.js");
    switch (options.command) {
      case "repl":
        return await (await import("./repl.js")).startRepl(options, out, version());
      case "check":
        return commands.checkCommand(options, options.file!, out);
      case "ir":
        return commands.irCommand(options, options.file!, options.fn!, out);
      case "run":
        return commands.runCommand(options, options.file!, out);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out.error(`myx: ${e.message}\nTry 'myx --help' for usage.`);
    return 2;
  }
}

const out = new Output();
const debug = process.argv.includes("--debug");
const crash = (e: unknown): void => {
  out.error(describeError(e, new Map(), "myx", debug));
  process.exitCode = 1;
};
ignoreClosedPipes();
// Failures inside event handlers (the REPL's) do not reach main's promise; they land here, and
// the process cannot be trusted to go on, so it stops.
process.on("uncaughtException", (e) => {
  crash(e);
  process.exit();
});
main(process.argv.slice(2), out).then((status) => {
  out.flush();
  process.exitCode = status;
}, crash);
