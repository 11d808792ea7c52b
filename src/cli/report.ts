// How the CLI and the REPL show a failure. A MyxError is the program's fault and prints as
// diagnostics with source excerpts (and the Myx stack for runtime errors); anything else is
// ours and prints as one `internal error` line. JavaScript stacks appear only with --debug,
// since they mean nothing to someone writing Myx.
import { PrimError } from "../runtime/host.js";
import { formatDiagnostics, MyxError, type Diagnostic, type SourceTexts } from "../lang/diagnostics.js";

export function describeError(e: unknown, sources: SourceTexts, file: string, debug: boolean): string {
  if (e instanceof MyxError) {
    const text = formatDiagnostics([...e.diagnostics].sort(inReadingOrder), sources);
    return debug ? `${text}\n${jsStack(e.internal ?? e)}` : text;
  }
  // A primitive's complaint that reached us without the VM adding where it happened.
  if (e instanceof PrimError) {
    const text = `${file}: error: ${e.message}`;
    return debug ? `${text}\n${jsStack(e)}` : text;
  }
  const message = e instanceof Error ? e.message : String(e);
  const text = `myx: internal error: ${message}`;
  return debug ? `${text}\n${jsStack(e)}` : text;
}

/** Stages report in the order they find problems (defs before statements); a reader wants source order. */
function inReadingOrder(a: Diagnostic, b: Diagnostic): number {
  return a.file === b.file ? a.line - b.line || a.col - b.col : 0;
}

function jsStack(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return `thrown value: ${String(e)}`;
}
