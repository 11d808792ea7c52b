// Chevrotain tokens carry inclusive end offsets and separate line/column fields; the AST wants
// one `Span` shape with an exclusive end. These helpers are the only place that converts.
import type { IToken } from "chevrotain";
import type { Span } from "./ast.js";

export function tokenSpan(tok: IToken, file: string): Span {
  return {
    file,
    line: tok.startLine ?? 1,
    col: tok.startColumn ?? 1,
    start: tok.startOffset,
    end: (tok.endOffset ?? tok.startOffset) + 1,
  };
}

/** The span from the start of `first` to the end of `last`. */
export function joinSpans(first: Span, last: Span): Span {
  return { file: first.file, line: first.line, col: first.col, start: first.start, end: last.end };
}

/**
 * The empty span just after the last real token: where "unexpected end of input" points, so the
 * caret lands at the end of the text the user wrote rather than on a blank trailing line.
 */
export function endOfInputSpan(tokens: readonly IToken[], file: string): Span {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return { file, line: 1, col: 1, start: 0, end: 0 };
  const end = (last.endOffset ?? last.startOffset) + 1;
  return { file, line: last.endLine ?? 1, col: (last.endColumn ?? 0) + 1, start: end, end };
}
