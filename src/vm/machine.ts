// The machine users and the other stages hold: it runs graphs and function values on the
// interpreter, keeps the top-level bindings, and turns every failure into one MyxError.
import { Session } from "../ad/session.js";
import type { Graph } from "../ir/graph.js";
import { PrimError } from "../runtime/host.js";
import { Closure, isPrimitive, aTypeName, type Value } from "../runtime/values.js";
import { Codes, type Code } from "./code.js";
import { arityMessage } from "../runtime/check.js";
import { Fault, runtimeError } from "./errors.js";
import type { MyxError } from "../lang/diagnostics.js";
import { enterClosure } from "./frames.js";
import { callPrimitive, Interpreter } from "./interpreter.js";

export interface MachineOptions {
  print: (line: string) => void;
  /** Calls and tail calls of Myx functions (loop iterations included) per outermost run; unlimited unless given. */
  maxSteps?: number;
  /** Frames on the Myx stack; 10,000,000 unless given. */
  maxDepth?: number;
  /** Gives programs file access (`read_csv`); see HostContext.readFile. None unless given. */
  readFile?: (path: string) => string;
  /** Megabytes a run may add to the heap (checked every few thousand steps); unlimited unless given. */
  maxMemoryMB?: number;
  /** The compile session of the graphs it runs (what `grad` transforms with); a fresh one without an optimizer unless given. */
  session?: Session;
}

export class Machine extends Interpreter {
  /** Top-level `let`s; they persist across runs, as the REPL needs. */
  readonly globals = new Map<string, Value>();
  private readonly output: (line: string) => void;
  readonly readFile?: (path: string) => string;
  readonly session: Session;
  private readonly codes = new Codes();

  constructor(options: MachineOptions) {
    super(options.maxSteps ?? Infinity, options.maxDepth ?? 10_000_000, (options.maxMemoryMB ?? Infinity) * 2 ** 20);
    this.output = options.print;
    this.readFile = options.readFile;
    this.session = options.session ?? new Session(null);
  }

  print(line: string): void {
    this.output(line);
  }

  readGlobal(name: string): Value {
    const v = this.globals.get(name);
    if (v === undefined) throw new PrimError(`'${name}' is used before its let has run`);
    return v;
  }

  writeGlobal(name: string, value: Value): void {
    this.globals.set(name, value);
  }

  /** Runs a graph without free variables: a module's main or a top-level def. */
  run(graph: Graph, args: Value[]): Value {
    return this.guard(() => this.enter(this.entryCode(graph), this.codes.plainClosure(graph), args));
  }

  /**
   * `run` for a graph a host calls again and again (a def called from JavaScript): its Code and
   * closure are looked up on its first call only.
   */
  runner(graph: Graph): (args: Value[]) => Value {
    const closure = this.codes.plainClosure(graph);
    let code: Code | null = null;
    // `guard` written out: this is the path of every call from JavaScript.
    return (args) => {
      if (this.running) return this.enter((code ??= this.entryCode(graph)), closure, args);
      this.running = true;
      this.stepsLeft = this.limits.start();
      try {
        return this.enter((code ??= this.entryCode(graph)), closure, args);
      } catch (e) {
        throw this.failure(e);
      } finally {
        this.running = false;
        this.finish();
      }
    };
  }

  private entryCode(graph: Graph): Code {
    const code = this.codeFor(graph);
    if (code.nenv !== 0) throw new Error(`${graph.name} has free variables and cannot run on its own`);
    return code;
  }

  /** Calls any function value; re-entrant, for primitives that call back into Myx. */
  call(fn: Value, args: Value[]): Value {
    return this.guard(() => {
      if (fn instanceof Closure) return this.enter(this.codeOf(fn), fn, args);
      if (isPrimitive(fn)) return this.made(callPrimitive(fn, args, this));
      throw new PrimError(`cannot call ${aTypeName(fn)}`);
    });
  }

  /** Whether a run is on: an entry while one is (a primitive calling back into Myx) is part of it. */
  private running = false;

  /**
   * The outermost entry starts the run's limits and turns any failure into a MyxError; nested ones
   * leave that to it, and a failure carries the frames it leaves on its way out (errors.ts).
   */
  private guard(body: () => Value): Value {
    if (this.running) return body();
    this.running = true;
    this.stepsLeft = this.limits.start();
    try {
      return body();
    } catch (e) {
      throw this.failure(e);
    } finally {
      this.running = false;
      this.finish();
    }
  }

  /** What the user gets of a failure that reached the outermost entry. */
  private failure(e: unknown): MyxError {
    return e instanceof Fault ? e.toMyxError() : runtimeError(e, null, []);
  }

  /** After the outermost run, however it ended: what it left on the stack goes, and its limits end. */
  protected finish(): void {
    this.stack.release();
    this.limits.end();
  }

  /**
   * Runs a closure from outside the Myx stack (a host, or a primitive calling back): its arity is
   * checked, its depth, and the call is a step, as a call in Myx code is.
   */
  protected enter(code: Code, closure: Closure, args: readonly Value[]): Value {
    if (args.length !== code.nparams) throw new PrimError(arityMessage(code.name, code.nparams, code.nparams, args.length));
    if (this.stack.top + 1 + this.compiledFrames >= this.maxDepth) throw this.depthError();
    if (--this.stepsLeft < 0) this.checkpoint();
    return this.push(code, closure, args);
  }

  /** Runs a closure in a new frame on top of the VM's stack; its step and depth are the caller's to check. */
  protected push(code: Code, closure: Closure, args: readonly Value[]): Value {
    const stack = this.stack;
    const entry = stack.top + 1;
    const [chunk, base] = stack.above(code.frameSize);
    const regs = stack.chunk(chunk, base + code.frameSize);
    for (let i = 0; i < args.length; i++) regs[base + i] = args[i]!;
    enterClosure(regs, base, code, closure.env, closure);
    stack.setFrame(entry, code, base, chunk);
    stack.top = entry;
    return this.dispatch(entry);
  }

  /** The Code of a graph, linearized on its first run. */
  codeFor(graph: Graph): Code {
    return this.codes.codeFor(graph);
  }

  /** The one function value of a graph without free variables. */
  plainClosure(graph: Graph): Closure {
    return this.codes.plainClosure(graph);
  }
}
