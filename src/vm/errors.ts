// How a failure inside the VM reaches the user: one MyxError, located at the Apply that failed and
// carrying the Myx call stack. Whatever was thrown — a PrimError with a user-facing message, a
// limit, or a JavaScript exception that is a bug of ours — nothing else escapes the machine.
import { PrimError } from "../runtime/host.js";
import type { Span } from "../lang/ast.js";
import { diagnosticAt, MyxError, type Diagnostic, type TraceFrame } from "../lang/diagnostics.js";

/** A trace keeps this many innermost and this many outermost frames of a deep stack. */
const TRACE_EDGE = 10;

/** Frames of code differentiation made: they depend on what the optimizer inlined, and mean nothing to a user. */
const generated = (f: TraceFrame): boolean => /[▶◀⊳]/.test(f.fn);

/** The stack as a trace, innermost first; `frame(k)` describes the frame k levels from the top. */
export function traceOf(depth: number, frame: (k: number) => TraceFrame): TraceFrame[] {
  const trace: TraceFrame[] = [];
  if (depth <= 2 * TRACE_EDGE) {
    for (let k = 0; k < depth; k++) trace.push(frame(k));
    return trace;
  }
  for (let k = 0; k < TRACE_EDGE; k++) trace.push(frame(k));
  trace.push({ fn: "", span: null, skipped: depth - 2 * TRACE_EDGE });
  for (let k = depth - TRACE_EDGE; k < depth; k++) trace.push(frame(k));
  return trace;
}

/** Errors the VM has already located carry a trace; they pass through outer dispatch loops unchanged. */
export function isLocated(e: unknown): e is MyxError {
  return e instanceof MyxError && e.diagnostics.every((d) => d.trace !== undefined);
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
