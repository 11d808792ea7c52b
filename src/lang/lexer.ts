// The tokens of SPEC §1. The lexer never stops at a bad character or literal: it reports a
// diagnostic and still hands the parser a token, so one typo gives one error, not a cascade.
import { createToken, createTokenInstance, Lexer, type IToken, type TokenType } from "chevrotain";
import type { Span } from "./ast.js";
import { diagnosticAt, type Diagnostic } from "./diagnostics.js";
import { tokenSpan } from "./spans.js";

// Categories let the flat expression rule consume "any binary operator" in one step.
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA, label: "an operator" });
export const PrefixOperator = createToken({ name: "PrefixOperator", pattern: Lexer.NA, label: "'-' or 'not'" });

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });

// A number is matched by hand so that `2x`, `1e` and `.5` come out as one (bad) number token
// instead of a number glued to a name; `1..5` still stops before `..`.
function matchNumber(text: string, offset: number): [string] | null {
  const isDigit = (i: number) => i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
  let i = offset;
  if (text[i] === ".") {
    if (!isDigit(i + 1)) return null;
  } else if (!isDigit(i)) {
    return null;
  }
  while (isDigit(i)) i++;
  if (text[i] === "." && isDigit(i + 1)) for (i++; isDigit(i); ) i++;
  if (text[i] === "e" || text[i] === "E") {
    const digitsAt = text[i + 1] === "+" || text[i + 1] === "-" ? i + 2 : i + 1;
    if (isDigit(digitsAt)) for (i = digitsAt; isDigit(i); ) i++;
  }
  while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!) && !(text[i] === "." && !isDigit(i + 1))) i++;
  return [text.slice(offset, i)];
}
export const NumberTok = createToken({
  name: "Number",
  pattern: matchNumber,
  start_chars_hint: [".", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
  label: "a number",
});
const WELL_FORMED_NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;

// Runs to the closing quote, or stops at the end of the line so the error stays on one line.
export const StringTok = createToken({ name: "String", pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*"?/, label: "a string" });

export const Ident = createToken({ name: "Ident", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "a name" });
const keyword = (word: string, categories: TokenType[] = []) =>
  createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Ident, label: `'${word}'`, categories });
export const Def = keyword("def");
export const Let = keyword("let");
export const Var = keyword("var");
export const If = keyword("if");
export const Else = keyword("else");
export const While = keyword("while");
export const For = keyword("for");
export const In = keyword("in");
export const True = keyword("true");
export const False = keyword("false");
export const And = keyword("and", [BinaryOperator]);
export const Or = keyword("or", [BinaryOperator]);
export const Not = keyword("not", [PrefixOperator]);

const punct = (name: string, text: string, categories: TokenType[] = []) =>
  createToken({ name, pattern: text, label: `'${text}'`, categories });
export const StarStar = punct("StarStar", "**", [BinaryOperator]);
export const Star = punct("Star", "*", [BinaryOperator]);
export const EqEq = punct("EqEq", "==", [BinaryOperator]);
export const Equals = punct("Equals", "=");
export const NotEq = punct("NotEq", "!=", [BinaryOperator]);
export const LessEq = punct("LessEq", "<=", [BinaryOperator]);
export const Less = punct("Less", "<", [BinaryOperator]);
export const GreaterEq = punct("GreaterEq", ">=", [BinaryOperator]);
export const Greater = punct("Greater", ">", [BinaryOperator]);
export const DotDot = punct("DotDot", "..");
export const Dot = punct("Dot", ".");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LBrace = punct("LBrace", "{");
export const RBrace = punct("RBrace", "}");
export const Comma = punct("Comma", ",");
export const Semi = punct("Semi", ";");
export const Colon = punct("Colon", ":");
export const Plus = punct("Plus", "+", [BinaryOperator]);
export const Minus = punct("Minus", "-", [BinaryOperator, PrefixOperator]);
export const Slash = punct("Slash", "/", [BinaryOperator]);
export const Percent = punct("Percent", "%", [BinaryOperator]);
export const At = punct("At", "@", [BinaryOperator]);
export const Pipe = punct("Pipe", "|");
/** Never produced by the lexer's patterns: stands in the token stream for skipped characters. */
export const Unknown = createToken({ name: "Unknown", pattern: Lexer.NA, label: "a character" });

export const allTokens: TokenType[] = [
  WhiteSpace, Comment, NumberTok, StringTok,
  Def, Let, Var, If, Else, While, For, In, True, False, And, Or, Not, Ident,
  StarStar, Star, EqEq, Equals, NotEq, LessEq, Less, GreaterEq, Greater, DotDot, Dot,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Semi, Colon,
  Plus, Minus, Slash, Percent, At, Pipe,
  BinaryOperator, PrefixOperator, Unknown,
];

/**
 * The options of the lexer. Its checks of the token definitions run in a test
 * (test/lang/grammar.test.ts), not every time Myx starts.
 */
export const LEXER_OPTIONS = { positionTracking: "full", ensureOptimizations: true } as const;

const chevrotainLexer = new Lexer(allTokens, { ...LEXER_OPTIONS, skipValidations: true });

export interface DecodedString {
  readonly value: string;
  /** The first problem, at an offset into the token's image. */
  readonly error: { readonly at: number; readonly message: string } | null;
}

/** The text of a string token with its escapes applied, or why it is malformed. */
export function decodeString(image: string): DecodedString {
  const escapes: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };
  let value = "";
  for (let i = 1; i < image.length; i++) {
    const ch = image[i]!;
    if (ch === '"') return { value, error: null };
    if (ch !== "\\") {
      value += ch;
      continue;
    }
    const next = image[i + 1];
    if (next === undefined) break;
    const decoded = escapes[next];
    if (decoded === undefined) {
      return { value, error: { at: i, message: `unknown escape '\\${next}' in a string (use \\" \\\\ \\n or \\t)` } };
    }
    value += decoded;
    i++;
  }
  return { value, error: { at: 0, message: "unterminated string: add the closing '\"' on the same line" } };
}

export interface LexResult {
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
  /** The error for a string still open when the input ended: more input could complete it. */
  readonly unterminatedAtEnd: Diagnostic | null;
}

export function lex(source: string, file: string): LexResult {
  const result = chevrotainLexer.tokenize(source);
  const diagnostics: Diagnostic[] = [];
  const unknown: IToken[] = result.errors.map((e) => {
    const image = source.slice(e.offset, e.offset + e.length);
    const tok = createTokenInstance(Unknown, image, e.offset, e.offset + e.length - 1, e.line ?? 1, e.line ?? 1, e.column ?? 1, (e.column ?? 1) + e.length - 1);
    diagnostics.push(diagnosticAt(tokenSpan(tok, file), unexpectedCharacter(image)));
    return tok;
  });
  const tokens = mergeByOffset(result.tokens, unknown);
  let unterminatedAtEnd: Diagnostic | null = null;
  tokens.forEach((tok, i) => {
    if (tok.tokenType === StringTok) {
      const { error } = decodeString(tok.image);
      if (error === null) return;
      const span = tokenSpan(tok, file);
      const at: Span = { ...span, col: span.col + error.at, start: span.start + error.at, end: span.start + error.at + 1 };
      const diagnostic = diagnosticAt(error.at === 0 ? span : at, error.message);
      diagnostics.push(diagnostic);
      if (error.at === 0 && tok.endOffset! + 1 === source.length) unterminatedAtEnd = diagnostic;
    } else if (tok.tokenType === NumberTok && !WELL_FORMED_NUMBER.test(tok.image)) {
      diagnostics.push(diagnosticAt(tokenSpan(tok, file), badNumber(tok, tokens[i - 1])));
    }
  });
  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  return { tokens, diagnostics, unterminatedAtEnd };
}

function unexpectedCharacter(image: string): string {
  const hints: Record<string, string> = {
    "!": ": use 'not' for negation",
    "&": ": use 'and'",
    "'": ": strings use double quotes",
  };
  const quoted = image.includes("'") ? `"${image}"` : `'${image}'`;
  const shown = image.length === 1 ? `character ${quoted}` : `characters ${quoted}`;
  return `unexpected ${shown}${hints[image[0]!] ?? ""}`;
}

function badNumber(tok: IToken, previous: IToken | undefined): string {
  if (tok.image.startsWith(".")) {
    const glued = previous !== undefined && previous.endOffset! + 1 === tok.startOffset;
    if (glued && (previous.tokenType === Ident || previous.tokenType === RParen || previous.tokenType === RBracket)) {
      return `'${tok.image}' is not a field name: index a tuple with t[${tok.image.slice(1)}]`;
    }
    return `'${tok.image}' is not a number: write '0${tok.image}'`;
  }
  return `malformed number '${tok.image}'`;
}

function mergeByOffset(a: IToken[], b: IToken[]): IToken[] {
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => x.startOffset - y.startOffset);
}
