// The limits of a run (SPEC §7): steps and memory. Steps are counted down in windows by the
// dispatch loop (one decrement and test per call, the only cost on the hot path); at the end of
// a window, a checkpoint here says whether the run is over its limits. The arrays primitives
// return are counted as they are made, so that a few calls making large arrays are noticed too.
import { PrimError } from "../runtime/host.js";

/** Steps between two checkpoints (about 2 ms of a loop). */
const CHECK_EVERY = 1 << 16;

/** The heap and the array buffers (where array data lives) in use. */
function bytesInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export class RunLimits {
  /** Steps allowed after the current window. */
  private stepsAfter = 0;
  /** Bytes in use when the run started: the limit counts what the run adds. */
  private memoryBase = 0;
  /** Bytes of arrays made since the heap was last looked at. */
  private made = 0;
  /** Whether a run with a memory limit is on, so arrays are counted as they are made. */
  watching = false;

  constructor(
    readonly maxSteps: number,
    /** Bytes a run may add; Infinity for no limit. */
    readonly maxMemory: number,
  ) {}

  /** Starts an outermost run; returns the steps of the first window. */
  start(): number {
    this.stepsAfter = this.maxSteps;
    if (this.maxMemory !== Infinity) {
      this.memoryBase = bytesInUse();
      this.made = 0;
      this.watching = true;
    }
    return this.window();
  }

  /** Ends an outermost run: arrays made after it belong to no run. */
  end(): void {
    this.watching = false;
  }

  /** `bytes` of array data were just made: an eighth of the limit is reason enough to look before the window is up. */
  allocated(bytes: number): void {
    this.made += bytes;
    if (this.made <= this.maxMemory / 8) return;
    this.made = 0;
    this.checkMemory();
  }

  /**
   * At the step that used up a window: fails if it was one step too many, or if the run holds
   * more memory than it may (garbage not yet collected counts, so the limit is approximate);
   * else returns the next window, less that step.
   */
  checkpoint(): number {
    if (this.stepsAfter <= 0) throw new PrimError(`step limit of ${this.maxSteps} exceeded`);
    if (this.maxMemory !== Infinity) this.checkMemory();
    return this.window() - 1;
  }

  private window(): number {
    const w = Math.min(CHECK_EVERY, this.stepsAfter);
    this.stepsAfter -= w;
    return w;
  }

  private checkMemory(): void {
    if (bytesInUse() - this.memoryBase > this.maxMemory) {
      throw new PrimError(`memory limit of ${Math.round(this.maxMemory / 2 ** 20)} MB exceeded`);
    }
  }
}
