// The command line of SPEC §6, parsed by hand: the grammar is small and a dependency would cost
// more than it saves. Every mistake becomes a UsageError, which the CLI reports with exit status 2.
import type { Backend } from "../index.js";

export type Command = "run" | "check" | "ir" | "repl" | "help" | "version";

export interface CliOptions {
  readonly command: Command;
  /** Always set for run, check and ir; parseArgs refuses them without a file. */
  readonly file: string | null;
  readonly debug: boolean;
  /** null: the default of whoever runs the program. */
  readonly maxDepth: number | null;
  readonly maxSteps: number | null;
  readonly maxMemoryMB: number | null;
  /** Always set for ir. */
  readonly fn: string | null;
  readonly grad: boolean;
  readonly format: "text" | "dot" | "json" | "js";
  readonly stats: boolean;
  /** False with `--no-opt`: the program, and what differentiation builds, run unoptimized. */
  readonly optimize: boolean;
  /** What runs the program: compiled JavaScript (the default) or the VM (`--backend vm`). */
  readonly backend: Backend;
}

/** A mistake in how `myx` was invoked (as opposed to one in the Myx program). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Flag = "--debug" | "--no-opt" | "--max-depth" | "--max-steps" | "--max-memory" | "--fn" | "--grad" | "--format" | "--stats" | "--backend";

/** Flags that take a value, as `--flag VALUE` or `--flag=VALUE`. */
const VALUED: ReadonlySet<Flag> = new Set<Flag>(["--max-depth", "--max-steps", "--max-memory", "--fn", "--format", "--backend"]);

type Subcommand = "run" | "check" | "ir" | "repl";

/** Which flags each command accepts; anything else is a usage error rather than silently ignored. */
const ALLOWED: Readonly<Record<Subcommand, ReadonlySet<Flag>>> = {
  run: new Set<Flag>(["--debug", "--no-opt", "--max-depth", "--max-steps", "--max-memory", "--backend"]),
  check: new Set<Flag>(["--debug", "--no-opt"]),
  ir: new Set<Flag>(["--debug", "--no-opt", "--fn", "--grad", "--format", "--stats"]),
  repl: new Set<Flag>(["--debug", "--no-opt", "--max-depth", "--max-steps", "--max-memory", "--backend"]),
};

const ALL_FLAGS: ReadonlySet<string> = new Set<string>(Object.values(ALLOWED).flatMap((s) => [...s]));

const isSubcommand = (word: string): word is Subcommand => Object.hasOwn(ALLOWED, word);

export function parseArgs(argv: readonly string[]): CliOptions {
  // --help and --version win wherever they appear, as in most CLIs.
  const beforeDashes = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (beforeDashes.some((a) => a === "--help" || a === "-h")) return defaults("help");
  if (beforeDashes.some((a) => a === "--version" || a === "-V")) return defaults("version");

  const positionals: string[] = [];
  const values = new Map<Flag, string>();
  const seen: Flag[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!ALL_FLAGS.has(name)) throw new UsageError(`unknown option '${name}'`);
    const flag = name as Flag;
    if (VALUED.has(flag)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`option ${flag} needs a value`);
      values.set(flag, value);
    } else if (eq >= 0) {
      throw new UsageError(`option ${flag} takes no value`);
    }
    if (!seen.includes(flag)) seen.push(flag);
  }

  const first = positionals[0];
  const command: Subcommand = first === undefined ? "repl" : isSubcommand(first) ? first : "run";
  if (command === first) positionals.shift();
  for (const flag of seen) {
    if (!ALLOWED[command].has(flag)) throw new UsageError(`option ${flag} does not apply to '${command}'`);
  }

  let file: string | null = null;
  if (command !== "repl") {
    file = positionals.shift() ?? null;
    if (file === null) throw new UsageError(`'${command}' needs a FILE.myx`);
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);

  const fn = values.get("--fn") ?? null;
  if (command === "ir" && fn === null) throw new UsageError("'ir' needs --fn NAME (the top-level def to print)");
  const format = values.get("--format") ?? "text";
  if (format !== "text" && format !== "dot" && format !== "json" && format !== "js") {
    throw new UsageError(`--format must be text, dot, json or js, got '${format}'`);
  }
  const backend = values.get("--backend") ?? "js";
  if (backend !== "js" && backend !== "vm") throw new UsageError(`--backend must be js or vm, got '${backend}'`);
  return {
    ...defaults(command),
    file,
    debug: seen.includes("--debug"),
    maxDepth: count("--max-depth", values.get("--max-depth")),
    maxSteps: count("--max-steps", values.get("--max-steps")),
    maxMemoryMB: count("--max-memory", values.get("--max-memory")),
    fn,
    grad: seen.includes("--grad"),
    format,
    stats: seen.includes("--stats"),
    optimize: !seen.includes("--no-opt"),
    backend,
  };
}

function defaults(command: Command): CliOptions {
  return { command, file: null, debug: false, maxDepth: null, maxSteps: null, maxMemoryMB: null, fn: null, grad: false, format: "text", stats: false, optimize: true, backend: "js" };
}

/** A limit is a positive whole number; `_` may group digits (`10_000_000`). */
function count(flag: Flag, text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = /^[0-9][0-9_]*$/.test(text) ? Number(text.replace(/_/g, "")) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive whole number, got '${text}'`);
  return n;
}
