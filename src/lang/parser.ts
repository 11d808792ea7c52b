// The front door of the language: source text in, AST and every syntax error out. It never
// throws, so the CLI, the REPL and the library can all treat "bad input" as data.
import { EOF, type IRecognitionException } from "chevrotain";
import type { Program } from "./ast.js";
import { diagnosticAt, type Diagnostic } from "./diagnostics.js";
import { MyxGrammar } from "./grammar.js";
import { lex } from "./lexer.js";
import { NestingScan, tooDeep } from "./nesting.js";
import { endOfInputSpan, tokenSpan } from "./spans.js";

export interface ParseResult {
  /** Non-null exactly when `diagnostics` is empty. */
  readonly program: Program | null;
  /** Every lexing and syntax error found, in source order. */
  readonly diagnostics: Diagnostic[];
  /** The input stopped in the middle of something: a REPL should read another line. */
  readonly incomplete: boolean;
}

// Building a Chevrotain parser analyses the whole grammar, so it is done once, on first use.
let grammar: MyxGrammar | null = null;

export function parseProgram(source: string, file: string): ParseResult {
  try {
    return parse(source, file);
  } catch (error) {
    // The nesting pre-scan keeps ordinary calls well inside the stack; this is the backstop for
    // a caller that starts us with little stack left, or a shape the pre-scan does not count.
    const diagnostic =
      error instanceof RangeError
        ? tooDeep(null, "the parser ran out of stack", file)
        : diagnosticAt(null, `internal error in the parser: ${String(error)}`, file);
    return { program: null, diagnostics: [diagnostic], incomplete: false };
  }
}

function parse(source: string, file: string): ParseResult {
  const lexed = lex(source, file);
  const atEnd = new Set<Diagnostic>(lexed.unterminatedAtEnd ? [lexed.unterminatedAtEnd] : []);
  const scan = new NestingScan(lexed.tokens, file);
  if (scan.tooDeep !== null) return finish([...lexed.diagnostics, scan.tooDeep], atEnd, null);

  grammar ??= new MyxGrammar();
  const { program, problems } = grammar.parse(lexed.tokens, file, scan);
  const syntax = grammar.errors.map((error: IRecognitionException) => {
    const isEnd = error.token.tokenType === EOF;
    const span = isEnd ? endOfInputSpan(lexed.tokens, file) : tokenSpan(error.token, file);
    const diagnostic = diagnosticAt(span, error.message);
    if (isEnd) atEnd.add(diagnostic);
    return diagnostic;
  });
  const semantic = problems.map((p) => diagnosticAt(p.span, p.message));
  const span = { file, line: 1, col: 1, start: 0, end: source.length };
  return finish([...lexed.diagnostics, ...syntax, ...semantic], atEnd, { kind: "Program", ...program, span });
}

/**
 * Sorts by position and keeps one diagnostic per position: the first stage to notice a problem
 * explains it best (a bad character is also an unexpected token, several recoveries may stop
 * at the end of input).
 */
function finish(all: Diagnostic[], atEnd: ReadonlySet<Diagnostic>, program: Program | null): ParseResult {
  const sorted = all
    .map((d, order) => ({ d, order }))
    .sort((a, b) => (a.d.span?.start ?? 0) - (b.d.span?.start ?? 0) || a.order - b.order)
    .map(({ d }) => d);
  const diagnostics = sorted.filter((d, i) => i === 0 || d.span?.start !== sorted[i - 1]!.span?.start);
  return {
    program: diagnostics.length === 0 ? program : null,
    diagnostics,
    incomplete: diagnostics.length > 0 && diagnostics.every((d) => atEnd.has(d)),
  };
}
