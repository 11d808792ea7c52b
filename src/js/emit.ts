// A linearized graph (vm/code.ts) as the source of one JavaScript function. The VM's instruction
// array already fixes everything the two backends must agree on — the order nodes are evaluated
// in, which `if`s are inlined, which calls are tail calls, where each instruction comes from in
// the source — so this reads it back into structured code: registers become locals, an inlined
// `if` (a conditional jump over a region, and for a value a jump over the other) becomes `if`/
// `else`, a self tail call a `continue` of the function's loop.
//
// Nothing of the program's text reaches the source. Numbers and booleans are written by
// `literal`; every other constant, primitive, graph and message is read from the tables the
// function is built with (machine.ts) into a local of the factory, named by its index.
//
// The function is `(env, self, r0, …)`: the closure's captured values, the closure itself and the
// arguments, which are registers 0… as in the VM. What the VM does around an instruction it does
// too, through `m`, the machine (Runtime below): counting steps, checking depth, counting arrays,
// calling primitives and function values, and leaving its frame in a failure's trace.
import type { Code } from "../vm/code.js";
import { Op } from "../vm/interpreter.js";
import type { Value } from "../runtime/values.js";
import { INLINE } from "./inline.js";

/** Words before the arguments of a call instruction (as in vm/interpreter.ts). */
const CALL_HEADER = 5;

/** `at` after a tail call has left the frame: a failure past it is not this frame's (the VM reuses the frame). */
export const LEFT = -1;

/**
 * Bytes of the JavaScript stack compiled frames may use before calls continue on the VM's own
 * stack (machine.ts); the threads Node runs on have at least 984 KiB.
 */
export const STACK_BUDGET = 512 * 1024;

/**
 * What a compiled frame of `code` is charged against STACK_BUDGET: an estimate of V8's frame, a
 * word per register and per temporary plus the frame's fixed part, on the generous side.
 */
export function frameCost(code: Code): number {
  return 8 * (2 * code.frameSize + 24) + 256;
}

/** Frames with more registers than this are not compiled: one would take too much of the stack. */
export const MAX_COMPILED_REGISTERS = 4096;

const FAST: ReadonlyMap<Op, readonly [operator: string, prim: string]> = new Map([
  [Op.Add, ["+", "ADD"]], [Op.Sub, ["-", "SUB"]], [Op.Mul, ["*", "MUL"]], [Op.Div, ["/", "DIV"]],
  [Op.Lt, ["<", "LT"]], [Op.Le, ["<=", "LE"]], [Op.Gt, [">", "GT"]], [Op.Ge, [">=", "GE"]],
  [Op.Eq, ["===", "EQ"]], [Op.Ne, ["!==", "NE"]],
]);

/** A fused branch tests what its comparison computes. */
const FUSED: ReadonlyMap<Op, Op> = new Map([
  [Op.BranchLt, Op.Lt], [Op.BranchLe, Op.Le], [Op.BranchGt, Op.Gt], [Op.BranchGe, Op.Ge], [Op.BranchEq, Op.Eq], [Op.BranchNe, Op.Ne],
]);

/** The length of the instruction at `pc`. */
function lengthAt(ops: Int32Array, pc: number): number {
  const op = ops[pc]! as Op;
  if (op <= Op.Ne) return 4;
  if (op === Op.Neg || op === Op.Move || op === Op.BranchFalse) return 3;
  if (op === Op.Jump || op === Op.Fail || op === Op.Return) return 2;
  if (op >= Op.BranchLt && op <= Op.BranchNe) return 4;
  if (op === Op.Closure || op === Op.Prim) return 4 + ops[pc + 3]!;
  return CALL_HEADER + ops[pc + 3]!;
}

/** A number or boolean as JavaScript source, or null for any other value. */
export function literal(v: Value): string | null {
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v !== "number") return null;
  if (Number.isNaN(v)) return "(0 / 0)";
  if (v === Infinity) return "(1 / 0)";
  if (v === -Infinity) return "(-1 / 0)";
  if (Object.is(v, -0)) return "(-0)";
  // String() of a finite number is digits, '.', 'e', '+' and '-' only.
  return v < 0 ? `(${String(v)})` : String(v);
}

/**
 * A string as a JavaScript string literal that is safe anywhere: in a comment, inside HTML, on a
 * line of its own (JSON leaves U+2028 and U+2029 as they are, and JavaScript ends lines there).
 */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")
    .replace(/</g, "\\u003c");
}

/** What compiled code asks of the machine `m` it runs on (machine.ts). */
export interface Runtime {
  /** Steps left before `checkpoint()` must look at the run's limits (vm/limits.ts). */
  stepsLeft: number;
  checkpoint(): void;
  /** Compiled frames live; a call may add one while they are fewer than `frameLimit`. */
  compiledFrames: number;
  readonly frameLimit: number;
  /** The estimated JavaScript stack compiled frames take (see frameCost). */
  jsBytes: number;
  depthError(): Error;
  /** A primitive's result, counted against the memory limit if it is an array. */
  made(v: Value): Value;
  /** A call of a value that is not a closure: a primitive, or an error. */
  callOther(fn: Value, args: Value[]): Value;
  /** The function compiled from a closure's graph, once its arity is checked against `argc`. */
  link(fn: Value, argc: number): CompiledFunction;
  /** The function compiled from a function value's graph. */
  compiled(fn: Value): CompiledFunction;
  /** Runs a closure in a frame on the VM's stack; `tail` if the calling frame is left. */
  onVM(fn: Value, args: Value[], tail: boolean): Value;
  /** A failure leaving a compiled frame of `code` at instruction `at` (LEFT: already left). */
  fault(e: unknown, code: Code, at: number): Error;
  notBool(c: Value): Error;
  /** The slow path of a fused comparison. */
  test(p: unknown, x: Value, y: Value): boolean;
}

/** What a graph compiles to: `(env, self, ...args) => value`. */
export type CompiledFunction = (env: readonly Value[], self: Value, ...args: Value[]) => Value;

/** What the factory reads from its table argument `T` (machine.ts builds it). */
export interface Tables {
  readonly K: readonly Value[];
  readonly P: readonly unknown[];
  readonly G: readonly unknown[];
  readonly M: readonly string[];
  /** The function value of G[i], a graph without free variables (one a CALL_KNOWN calls). */
  plain(i: number): unknown;
}

/**
 * The body of a factory `(T, m, R) => function` for `code`: `T` its tables, `m` the machine, `R`
 * the runtime's classes and fast-path primitives (`Closure`, `PrimError`, `EMPTY`, `UNIT`,
 * `isArray`, `ADD`…`NE`, `NEG`, `CODE`).
 */
export function emitFactory(code: Code): string {
  return new Emitter(code).run();
}

class Emitter {
  private readonly ops: Int32Array;
  private readonly lines: string[] = [];
  /** Offsets where an instruction starts: a jump found by looking back must be one. */
  private readonly starts = new Set<number>();
  /** Register → its value's source, for constants. */
  private readonly constants = new Map<number, string>();
  /** Registers holding a number constant, written as a literal: their type needs no test. */
  private readonly numbers = new Set<number>();
  /** Register → the constant it holds. */
  private readonly constantValues = new Map<number, Value>();
  /** Constants of the factory, by name, with what they are initialized to. */
  private readonly hoisted = new Map<string, string>();
  /** Variables of the factory (caches), initially null. */
  private readonly caches = new Set<string>();
  private loops = false;
  private readonly cost: number;

  constructor(private readonly code: Code) {
    this.ops = code.ops;
    for (let pc = 0; pc < this.ops.length; pc += lengthAt(this.ops, pc)) this.starts.add(pc);
    this.cost = frameCost(code);
    code.constSlots.forEach((slot, i) => {
      const v = code.constValues[i]!;
      this.constants.set(slot, literal(v) ?? this.hoist(`k${i}`, `T.K[${i}]`));
      if (typeof v === "number") this.numbers.add(slot);
      this.constantValues.set(slot, v);
    });
  }

  run(): string {
    const { code } = this;
    const body: string[] = [];
    const locals = ["at = 0", "f", "fn", "t"];
    for (let k = 0; k < code.nenv; k++) locals.push(`r${code.nparams + k} = env[${k}]`);
    if (code.selfSlot >= 0) locals.push(`r${code.selfSlot} = self`);
    for (let slot = code.nparams + code.nenv; slot < code.frameSize; slot++) {
      if (slot !== code.selfSlot && !this.constants.has(slot)) locals.push(`r${slot}`);
    }
    const ends = this.block(0, this.ops.length, 3);
    if (!ends) throw new Error(`internal: the code of ${code.name} does not end its frame`);
    const params = Array.from({ length: code.nparams }, (_, i) => `, r${i}`).join("");
    body.push(`return function compiled(env, self${params}) {`, `  let ${locals.join(", ")};`, "  try {");
    if (this.loops) body.push("    top: for (;;) {", ...this.lines, "    }");
    else body.push(...this.lines.map((l) => l.slice(2)));
    body.push("  } catch (e) {", "    throw m.fault(e, CODE, at);", "  }", "};");
    const factory = [...this.hoisted].map(([name, init]) => `const ${name} = ${init};`);
    if (this.caches.size > 0) factory.push(`let ${[...this.caches].map((name) => `${name} = null`).join(", ")};`);
    return ['"use strict";', "const { Closure, PrimError, EMPTY, UNIT, isArray, CODE, ADD, SUB, MUL, DIV, LT, LE, GT, GE, EQ, NE, NEG } = R;", ...factory, ...body].join("\n");
  }

  private hoist(name: string, init: string): string {
    this.hoisted.set(name, init);
    return name;
  }

  private out(indent: number, line: string): void {
    this.lines.push(`${"  ".repeat(indent)}${line}`);
  }

  /** The source of a register's value. */
  private r(slot: number): string {
    return this.constants.get(slot) ?? `r${slot}`;
  }

  /** `typeof x === "number"` unless x is a numeric literal. */
  private isNum(slot: number): string | null {
    return this.numbers.has(slot) ? null : `typeof ${this.r(slot)} === "number"`;
  }

  private both(a: number, b: number): string {
    const tests = [this.isNum(a), a === b ? null : this.isNum(b)].filter((t) => t !== null);
    return tests.length === 0 ? "true" : tests.join(" && ");
  }

  private args(pc: number, from: number): string[] {
    const n = this.ops[pc + 3]!;
    return Array.from({ length: n }, (_, i) => this.r(this.ops[pc + from + i]!));
  }

  /** Emits the instructions of [from, to); returns whether they end the frame on every path. */
  private block(from: number, to: number, indent: number): boolean {
    const { ops } = this;
    let pc = from;
    while (pc < to) {
      const op = ops[pc]! as Op;
      const fast = FAST.get(op);
      if (fast !== undefined) {
        const [operator, prim] = fast;
        const [d, a, b] = [ops[pc + 1]!, ops[pc + 2]!, ops[pc + 3]!];
        this.out(indent, `r${d} = ${this.both(a, b)} ? ${this.r(a)} ${operator} ${this.r(b)} : (at = ${pc}, m.made(${prim}.impl([${this.r(a)}, ${this.r(b)}], m)));`);
        pc += 4;
        continue;
      }
      switch (op) {
        case Op.Neg: {
          const [d, a] = [ops[pc + 1]!, ops[pc + 2]!];
          this.out(indent, `r${d} = ${this.isNum(a) ?? "true"} ? -${this.r(a)} : (at = ${pc}, m.made(NEG.impl([${this.r(a)}], m)));`);
          pc += 3;
          continue;
        }
        case Op.Move:
          this.out(indent, `r${ops[pc + 1]!} = ${this.r(ops[pc + 2]!)};`);
          pc += 3;
          continue;
        case Op.Closure: {
          const g = this.hoist(`g${ops[pc + 2]!}`, `T.G[${ops[pc + 2]!}]`);
          this.out(indent, `r${ops[pc + 1]!} = new Closure(${g}, [${this.args(pc, 4).join(", ")}]);`);
          pc += 4 + ops[pc + 3]!;
          continue;
        }
        case Op.Prim:
          this.out(indent, `r${ops[pc + 1]!} = ${this.prim(pc)};`);
          pc += 4 + ops[pc + 3]!;
          continue;
        case Op.Fail:
          this.out(indent, `at = ${pc}; throw new PrimError(${this.hoist(`s${ops[pc + 1]!}`, `T.M[${ops[pc + 1]!}]`)});`);
          return true;
        case Op.Return:
          this.out(indent, `return ${this.r(ops[pc + 1]!)};`);
          return true;
        case Op.Call:
        case Op.CallKnown:
        case Op.SelfCall:
          this.call(pc, op, indent);
          pc += CALL_HEADER + ops[pc + 3]!;
          continue;
        case Op.TailCall:
        case Op.TailKnown:
          this.call(pc, op, indent);
          return true;
        case Op.SelfTail: {
          this.loops = true;
          this.out(indent, `at = ${pc}; if (--m.stepsLeft < 0) m.checkpoint();`);
          // Parameter j is assigned in order; the linearizer has saved any argument it would clobber.
          this.args(pc, CALL_HEADER).forEach((a, j) => {
            if (a !== `r${j}`) this.out(indent, `r${j} = ${a};`);
          });
          this.out(indent, "continue top;");
          return true;
        }
        case Op.BranchFalse:
        case Op.BranchLt:
        case Op.BranchLe:
        case Op.BranchGt:
        case Op.BranchGe:
        case Op.BranchEq:
        case Op.BranchNe: {
          const next = pc + lengthAt(ops, pc);
          const elseAt = ops[next - 1]!;
          this.test(pc, op, indent);
          // An `if` with a value ends its first branch with a jump over the second; a tail `if` ends the frame in both.
          const jumpAt = elseAt - 2;
          const joins = this.starts.has(jumpAt) && ops[jumpAt] === Op.Jump;
          const end = joins ? ops[jumpAt + 1]! : to;
          const yesEnds = this.block(next, joins ? jumpAt : elseAt, indent + 1);
          this.out(indent, "} else {");
          const noEnds = this.block(elseAt, end, indent + 1);
          this.out(indent, "}");
          if (!joins) {
            if (!yesEnds || !noEnds) throw new Error(`internal: an if in ${this.code.name} neither joins nor ends the frame`);
            return true;
          }
          pc = end;
          continue;
        }
        default:
          throw new Error(`internal: opcode ${op} at ${pc} in ${this.code.name} cannot be compiled`);
      }
    }
    return false;
  }

  /**
   * A call of a primitive: inline (inline.ts), or on numbers through its `numbers` when the
   * arguments are, or its implementation, whose result is counted against the memory limit.
   */
  private prim(pc: number): string {
    const { ops } = this;
    const index = ops[pc + 2]!;
    const prim = this.code.prims[index]!;
    const slots = Array.from({ length: ops[pc + 3]! }, (_, i) => ops[pc + 4 + i]!);
    const args = slots.map((s) => this.r(s));
    const slow = `(at = ${pc}, m.made(${this.hoist(`p${index}`, `T.P[${index}].impl`)}([${args.join(", ")}], m)))`;
    const inline = INLINE.get(prim)?.(args, slots.map((s) => this.constantValues.get(s)), slow);
    if (inline !== undefined && inline !== null) return inline;
    if (prim.numbers !== null) {
      const tests = [...new Set(slots)].map((s) => this.isNum(s)).filter((t) => t !== null);
      const fast = `${this.hoist(`n${index}`, `T.P[${index}].numbers`)}(${args.join(", ")})`;
      return tests.length === 0 ? fast : `(${tests.join(" && ")} ? ${fast} : ${slow})`;
    }
    return slow;
  }

  /** Opens the `if` of a conditional jump: its first branch is taken when the test holds. */
  private test(pc: number, op: Op, indent: number): void {
    const { ops } = this;
    if (op === Op.BranchFalse) {
      const c = this.r(ops[pc + 1]!);
      this.out(indent, `if (${c} !== true && ${c} !== false) { at = ${pc}; throw m.notBool(${c}); }`);
      this.out(indent, `if (${c}) {`);
      return;
    }
    const [operator, prim] = FAST.get(FUSED.get(op)!)!;
    const [a, b] = [ops[pc + 1]!, ops[pc + 2]!];
    this.out(indent, `if (${this.both(a, b)} ? ${this.r(a)} ${operator} ${this.r(b)} : (at = ${pc}, m.test(${prim}, ${this.r(a)}, ${this.r(b)}))) {`);
  }

  /**
   * A call of a Myx function, in the VM's order: the callee is linked (its arity checked), the
   * step counted, the depth checked (not for a tail call, which replaces the frame). The call
   * continues on the VM's stack when the JavaScript stack has no room for another frame.
   */
  private call(pc: number, op: Op, indent: number): void {
    const { ops } = this;
    const tail = op === Op.TailCall || op === Op.TailKnown;
    const args = this.args(pc, CALL_HEADER);
    const list = args.map((a) => `, ${a}`).join("");
    const dst = tail ? "t" : `r${ops[pc + 1]!}`;
    let fn: string, env: string, self: string;
    this.out(indent, `at = ${pc};`);
    if (op === Op.Call || op === Op.TailCall) {
      // A site's inline cache: the graph last called there and its function.
      const ic = ops[pc + 4]!;
      this.caches.add(`icg${ic}`).add(`icf${ic}`);
      this.out(indent, `f = ${this.r(ops[pc + 2]!)};`);
      this.out(indent, `if (!(f instanceof Closure)) ${tail ? "return" : `${dst} =`} m.callOther(f, [${args.join(", ")}]);`);
      this.out(indent, "else {");
      indent++;
      this.out(indent, `fn = icg${ic} === f.graph ? icf${ic} : (icf${ic} = m.link(f, ${args.length}), icg${ic} = f.graph, icf${ic});`);
      [fn, env, self] = ["fn", "f.env", "f"];
    } else if (op === Op.SelfCall) {
      [fn, env, self] = ["compiled", "env", "self"];
    } else {
      const g = ops[pc + 2]!;
      this.caches.add(`l${g}`);
      self = this.hoist(`c${g}`, `T.plain(${g})`);
      [fn, env] = [`(l${g} ?? (l${g} = m.compiled(${self})))`, "EMPTY"];
    }
    this.out(indent, "if (--m.stepsLeft < 0) m.checkpoint();");
    if (tail) this.out(indent, `at = ${LEFT};`);
    else this.out(indent, "if (m.compiledFrames >= m.frameLimit) throw m.depthError();");
    const room = STACK_BUDGET - this.cost;
    this.out(indent, `if (m.jsBytes > ${room}) ${dst} = m.onVM(${self}, [${args.join(", ")}], ${tail});`);
    const count = tail ? "" : "m.compiledFrames++; ";
    const uncount = tail ? "" : " m.compiledFrames--;";
    this.out(indent, `else { ${count}m.jsBytes += ${this.cost}; ${dst} = ${fn}(${env}, ${self}${list});${uncount} m.jsBytes -= ${this.cost}; }`);
    if (tail) this.out(indent, "return t;");
    if (op === Op.Call || op === Op.TailCall) this.out(indent - 1, "}");
  }
}
