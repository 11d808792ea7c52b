// The library face (SPEC §7): `compile(source, options)` gives a module whose functions JavaScript
// can call and whose top-level statements it can run. The CLI drives the same pipeline through
// `frontEnd`, so a program means the same thing everywhere.
import { dirname, isAbsolute, join } from "node:path";
import { formatDiagnostics, MyxError, type Diagnostic } from "./lang/diagnostics.js";
import { parseProgram } from "./lang/parser.js";
import { lowerProgram, type TopScope } from "./ir/lower/program.js";
import type { Module } from "./ir/module.js";
import { Machine, type MachineOptions } from "./vm/index.js";
import { JsMachine } from "./js/machine.js";
import { differentiationBuiltins } from "./ad/builtins.js";
import { Session } from "./ad/session.js";
import { idMark } from "./ir/graph.js";
import { analyze } from "./ir/manager.js";
import { optimize } from "./opt/optimize.js";
import { toJs, toMyxArgs } from "./vm/js-values.js";
import { PrimError } from "./runtime/host.js";
import { Fault } from "./vm/errors.js";
import type { Value } from "./runtime/values.js";

export { MyxError, type Diagnostic } from "./lang/diagnostics.js";
export { Tensor } from "./runtime/values.js";
export { tuple } from "./vm/js-values.js";

/**
 * A compile session (src/ad/session.ts) whose unit optimizer is the optimizer, or none: what
 * differentiation builds at run time is optimized as the program is.
 */
export function newSession(optimizing: boolean): Session {
  const session: Session = new Session(optimizing ? (roots, owned, atFixedPoint) => optimize(roots, owned, { atFixedPoint, session }) : null);
  return session;
}

/** What runs a program: JavaScript compiled from its graphs, or the VM, the reference. Identical results. */
export type Backend = "js" | "vm";

export function newMachine(backend: Backend, options: MachineOptions): Machine {
  return backend === "vm" ? new Machine(options) : new JsMachine(options);
}

export interface FrontEndOptions {
  readonly filename?: string;
  /** Run the optimizer on the program and on what differentiation builds (default true), when no session is given. */
  readonly optimize?: boolean;
  /** The session to compile in: the REPL's, for all its inputs. A new one unless given. */
  readonly session?: Session;
  /** REPL inputs see what earlier inputs defined. */
  readonly repl?: boolean;
  readonly scope?: TopScope;
}

export interface FrontEndResult {
  readonly module: Module;
  readonly scope: TopScope;
  /** What the module's graphs are run with, so that `grad` at run time transforms as this compile did. */
  readonly session: Session;
}

/** Source to graphs; throws a MyxError listing every error found, with source excerpts. */
export function frontEnd(source: string, options: FrontEndOptions = {}): FrontEndResult {
  const file = options.filename ?? "<input>";
  const fail = (diagnostics: readonly Diagnostic[], internal?: unknown): never => {
    throw new MyxError(diagnostics, internal, formatDiagnostics(diagnostics, new Map([[file, source]])));
  };
  const parsed = parseProgram(source, file);
  if (parsed.program === null) return fail(parsed.diagnostics);
  const session = options.session ?? newSession(options.optimize ?? true);
  const mark = idMark();
  let lowered: ReturnType<typeof lowerProgram>;
  try {
    lowered = lowerProgram(parsed.program, { repl: options.repl ?? false, scope: options.scope, builtins: differentiationBuiltins });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return fail([{ file, line: 1, col: 1, span: null, message: "the program is nested too deeply to compile" }], e);
  }
  if (lowered.module === null) return fail(lowered.diagnostics);
  const { main, defs } = lowered.module;
  if (session.optimizing) {
    // Only what this program made: graphs of earlier REPL inputs may already have run. Nothing
    // is inlined here, so a runtime error still lists every call of the program in its trace,
    // and nothing is merged, so that what J later makes of the program sums sensitivities as
    // without the optimizer (floating-point addition does not reassociate). Gradients of known
    // functions are built once the program's graphs are final.
    const roots = [main, ...defs.values()];
    const owned = new Set(analyze(roots).graphs.filter((g) => g.id >= mark));
    optimize(roots, owned, { level: "program", inlineSize: 0, cse: false, specialize: false, session });
    optimize(roots, owned, { level: "program", inlineSize: 0, cse: false, session });
  }
  return { module: lowered.module, scope: lowered.scope, session };
}

export interface CompileOptions {
  /** The name diagnostics give the source; also where `read_csv` paths are relative to. */
  readonly filename?: string;
  /** Run the optimizer (default true); results are the same either way. */
  readonly optimize?: boolean;
  /** What runs the program (default "js"); results are the same either way. */
  readonly backend?: Backend;
  /** Receives each line the program prints, as it is printed. */
  readonly print?: (line: string) => void;
  /** Calls (and loop iterations) after which the run stops with a MyxError. */
  readonly maxSteps?: number;
  /** Nested (non-tail) calls after which the run stops with a MyxError. Default 10,000,000. */
  readonly maxDepth?: number;
  /**
   * Megabytes a run may add to the JavaScript heap before it stops with a MyxError. Checked
   * every 65,536 steps and counting garbage not yet collected, so it is approximate. Unlimited
   * by default.
   */
  readonly maxMemoryMB?: number;
  /**
   * Lets the program read files (`read_csv`): called with the path the program wrote, resolved
   * against the directory of `filename`, it returns the file's text or throws (the message
   * reaches the user). Without it, `read_csv` is a runtime error: the library gives a program no
   * access to the disk unless its host says so. `(path) => readFileSync(path, "utf8")` allows all.
   */
  readonly readFile?: (path: string) => string;
}

export interface MyxModule {
  /** A top-level def as a JavaScript function. The top-level statements run once first, if no `run()` has. */
  fn(name: string): (...args: unknown[]) => unknown;
  /** Runs the top-level statements; returns what they printed. */
  run(): string;
}

export function compile(source: string, options: CompileOptions = {}): MyxModule {
  const file = options.filename ?? "<input>";
  const sources = new Map([[file, source]]);
  const { module, session } = frontEnd(source, { filename: file, optimize: options.optimize ?? true });
  let captured: string[] | null = null;
  const readFile = options.readFile;
  const machine = newMachine(options.backend ?? "js", {
    print: (line) => {
      captured?.push(line);
      options.print?.(line);
    },
    maxSteps: options.maxSteps,
    maxDepth: options.maxDepth,
    maxMemoryMB: options.maxMemoryMB,
    readFile: readFile && ((path) => readFile(isAbsolute(path) ? path : join(dirname(file), path))),
    session,
  });
  // Runtime errors are raised with their excerpt, like compile errors.
  const located = (failure: unknown): unknown => {
    // A call made while the module runs (from a print callback) fails as a Fault, which the
    // outermost entry would have made the MyxError: the host gets it first.
    const e = failure instanceof Fault ? failure.toMyxError() : failure;
    if (e instanceof MyxError) return new MyxError(e.diagnostics, e.internal, formatDiagnostics(e.diagnostics, sources));
    if (e instanceof PrimError) return new MyxError([{ file, line: 1, col: 1, span: null, message: e.message }]);
    return e;
  };
  const guarded = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw located(e);
    }
  };
  let hasRun = false;
  const run = (): string => {
    captured = [];
    try {
      guarded(() => machine.run(module.main, []));
      hasRun = true;
      return captured.map((l) => `${l}\n`).join("");
    } finally {
      captured = null;
    }
  };
  const callFromJs = (fn: Value, args: unknown[]): unknown =>
    guarded(() => toJs(machine.call(fn, toMyxArgs(args)), callFromJs));
  return {
    run,
    fn(name) {
      const graph = module.defs.get(name);
      if (graph === undefined) {
        const known = [...module.defs.keys()];
        throw new MyxError([{ file, line: 1, col: 1, span: null, message: `no top-level def named '${name}'${known.length ? ` (defined: ${known.join(", ")})` : ""}` }]);
      }
      const runGraph = machine.runner(graph);
      return (...args: unknown[]) => {
        if (!hasRun) guarded(() => machine.run(module.main, []));
        hasRun = true;
        // `guarded` written out: this is the path of every call from JavaScript.
        try {
          return toJs(runGraph(toMyxArgs(args)), callFromJs);
        } catch (e) {
          throw located(e);
        }
      };
    },
  };
}
