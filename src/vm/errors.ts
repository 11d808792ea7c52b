// How a failure inside the VM reaches the user: one MyxError, located at the Apply that failed and
// carrying the Myx call stack. Whatever was thrown — a PrimError with a user-facing message, a
// limit, or a JavaScript exception that is a bug of ours — nothing else escapes the machine. On
// its way out a failure is a Fault, which each stretch of the Myx stack it leaves adds its frames
// to; the outermost entry makes it the MyxError.
import { PrimError } from "../runtime/host.js";
import type { Span } from "../lang/ast.js";
import { diagnosticAt, MyxError, type Diagnostic, type TraceFrame } from "../lang/diagnostics.js";

/** A trace keeps this many innermost and this many outermost frames of a deep stack. */
const TRACE_EDGE = 10;

/** Frames of code differentiation made: they depend on what the optimizer inlined, and mean nothing to a user. */
const generated = (f: TraceFrame): boolean => /[▶◀⊳]/.test(f.fn);

/** Errors already located carry a trace; they pass through unchanged. */
export function isLocated(e: unknown): e is MyxError {
  return e instanceof MyxError && e.diagnostics.every((d) => d.trace !== undefined);
}

/**
 * A failure on its way out through the Myx stack: its cause, and the frames it has left so far,
 * innermost first. Of a deep stack only what a trace shows is kept: the innermost and the
 * outermost TRACE_EDGE frames, and how many lay between.
 */
export class Fault extends Error {
  private readonly inner: TraceFrame[] = [];
  /** The outermost frames left so far, innermost first; at most TRACE_EDGE. */
  private readonly outer: TraceFrame[] = [];
  private skipped = 0;

  constructor(readonly failure: unknown) {
    super("a Myx run failed");
  }

  /** `failure` as a Fault, if it is not one yet. */
  static of(failure: unknown): Fault {
    return failure instanceof Fault ? failure : new Fault(failure);
  }

  /** The failure leaves `count` more frames, `frame(k)` k levels out from the innermost of them. */
  leave(count: number, frame: (k: number) => TraceFrame): void {
    let k = 0;
    for (; k < count && this.inner.length < TRACE_EDGE; k++) this.inner.push(frame(k));
    // Of the rest only the last TRACE_EDGE can stay among the outermost.
    const from = Math.max(k, count - TRACE_EDGE);
    this.skipped += from - k;
    for (k = from; k < count; k++) {
      this.outer.push(frame(k));
      if (this.outer.length > TRACE_EDGE) {
        this.outer.shift();
        this.skipped++;
      }
    }
  }

  /** The MyxError the user gets: located at the innermost frame, with the stack as its trace. */
  toMyxError(): MyxError {
    const trace = this.skipped === 0 ? [...this.inner, ...this.outer] : [...this.inner, { fn: "", span: null, skipped: this.skipped }, ...this.outer];
    return runtimeError(this.failure, this.inner[0]?.span ?? null, trace);
  }
}

export function runtimeError(e: unknown, failedAt: Span | null, trace: readonly TraceFrame[]): MyxError {
  if (isLocated(e)) return e;
  // Code the compiler generated (a gradient graph, say) has no source of its own: the error is
  // then reported where the user's code called into it.
  const span = failedAt ?? trace.find((f) => f.span !== null)?.span ?? null;
  // Frames of generated code still locate the error (above), but are not shown.
  const shown = trace.filter((f) => f.skipped !== undefined || !generated(f));
  const at = (message: string): Diagnostic => ({ ...diagnosticAt(span, message), trace: shown });
  if (e instanceof MyxError) {
    // A primitive that compiles code (grad) may report a diagnostic with a place of its own.
    return new MyxError(
      e.diagnostics.map((d) => (d.span === null ? at(d.message) : { ...d, trace: shown })),
      e.internal,
    );
  }
  if (e instanceof PrimError) return new MyxError([at(e.message)]);
  // An array too large for this machine is the program's doing, not a bug of ours.
  if (e instanceof RangeError && /allocation failed|Invalid typed array length|Invalid array length/.test(e.message)) {
    return new MyxError([at("out of memory: an array that large cannot be allocated")]);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new MyxError([at(`internal error: ${message}`)], e);
}
