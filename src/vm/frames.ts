// The explicit Myx stack. Registers live in fixed-size chunks rather than one array: growing a
// JavaScript array of 10⁷ slots copies it again and again and dominated deep recursion, while a new
// chunk costs one allocation and is kept for the next run. A frame's slots never straddle chunks.
// Frame k's bookkeeping is three integers — its base, the instruction it is executing (for frames
// below the top: a call) and its chunk — plus its Code.
import type { Value } from "../runtime/values.js";
import type { Code } from "./code.js";

const CHUNK_SLOTS = 1 << 16;
/** Chunks kept after a run, so a program that recurses deeply on every run does not reallocate. */
const KEPT_CHUNKS = 16;
const KEPT_FRAMES = 1 << 16;

export class Stack {
  readonly chunks: Value[][] = [];
  /** Per frame k: base at 3k, pc at 3k + 1, chunk at 3k + 2. Replaced when it grows. */
  frames = new Int32Array(3 * 1024);
  readonly code: Code[] = [];
  /** The top frame; kept current whenever a primitive runs, since it may call back in. */
  top = -1;

  /** Chunk i, with room for `need` slots from its start. */
  chunk(i: number, need: number): Value[] {
    let c = this.chunks[i];
    if (c === undefined || c.length < need) {
      // Filled with a number, not an object: filling with pointers costs a write barrier per slot.
      c = new Array<Value>(Math.max(CHUNK_SLOTS, need)).fill(0);
      this.chunks[i] = c;
    }
    return c;
  }

  setFrame(k: number, code: Code, base: number, chunk: number): void {
    if (3 * k + 3 > this.frames.length) {
      const grown = new Int32Array(2 * this.frames.length);
      grown.set(this.frames);
      this.frames = grown;
    }
    this.frames[3 * k] = base;
    this.frames[3 * k + 2] = chunk;
    this.code[k] = code;
  }

  pcOf(k: number): number {
    return this.frames[3 * k + 1]!;
  }

  /** Where a frame pushed above the top one starts: [chunk, base]. */
  above(size: number): [number, number] {
    const k = this.top;
    if (k < 0) return [0, 0];
    const chunk = this.frames[3 * k + 2]!;
    const base = this.frames[3 * k]! + this.code[k]!.frameSize;
    return base + size <= this.chunks[chunk]!.length ? [chunk, base] : [chunk + 1, 0];
  }

  /** Drops what a deep run left behind once the outermost run is over. */
  release(): void {
    if (this.chunks.length > KEPT_CHUNKS) this.chunks.length = KEPT_CHUNKS;
    if (this.code.length > KEPT_FRAMES) {
      this.code.length = KEPT_FRAMES;
      this.frames = this.frames.slice(0, 3 * KEPT_FRAMES);
    }
  }
}

/** Fills a new frame's env slots from its closure, then its constants. */
export function enterClosure(regs: Value[], base: number, code: Code, env: readonly Value[], self: Value): void {
  const at = base + code.nparams;
  for (let k = 0; k < env.length; k++) regs[at + k] = env[k]!;
  if (code.selfSlot >= 0) regs[base + code.selfSlot] = self;
  enterPlain(regs, base, code);
}

/** A self call copies env and self from the calling frame: they are the same closure's. */
export function enterSelf(from: Value[], fromBase: number, to: Value[], toBase: number, code: Code): void {
  const end = code.nparams + code.nenv;
  for (let k = code.nparams; k < end; k++) to[toBase + k] = from[fromBase + k]!;
  if (code.selfSlot >= 0) to[toBase + code.selfSlot] = from[fromBase + code.selfSlot]!;
  enterPlain(to, toBase, code);
}

export function enterPlain(regs: Value[], base: number, code: Code): void {
  const slots = code.constSlots;
  const values = code.constValues;
  for (let i = 0; i < slots.length; i++) regs[base + slots[i]!] = values[i]!;
}
