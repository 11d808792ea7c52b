// Every failure a user can cause ends as a Diagnostic: `file:line:col: error: message`, the source
// line and a caret. Every stage (parser, lowering, VM) reports through this one type so that the
// CLI, the REPL and the library print errors the same way.
import type { Span } from "./ast.js";

/** One frame of a Myx call stack, innermost first: the function and the call site in it. */
export interface TraceFrame {
  readonly fn: string;
  readonly span: Span | null;
  /** Set on the one entry that stands for the middle of a very deep stack: how many frames it hides. */
  readonly skipped?: number;
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly span: Span | null;
  /** Runtime errors carry the Myx call stack, innermost first. */
  readonly trace?: readonly TraceFrame[];
}

export function diagnosticAt(span: Span | null, message: string, file = "<input>"): Diagnostic {
  if (span === null) return { file, line: 1, col: 1, message, span: null };
  return { file: span.file, line: span.line, col: span.col, message, span };
}

/** The one exception type that crosses stage boundaries and the library face. */
export class MyxError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  /** The JavaScript error behind an internal failure, shown only with `--debug`. */
  readonly internal: unknown;

  /** `message` defaults to the diagnostics' first lines; the library passes the full excerpts. */
  constructor(diagnostics: readonly Diagnostic[], internal?: unknown, message?: string) {
    super(message ?? diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: error: ${d.message}`).join("\n"));
    this.name = "MyxError";
    this.diagnostics = diagnostics;
    this.internal = internal;
  }
}

export function errorAt(span: Span | null, message: string): MyxError {
  return new MyxError([diagnosticAt(span, message)]);
}

/** Source texts by file name, so a diagnostic can quote the offending line. */
export type SourceTexts = ReadonlyMap<string, string>;

export function formatDiagnostic(d: Diagnostic, sources: SourceTexts): string {
  const lines = [`${d.file}:${d.line}:${d.col}: error: ${d.message}`];
  lines.push(...excerpt(d.file, d.line, d.col, d.span, sources));
  if (d.trace && d.trace.length > 0) {
    lines.push("stack (innermost first):");
    for (const frame of d.trace) {
      if (frame.skipped !== undefined) lines.push(`  ... ${frame.skipped} more frames`);
      else if (frame.span === null) lines.push(`  at ${frame.fn}`);
      else lines.push(`  at ${frame.fn} (${frame.span.file}:${frame.span.line}:${frame.span.col})`);
    }
  }
  return lines.join("\n");
}

export function formatDiagnostics(ds: readonly Diagnostic[], sources: SourceTexts): string {
  return ds.map((d) => formatDiagnostic(d, sources)).join("\n");
}

const MAX_EXCERPT = 100;

function excerpt(file: string, line: number, col: number, span: Span | null, sources: SourceTexts): string[] {
  const text = sources.get(file);
  if (text === undefined) return [];
  const lineText = text.split(/\r?\n/)[line - 1];
  if (lineText === undefined) return [];
  // Underline the whole span when it stays on this line, else a single caret.
  let width = 1;
  if (span !== null) {
    const lineStart = span.start - (col - 1);
    const lineEnd = lineStart + lineText.length;
    width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  }
  // A very long line (generated code, say) is shown as a window around the column.
  let from = 0;
  let shown = lineText.replace(/\t/g, " ");
  if (shown.length > MAX_EXCERPT) {
    from = Math.max(0, Math.min(col - 1 - MAX_EXCERPT / 2, shown.length - MAX_EXCERPT));
    const to = from + MAX_EXCERPT;
    shown = `${from > 0 ? "..." : ""}${shown.slice(from, to)}${to < shown.length ? "..." : ""}`;
    if (from > 0) from -= 3;
    width = Math.min(width, MAX_EXCERPT);
  }
  const gutter = `${line} | `;
  return [`${gutter}${shown}`, `${" ".repeat(gutter.length + col - 1 - from)}^${"~".repeat(width - 1)}`];
}
