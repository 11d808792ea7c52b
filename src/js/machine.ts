// The machine of the JavaScript backend: the VM's machine (globals, limits, errors, the Code of
// each graph) whose frames run as JavaScript functions compiled from that Code (emit.ts), one per
// Code, built on its first call and kept for the life of the machine.
//
// Depth. A compiled call is a JavaScript call, and V8's stack is small (under 1 MiB on the main
// thread). Compiled frames charge an estimate of their size (frameCost) to `jsBytes`; a call that
// would pass STACK_BUDGET runs on the VM's explicit stack instead, from where the rest of a deep
// recursion continues at the VM's pace, in the heap. `compiledFrames` counts the compiled frames
// live, so that `maxDepth` bounds them with the VM's frames together, and limit errors come at
// the same call on both backends.
import * as S from "../prims/scalar.js";
import type { Primitive } from "../prims/primitive.js";
import { arityMessage } from "../runtime/check.js";
import { PrimError } from "../runtime/host.js";
import { aTypeName, Closure, isPrimitive, UNIT, type Value } from "../runtime/values.js";
import type { Code } from "../vm/code.js";
import { Fault } from "../vm/errors.js";
import { callPrimitive, notBool, test } from "../vm/interpreter.js";
import { Machine, type MachineOptions } from "../vm/machine.js";
import { emitFactory, LEFT, MAX_COMPILED_REGISTERS, STACK_BUDGET, type CompiledFunction, type Runtime, type Tables } from "./emit.js";

/** What every factory gets besides its tables: the runtime's classes and the fast paths' primitives. */
const SHARED = {
  Closure,
  PrimError,
  EMPTY: Object.freeze([]) as readonly Value[],
  UNIT,
  isArray: Array.isArray,
  ADD: S.add, SUB: S.sub, MUL: S.mul, DIV: S.div,
  LT: S.lt, LE: S.le, GT: S.gt, GE: S.ge, EQ: S.eq, NE: S.ne, NEG: S.neg,
};

type Factory = (T: Tables, m: Runtime, R: typeof SHARED & { CODE: Code }) => CompiledFunction;

export class JsMachine extends Machine implements Runtime {
  frameLimit = 0;
  jsBytes = 0;
  private readonly functions = new WeakMap<Code, CompiledFunction>();

  constructor(options: MachineOptions) {
    super(options);
  }

  protected override enter(code: Code, closure: Closure, args: readonly Value[]): Value {
    if (args.length !== code.nparams) throw new PrimError(arityMessage(code.name, code.nparams, code.nparams, args.length));
    const vmFrames = this.stack.top + 1;
    if (vmFrames + this.compiledFrames >= this.maxDepth) throw this.depthError();
    if (--this.stepsLeft < 0) this.checkpoint();
    // An entry with nothing below starts from nothing, and ends with nothing again: on a failure,
    // finish() sees to that.
    if (vmFrames === 0 && this.compiledFrames === 0) {
      this.frameLimit = this.maxDepth;
      this.compiledFrames = 1;
      this.jsBytes = ENTRY_COST;
      const v = this.invoke(code, closure, args);
      this.compiledFrames = 0;
      this.jsBytes = 0;
      return v;
    }
    // Entered again from a primitive (or a host's callback), the counts are put back however it ends.
    const { compiledFrames, frameLimit, jsBytes } = this;
    this.frameLimit = this.maxDepth - vmFrames;
    try {
      if (jsBytes > STACK_BUDGET - ENTRY_COST) return this.push(code, closure, args);
      this.compiledFrames++;
      this.jsBytes += ENTRY_COST;
      return this.invoke(code, closure, args);
    } finally {
      this.compiledFrames = compiledFrames;
      this.frameLimit = frameLimit;
      this.jsBytes = jsBytes;
    }
  }

  protected override finish(): void {
    super.finish();
    this.compiledFrames = 0;
    this.jsBytes = 0;
  }

  /** The compiled function of `code` on `args`, without spreading the few a call usually has. */
  private invoke(code: Code, closure: Closure, args: readonly Value[]): Value {
    const fn = this.functionOf(code);
    switch (args.length) {
      case 0:
        return fn(closure.env, closure);
      case 1:
        return fn(closure.env, closure, args[0]!);
      case 2:
        return fn(closure.env, closure, args[0]!, args[1]!);
      case 3:
        return fn(closure.env, closure, args[0]!, args[1]!, args[2]!);
      default:
        return fn(closure.env, closure, ...args);
    }
  }

  callOther(fn: Value, args: Value[]): Value {
    if (!isPrimitive(fn)) throw new PrimError(`cannot call ${aTypeName(fn)}`);
    return this.made(callPrimitive(fn, args, this));
  }

  link(fn: Value, argc: number): CompiledFunction {
    const code = this.codeOf(fn as Closure);
    if (code.nparams !== argc) throw new PrimError(arityMessage(code.name, code.nparams, code.nparams, argc));
    return this.functionOf(code);
  }

  compiled(fn: Value): CompiledFunction {
    return this.functionOf(this.codeFor((fn as Closure).graph));
  }

  onVM(fn: Value, args: Value[], tail: boolean): Value {
    const closure = fn as Closure;
    // A tail call leaves its compiled frame: the VM's frame takes its place in the count.
    if (tail) this.compiledFrames--;
    const v = this.push(this.codeOf(closure), closure, args);
    if (tail) this.compiledFrames++;
    return v;
  }

  fault(e: unknown, code: Code, at: number): Error {
    const fault = Fault.of(e);
    if (at !== LEFT) fault.leave(1, () => ({ fn: code.name, span: code.locs.get(at) ?? null }));
    return fault;
  }

  notBool(c: Value): Error {
    return notBool(c);
  }

  test(p: unknown, x: Value, y: Value): boolean {
    return test(p as Primitive, x, y, this);
  }

  private functionOf(code: Code): CompiledFunction {
    let fn = this.functions.get(code);
    if (fn === undefined) {
      fn = this.build(code);
      this.functions.set(code, fn);
    }
    return fn;
  }

  private build(code: Code): CompiledFunction {
    // A frame this large would take too much of the stack as a JavaScript frame: it runs on the VM,
    // as the frame of a call continued there does.
    if (code.frameSize > MAX_COMPILED_REGISTERS) return (_env, self, ...args) => this.onVM(self, args, true);
    const factory = new Function("T", "m", "R", emitFactory(code)) as Factory;
    const tables: Tables = {
      K: code.constValues,
      P: code.prims,
      G: code.graphs,
      M: code.messages,
      plain: (i) => this.plainClosure(code.graphs[i]!),
    };
    return factory(tables, this, { ...SHARED, CODE: code });
  }
}

/** What an entry charges for the frames of the host and primitive that made it. */
const ENTRY_COST = 2048;

