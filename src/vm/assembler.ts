// Where linearize.ts puts the code it emits: the instruction words, the frame's slots and the
// tables instructions refer to (constants, primitives, graphs, messages), plus the two peephole
// rewrites that only need to look at the last instruction.
import type { Span } from "../lang/ast.js";
import type { Graph } from "../ir/graph.js";
import type { Primitive } from "../prims/primitive.js";
import type { Value } from "../runtime/values.js";
import type { Code } from "./code.js";
import { Op } from "./interpreter.js";

/** A comparison whose only use is an `if` becomes part of the jump. */
const FUSED_BRANCH = new Map<number, Op>([
  [Op.Lt, Op.BranchLt], [Op.Le, Op.BranchLe], [Op.Gt, Op.BranchGt],
  [Op.Ge, Op.BranchGe], [Op.Eq, Op.BranchEq], [Op.Ne, Op.BranchNe],
]);

export class Assembler {
  private readonly ops: number[] = [];
  private readonly locs = new Map<number, Span | null>();
  private readonly constSlots: number[] = [];
  private readonly constValues: Value[] = [];
  private readonly constIndex = new Map<Value, number>();
  private readonly prims: Primitive[] = [];
  private readonly graphs: Graph[] = [];
  private readonly messages: string[] = [];
  private selfSlot = -1;
  private icCount = 0;
  private lastInstr = -1;
  private lastWrites = false;
  /** The latest offset a jump lands on: the instruction before it is not the only way there. */
  private lastLabel = -1;

  /** `slots` are taken already: the parameters and the closure's env. */
  constructor(public slots: number) {}

  newSlot(): number {
    return this.slots++;
  }

  constant(v: Value): number {
    // -0 and 0 are one key to a Map but two different constants.
    const keyed = !Object.is(v, -0);
    const known = keyed ? this.constIndex.get(v) : undefined;
    if (known !== undefined) return known;
    const slot = this.newSlot();
    this.constSlots.push(slot);
    this.constValues.push(v);
    if (keyed) this.constIndex.set(v, slot);
    return slot;
  }

  /** The slot of the running closure. */
  self(): number {
    if (this.selfSlot < 0) this.selfSlot = this.newSlot();
    return this.selfSlot;
  }

  graph(g: Graph): number {
    const i = this.graphs.indexOf(g);
    return i >= 0 ? i : this.graphs.push(g) - 1;
  }

  prim(p: Primitive): number {
    const i = this.prims.indexOf(p);
    return i >= 0 ? i : this.prims.push(p) - 1;
  }

  message(text: string): number {
    return this.messages.push(text) - 1;
  }

  inlineCache(): number {
    return this.icCount++;
  }

  /** Appends an instruction; `writes` says whether word 1 is a destination slot. Returns its offset. */
  emit(loc: Span | null, words: readonly number[], writes: boolean): number {
    const pc = this.ops.length;
    for (const w of words) this.ops.push(w);
    this.locs.set(pc, loc);
    this.lastInstr = pc;
    this.lastWrites = writes;
    return pc;
  }

  /** Marks the current offset as a jump target and returns it. */
  label(): number {
    return (this.lastLabel = this.ops.length);
  }

  patch(at: number, word: number): void {
    this.ops[at] = word;
  }

  /** Saves a MOVE: if the last instruction computed `out`, a slot from `firstSlot` on, it writes `dst` instead. */
  retarget(out: number, dst: number, firstSlot: number): boolean {
    const pc = this.lastInstr;
    if (!this.lastWrites || this.lastLabel === this.ops.length || out < firstSlot || this.ops[pc + 1] !== out) return false;
    this.ops[pc + 1] = dst;
    return true;
  }

  /** Turns a just-emitted comparison into `cond` into a conditional jump; returns where its target goes, or -1. */
  fuseTest(cond: number): number {
    const pc = this.lastInstr;
    const fused = this.lastWrites ? FUSED_BRANCH.get(this.ops[pc]!) : undefined;
    if (fused === undefined || this.ops[pc + 1] !== cond || this.lastLabel === this.ops.length) return -1;
    this.ops.splice(pc, 4, fused, this.ops[pc + 2]!, this.ops[pc + 3]!, -1);
    this.lastWrites = false;
    return pc + 3;
  }

  finish(graph: Graph, nenv: number): Code {
    return {
      graph,
      name: graph.name,
      ops: Int32Array.from(this.ops),
      nparams: graph.parameters.length,
      nenv,
      frameSize: this.slots,
      constSlots: Int32Array.from(this.constSlots),
      constValues: this.constValues,
      selfSlot: this.selfSlot,
      prims: this.prims,
      messages: this.messages,
      graphs: this.graphs,
      linked: this.graphs.map(() => null),
      icGraph: new Array<Graph | null>(this.icCount).fill(null),
      icCode: new Array<Code | null>(this.icCount).fill(null),
      locs: this.locs,
    };
  }
}
