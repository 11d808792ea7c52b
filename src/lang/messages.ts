// Chevrotain describes errors in terms of token types and rule names ("Expecting token of type
// RParen"). Users should read what they would say to each other instead: what was expected, in
// words, and what was found. Rule names are those of grammar.ts and expr-grammar.ts.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./lexer.js";
import type { NestingScan } from "./nesting.js";

const KEYWORDS = new Set<TokenType>([T.Def, T.Let, T.Var, T.If, T.Else, T.While, T.For, T.In, T.True, T.False, T.And, T.Or, T.Not]);
const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace, T.Pipe]);
const LIST_CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace, T.Pipe]);

const SEMICOLON = "';' after the expression";

/** What a rule expects when none of its alternatives fits, by rule name. */
const EXPECTED_IN_RULE: Record<string, string> = {
  primary: "an expression",
  exprItem: SEMICOLON,
  pattern: "a name or '(' in the pattern",
  defStmt: "'=' or '{' after the parameter list",
  indexItem: "an index or a slice",
};

/** What a missing name would have been, by rule name. */
const NAME_IN_RULE: Record<string, string> = {
  defStmt: "a function name after 'def'",
  params: "a parameter name",
  varStmt: "a variable name after 'var'",
  forStmt: "a loop variable name after 'for'",
  postfix: "a field name after '.'",
  primary: "a field name",
};

/** What a missing token would have been, when its label alone says too little. */
const EXPECTED_TOKEN = new Map<TokenType, string>([
  [T.Semi, SEMICOLON],
  [T.LBrace, "'{' to start a block"],
  [T.LParen, "'(' after the function name"],
  [T.Colon, "':' after the field name (a '{' that starts an expression is a record)"],
  [T.In, "'in' after the loop variable"],
  [T.DotDot, "'..' between the bounds of the range"],
]);

export class MessageProvider implements IParserErrorMessageProvider {
  /** The pre-scan of the tokens being parsed (open brackets, unmatched closers), set per parse. */
  scan: NestingScan | null = null;

  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    const { expected, actual, previous, ruleName } = options;
    const wanted = this.expectedToken(expected, previous, ruleName);
    return this.unexpected(actual, wanted);
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    return this.unexpected(options.firstRedundant, "a statement");
  }

  buildNoViableAltMessage(options: { actual: IToken[]; ruleName: string }): string {
    return this.unexpected(options.actual[0]!, EXPECTED_IN_RULE[options.ruleName]);
  }

  buildEarlyExitMessage(options: { actual: IToken[]; ruleName: string }): string {
    return this.unexpected(options.actual[0]!, EXPECTED_IN_RULE[options.ruleName]);
  }

  private unexpected(actual: IToken, wanted: string | undefined): string {
    if (actual.tokenType === EOF) return this.endOfInput(wanted ?? "more input");
    if (this.scan?.isUnmatchedCloser(actual)) return `unmatched '${actual.image}'`;
    const hint = this.hint(actual, wanted);
    return wanted === undefined ? `unexpected ${found(actual)}${hint}` : `expected ${wanted}, found ${found(actual)}${hint}`;
  }

  private hint(actual: IToken, wanted: string | undefined): string {
    if (this.scan?.isSemicolonAfterBlock(actual)) return " (no ';' is needed after a block)";
    if (actual.tokenType === T.Equals && wanted === SEMICOLON) return " (only a name can be assigned to: 'x = value;')";
    return "";
  }

  private expectedToken(expected: TokenType, previous: IToken, ruleName: string): string {
    if (expected === EOF) return "a statement";
    if (expected === T.RBrace && ruleName === "block") return "a statement or '}'";
    if (expected === T.Ident) return NAME_IN_RULE[ruleName] ?? "a name";
    const label = expected.LABEL ?? expected.name;
    if (LIST_CLOSERS.has(expected)) {
      // After an element the comma may be missing too; after `(` or `,` another element may come.
      const afterElement = !OPENERS.has(previous.tokenType) && previous.tokenType !== T.Comma;
      return afterElement ? `',' or ${label}` : `${listElement(expected, ruleName)} or ${label}`;
    }
    return EXPECTED_TOKEN.get(expected) ?? label;
  }

  private endOfInput(wanted: string): string {
    const opener = this.scan?.openAtEnd ?? null;
    if (opener === null) return `unexpected end of input: expected ${wanted}`;
    return `unexpected end of input: '${opener.image}' opened at ${opener.startLine}:${opener.startColumn} is not closed`;
  }
}

function listElement(closer: TokenType, ruleName: string): string {
  if (ruleName === "params" || ruleName === "lambda" || ruleName === "defStmt") return "a parameter name";
  if (ruleName === "pattern") return "a pattern";
  return closer === T.RBrace ? "a field name" : "an expression";
}

function found(tok: IToken): string {
  const shown = tok.image.length > 24 ? `${tok.image.slice(0, 20)}...` : tok.image;
  return KEYWORDS.has(tok.tokenType) ? `the keyword '${shown}'` : `'${shown}'`;
}
