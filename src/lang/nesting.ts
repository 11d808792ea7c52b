// One linear pass over the tokens before parsing. It answers two questions the recursive parser
// cannot answer safely by itself:
//  - is the input nested so deeply that parsing (or lowering, which recurses over the AST) would
//    overflow the JavaScript stack? Then we refuse up front with one clean diagnostic.
//  - which bracket is still open when the input ends, which closers match nothing, which `;`
//    follow a block? Error messages mention them ("'(' opened at 3:5 is not closed").
import { EOF, type IToken, type TokenType } from "chevrotain";
import type { Span } from "./ast.js";
import { diagnosticAt, type Diagnostic } from "./diagnostics.js";
import { Comma, Ident, If, LBrace, LBracket, LParen, Minus, Not, Pipe, RBrace, RBracket, RParen, Semi } from "./lexer.js";
import { tokenSpan } from "./spans.js";

/**
 * The deepest bracket nesting, and the longest run of prefix constructs, that we accept. Measured
 * in a fresh Node 20 process with the default stack (cold code has bigger frames than JIT-compiled
 * code), the parser overflows at 200 to 250 levels of its costliest shape, a `let` whose value
 * is an `if` whose block holds the next such `let`; at about 350 levels of calls `f(f(...))` and
 * 400 of parentheses. 128 leaves a margin of over 1.5x for the caller's own frames, and the later
 * stages recurse over the AST too. Nobody writes 128 levels by hand.
 */
export const MAX_NESTING = 128;

/** Each opening bracket and the token that closes it. */
export const CLOSER_OF: ReadonlyMap<TokenType, TokenType> = new Map([
  [LParen, RParen],
  [LBracket, RBracket],
  [LBrace, RBrace],
]);
const CLOSERS = new Set<TokenType>(CLOSER_OF.values());

export class NestingScan {
  /** Set when the input is nested beyond MAX_NESTING. */
  readonly tooDeep: Diagnostic | null = null;
  /** For token i (i = tokens.length: the end of input), the index of the innermost open bracket, or -1. */
  private readonly openerOf: Int32Array;
  private readonly unmatched = new Set<IToken>();
  private readonly afterBlock = new Set<IToken>();
  /** Chevrotain appends end-of-input sentinels to the token array while parsing: not ours. */
  private readonly count: number;

  constructor(
    private readonly tokens: readonly IToken[],
    file: string,
  ) {
    this.count = tokens.length;
    this.openerOf = new Int32Array(tokens.length + 1);
    const open: number[] = [];
    // Prefix constructs nest without brackets: `- - x`, `not not x`, `|x| |y| e`, `if if c {..} {..}`.
    let prefixRun = 0;
    let inLambdaHead = false;
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      const type = tok.tokenType;
      this.openerOf[i] = open.at(-1) ?? -1;
      if (type === Semi && tokens[i - 1]?.tokenType === RBrace) this.afterBlock.add(tok);
      if (type === Pipe) {
        if (!inLambdaHead) prefixRun++;
        inLambdaHead = !inLambdaHead;
      } else if (!(inLambdaHead && (type === Ident || type === Comma))) {
        inLambdaHead = false;
        prefixRun = type === Minus || type === Not || type === If ? prefixRun + 1 : 0;
      }
      if (CLOSER_OF.has(type)) {
        open.push(i);
        if (open.length > MAX_NESTING && this.tooDeep === null) {
          this.tooDeep = tooDeep(tokenSpan(tok, file), `more than ${MAX_NESTING} levels of brackets`);
        }
      } else if (CLOSERS.has(type)) {
        const top = open.at(-1);
        if (top !== undefined && CLOSER_OF.get(tokens[top]!.tokenType) === type) open.pop();
        else this.unmatched.add(tok);
      }
      if (prefixRun > MAX_NESTING && this.tooDeep === null) {
        this.tooDeep = tooDeep(tokenSpan(tok, file), `more than ${MAX_NESTING} prefix operators, lambdas or 'if's in a row`);
      }
    }
    this.openerOf[tokens.length] = open.at(-1) ?? -1;
  }

  /** The innermost bracket left open at the end of the input, if any. */
  get openAtEnd(): IToken | null {
    const opener = this.openerOf[this.count]!;
    return opener < 0 ? null : this.tokens[opener]!;
  }

  /** The brackets opened at or after `start` that are still open at `at`, outermost first. */
  openedSince(start: IToken, at: IToken): TokenType[] {
    const first = this.indexOf(start);
    const brackets: TokenType[] = [];
    for (let i = this.openerOf[this.indexOf(at)]!; i >= first; i = this.openerOf[i]!) {
      brackets.unshift(this.tokens[i]!.tokenType);
    }
    return brackets;
  }

  isUnmatchedCloser(tok: IToken): boolean {
    return this.unmatched.has(tok);
  }

  /** A `;` right after a `}`: often written out of habit after `while`/`for` blocks. */
  isSemicolonAfterBlock(tok: IToken): boolean {
    return this.afterBlock.has(tok);
  }

  private indexOf(tok: IToken): number {
    if (tok.tokenType === EOF) return this.count;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < tok.startOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function tooDeep(span: Span | null, detail: string, file = span?.file): Diagnostic {
  return diagnosticAt(span, `nesting too deep: ${detail}`, file);
}
