// The instruction set and its interpreter. A graph linearizes (linearize.ts) into one Int32Array
// of instructions whose operands are all slots of the frame — parameters, captured values,
// constants and the results of Applies — so an instruction reads registers and never asks what
// kind of operand it has. The dispatch loop keeps its frames on an explicit stack in the heap
// (frames.ts): a Myx call pushes a frame and jumps, it is never a JavaScript call, so recursion
// depth is bounded by `maxDepth` and memory rather than by V8's stack, and a tail call reuses its
// frame, so loops run in constant space. JavaScript recursion happens only when a primitive calls
// back into Myx (`map`, `grad`), one level per such call.
//
// The opcodes are declared in this file because the dispatch `switch` must see them as literals
// to be a jump table: imported enum members are property reads (getters, under Vite).
//
// Layouts (`d` a destination slot, `a`/`b`/`c` source slots, `L` an instruction offset):
//   ADD..NE d a b            fast path on two Nums, else the primitive's impl (which names the error)
//   NEG d a
//   MOVE d a
//   JUMP L
//   BRANCH_FALSE c L         an inlined `if`: c must be a Bool
//   BRANCH_LT..BRANCH_NE a b L   an inlined `if a < b` (…): falls through when it holds, else jumps
//   CLOSURE d g n s1..sn     Closure(graphs[g], [s1..sn])
//   PRIM d p n a1..an        prims[p](a1..an), no frame
//   FAIL m                   raise messages[m] (a call whose arity is known to be wrong)
//   RETURN a
// Calls share one layout so that a return can find its destination and the next instruction
// without knowing which call it returns to: `op d f n ic a1..an`, next at +5+n.
//   CALL / TAIL_CALL         f a slot holding any function value; ic an inline-cache index
//   CALL_KNOWN / TAIL_KNOWN  f an index into graphs: a function without free variables
//   SELF_CALL / SELF_TAIL    the graph running in this frame, with this frame's closure
// The TAIL_ forms reuse the frame; SELF_TAIL rebinds the parameters and jumps to offset 0.
import type { Session } from "../ad/session.js";
import type { Graph } from "../ir/graph.js";
import { type Primitive } from "../prims/primitive.js";
import { PrimError, type HostContext } from "../runtime/host.js";
import * as S from "../prims/scalar.js";
import { aTypeName, Closure, isPrimitive, Tensor, typeName, UNIT, type Value } from "../runtime/values.js";
import type { Code } from "./code.js";
import { arityMessage } from "../runtime/check.js";
import { Fault } from "./errors.js";
import { enterClosure, enterPlain, enterSelf, Stack } from "./frames.js";
import { RunLimits } from "./limits.js";

export const enum Op {
  Add, Sub, Mul, Div, Lt, Le, Gt, Ge, Eq, Ne, Neg,
  Move, Jump, BranchFalse, BranchLt, BranchLe, BranchGt, BranchGe, BranchEq, BranchNe,
  Closure, Prim, Fail, Return, Call, TailCall, CallKnown, TailKnown, SelfCall, SelfTail,
}

/** Words before the arguments of a call instruction. */
const CALL_HEADER = 5;

/**
 * The dispatch loop and the state it runs on. A step is one call or tail call of a Myx function
 * (each loop iteration is a tail call); `maxSteps` bounds them per outermost run. Calls of
 * primitives are not steps.
 */
export abstract class Interpreter implements HostContext {
  protected readonly stack = new Stack();
  /** Steps left before the next checkpoint, where the limits are looked at. */
  stepsLeft = 0;
  /**
   * Frames of the run that are not on this stack: compiled frames (src/js) below the VM's. The
   * depth limit counts them with the VM's own; 0 when the VM runs alone.
   */
  compiledFrames = 0;
  protected readonly limits: RunLimits;
  /** Arguments of a tail call in transit: the frame they are read from is the one they go to. */
  private readonly moving: Value[] = [];

  constructor(
    maxSteps: number,
    protected readonly maxDepth: number,
    /** Bytes a run may add to the heap; Infinity for no limit. */
    maxMemory: number = Infinity,
  ) {
    this.limits = new RunLimits(maxSteps, maxMemory);
  }

  checkpoint(): void {
    this.stepsLeft = this.limits.checkpoint();
  }

  abstract readonly session: Session;
  abstract print(line: string): void;
  abstract call(fn: Value, args: Value[]): Value;
  abstract readGlobal(name: string): Value;
  abstract writeGlobal(name: string, value: Value): void;
  abstract codeFor(graph: Graph): Code;

  protected dispatch(entry: number): Value {
    const stack = this.stack;
    let fp = entry;
    let code = stack.code[fp]!;
    let ops = code.ops;
    let base = stack.frames[3 * fp]!;
    let chunk = stack.frames[3 * fp + 2]!;
    let regs = stack.chunks[chunk]!;
    let pc = 0;
    let at = 0;
    let ret: Value = UNIT;
    try {
      for (;;) {
        at = pc;
        switch (ops[pc]) {
          case Op.Add: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x + y : this.made(S.add.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Sub: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x - y : this.made(S.sub.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Mul: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x * y : this.made(S.mul.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Div: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x / y : this.made(S.div.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Lt: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x < y : this.made(S.lt.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Le: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x <= y : this.made(S.le.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Gt: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x > y : this.made(S.gt.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Ge: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x >= y : this.made(S.ge.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Eq: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x === y : this.made(S.eq.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Ne: {
            const x = regs[base + ops[pc + 2]!]!, y = regs[base + ops[pc + 3]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" && typeof y === "number" ? x !== y : this.made(S.ne.impl([x, y], this));
            pc += 4;
            continue;
          }
          case Op.Neg: {
            const x = regs[base + ops[pc + 2]!]!;
            regs[base + ops[pc + 1]!] = typeof x === "number" ? -x : this.made(S.neg.impl([x], this));
            pc += 3;
            continue;
          }
          case Op.Move:
            regs[base + ops[pc + 1]!] = regs[base + ops[pc + 2]!]!;
            pc += 3;
            continue;
          case Op.Jump:
            pc = ops[pc + 1]!;
            continue;
          case Op.BranchFalse: {
            const c = regs[base + ops[pc + 1]!]!;
            if (c === true) pc += 3;
            else if (c === false) pc = ops[pc + 2]!;
            else throw notBool(c);
            continue;
          }
          case Op.BranchLt: {
            const x = regs[base + ops[pc + 1]!]!, y = regs[base + ops[pc + 2]!]!;
            pc = (typeof x === "number" && typeof y === "number" ? x < y : test(S.lt, x, y, this)) ? pc + 4 : ops[pc + 3]!;
            continue;
          }
          case Op.BranchLe: {
            const x = regs[base + ops[pc + 1]!]!, y = regs[base + ops[pc + 2]!]!;
            pc = (typeof x === "number" && typeof y === "number" ? x <= y : test(S.le, x, y, this)) ? pc + 4 : ops[pc + 3]!;
            continue;
          }
          case Op.BranchGt: {
            const x = regs[base + ops[pc + 1]!]!, y = regs[base + ops[pc + 2]!]!;
            pc = (typeof x === "number" && typeof y === "number" ? x > y : test(S.gt, x, y, this)) ? pc + 4 : ops[pc + 3]!;
            continue;
          }
          case Op.BranchGe: {
            const x = regs[base + ops[pc + 1]!]!, y = regs[base + ops[pc + 2]!]!;
            pc = (typeof x === "number" && typeof y === "number" ? x >= y : test(S.ge, x, y, this)) ? pc + 4 : ops[pc + 3]!;
            continue;
          }
          case Op.BranchEq: {
            const x = regs[base + ops[pc + 1]!]!, y = regs[base + ops[pc + 2]!]!;
            pc = (typeof x === "number" && typeof y === "number" ? x === y : test(S.eq, x, y, this)) ? pc + 4 : ops[pc + 3]!;
            continue;
          }
          case Op.BranchNe: {
            const x = regs[base + ops[pc + 1]!]!, y = regs[base + ops[pc + 2]!]!;
            pc = (typeof x === "number" && typeof y === "number" ? x !== y : test(S.ne, x, y, this)) ? pc + 4 : ops[pc + 3]!;
            continue;
          }
          case Op.Closure: {
            const n = ops[pc + 3]!;
            // Grown with push, not preallocated: a holey array changes its element kind as numbers
            // and objects go in, which costs more than the primitive itself.
            const env: Value[] = [];
            for (let i = 0; i < n; i++) env.push(regs[base + ops[pc + 4 + i]!]!);
            regs[base + ops[pc + 1]!] = new Closure(code.graphs[ops[pc + 2]!]!, env);
            pc += 4 + n;
            continue;
          }
          case Op.Prim: {
            const n = ops[pc + 3]!;
            const args: Value[] = [];
            for (let i = 0; i < n; i++) args.push(regs[base + ops[pc + 4 + i]!]!);
            stack.frames[3 * fp + 1] = pc;
            stack.top = fp;
            regs[base + ops[pc + 1]!] = this.made(code.prims[ops[pc + 2]!]!.impl(args, this));
            pc += 4 + n;
            continue;
          }
          case Op.Fail:
            throw new PrimError(code.messages[ops[pc + 1]!]!);
          case Op.Return:
            ret = regs[base + ops[pc + 1]!]!;
            break;
          case Op.Call:
          case Op.CallKnown:
          case Op.SelfCall: {
            const op = ops[pc]!;
            const fn = op === Op.Call ? regs[base + ops[pc + 2]!]! : null;
            if (fn !== null && !(fn instanceof Closure)) {
              regs[base + ops[pc + 1]!] = this.callValue(fn, regs, base, ops, pc, fp);
              pc += CALL_HEADER + ops[pc + 3]!;
              continue;
            }
            const n = ops[pc + 3]!;
            const callee = fn !== null ? this.linkCall(code, ops[pc + 4]!, fn, n) : op === Op.SelfCall ? code : this.linkKnown(code, ops[pc + 2]!);
            if (--this.stepsLeft < 0) this.checkpoint();
            if (fp + 1 + this.compiledFrames >= this.maxDepth) throw this.depthError();
            let to = base + code.frameSize;
            let toChunk = chunk;
            let target = regs;
            if (to + callee.frameSize > regs.length) {
              toChunk = chunk + 1;
              to = 0;
              target = stack.chunk(toChunk, callee.frameSize);
            }
            for (let i = 0; i < n; i++) target[to + i] = regs[base + ops[pc + CALL_HEADER + i]!]!;
            if (fn !== null) enterClosure(target, to, callee, fn.env, fn);
            else if (op === Op.SelfCall) enterSelf(regs, base, target, to, code);
            else enterPlain(target, to, callee);
            stack.frames[3 * fp + 1] = pc;
            stack.setFrame(fp + 1, callee, to, toChunk);
            fp++;
            regs = target;
            chunk = toChunk;
            base = to;
            code = callee;
            ops = callee.ops;
            pc = 0;
            continue;
          }
          case Op.SelfTail: {
            if (--this.stepsLeft < 0) this.checkpoint();
            const n = ops[pc + 3]!;
            for (let i = 0; i < n; i++) regs[base + i] = regs[base + ops[pc + CALL_HEADER + i]!]!;
            pc = 0;
            continue;
          }
          case Op.TailCall:
          case Op.TailKnown: {
            const fn = ops[pc] === Op.TailCall ? regs[base + ops[pc + 2]!]! : null;
            if (fn !== null && !(fn instanceof Closure)) {
              ret = this.callValue(fn, regs, base, ops, pc, fp);
              break;
            }
            const n = ops[pc + 3]!;
            const callee = fn !== null ? this.linkCall(code, ops[pc + 4]!, fn, n) : this.linkKnown(code, ops[pc + 2]!);
            if (--this.stepsLeft < 0) this.checkpoint();
            const moving = this.moving;
            for (let i = 0; i < n; i++) moving[i] = regs[base + ops[pc + CALL_HEADER + i]!]!;
            if (base + callee.frameSize > regs.length) {
              chunk++;
              base = 0;
              regs = stack.chunk(chunk, callee.frameSize);
            }
            for (let i = 0; i < n; i++) regs[base + i] = moving[i]!;
            if (fn !== null) enterClosure(regs, base, callee, fn.env, fn);
            else enterPlain(regs, base, callee);
            stack.setFrame(fp, callee, base, chunk);
            code = callee;
            ops = callee.ops;
            pc = 0;
            continue;
          }
          default:
            throw new Error(`bad opcode ${ops[pc]} at ${pc} in ${code.name}`);
        }
        // Only RETURN and a primitive called in tail position get here, with the frame's result in `ret`.
        if (fp === entry) {
          stack.top = entry - 1;
          return ret;
        }
        fp--;
        const frames = stack.frames;
        base = frames[3 * fp]!;
        pc = frames[3 * fp + 1]!;
        chunk = frames[3 * fp + 2]!;
        regs = stack.chunks[chunk]!;
        code = stack.code[fp]!;
        ops = code.ops;
        regs[base + ops[pc + 1]!] = ret;
        pc += CALL_HEADER + ops[pc + 3]!;
      }
    } catch (e) {
      stack.frames[3 * fp + 1] = at;
      // The frames of this dispatch, each at the instruction it was executing; outer ones add theirs.
      const fault = Fault.of(e);
      fault.leave(fp - entry + 1, (k) => ({ fn: stack.code[fp - k]!.name, span: stack.code[fp - k]!.locs.get(stack.pcOf(fp - k)) ?? null }));
      stack.top = entry - 1;
      throw fault;
    }
  }

  /** A CALL whose callee turned out to be a primitive, or not a function at all. */
  private callValue(fn: Value, regs: Value[], base: number, ops: Int32Array, pc: number, fp: number): Value {
    if (!isPrimitive(fn)) throw new PrimError(`cannot call ${aTypeName(fn)}`);
    const n = ops[pc + 3]!;
    const args: Value[] = [];
    for (let i = 0; i < n; i++) args.push(regs[base + ops[pc + CALL_HEADER + i]!]!);
    this.stack.frames[3 * fp + 1] = pc;
    this.stack.top = fp;
    return this.made(callPrimitive(fn, args, this));
  }

  /**
   * A primitive's result, its array counted as it is made when the run has a memory limit: a few
   * calls making large arrays cannot wait for the next look at the heap (see limits.ts).
   */
  made(v: Value): Value {
    if (this.limits.watching && v instanceof Tensor) this.limits.allocated(v.data.byteLength);
    return v;
  }

  depthError(): PrimError {
    return new PrimError(`maximum recursion depth of ${this.maxDepth} frames exceeded`);
  }

  /** The Code behind a closure called at a CALL site, through the site's inline cache. */
  private linkCall(code: Code, ic: number, fn: Closure, argc: number): Code {
    let callee = code.icCode[ic]!;
    if (code.icGraph[ic] !== fn.graph) {
      callee = this.codeOf(fn);
      code.icGraph[ic] = fn.graph;
      code.icCode[ic] = callee;
    }
    if (callee.nparams !== argc) throw new PrimError(arityMessage(callee.name, callee.nparams, callee.nparams, argc));
    return callee;
  }

  private linkKnown(code: Code, index: number): Code {
    return code.linked[index] ?? (code.linked[index] = this.codeFor(code.graphs[index]!));
  }

  protected codeOf(fn: Closure): Code {
    const code = this.codeFor(fn.graph);
    if (fn.env.length !== code.nenv) throw new Error(`a closure of ${code.name} holds ${fn.env.length} values, not ${code.nenv}`);
    return code;
  }
}

export function callPrimitive(p: Primitive, args: Value[], host: HostContext): Value {
  if (args.length < p.minArgs || args.length > p.maxArgs) throw new PrimError(arityMessage(p.name, p.minArgs, p.maxArgs, args.length));
  return p.impl(args, host);
}

/** The slow path of a fused comparison: whatever the primitive gives must be a Bool to branch on. */
export function test(p: Primitive, x: Value, y: Value, host: HostContext): boolean {
  const c = p.impl([x, y], host);
  if (typeof c !== "boolean") throw notBool(c);
  return c;
}

export function notBool(c: Value): PrimError {
  return new PrimError(`a condition must be a Bool, got ${typeName(c)}`);
}
