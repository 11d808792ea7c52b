// The statement half of the grammar of SPEC §2, on top of expr-grammar.ts: programs, blocks,
// statements and patterns, and the statement-level error recovery. Error recovery is on, so one
// parse reports every syntax error it can find.
import { EOF, type IToken, type TokenType } from "chevrotain";
import type { Block, Expr, Ident, Pattern, Span, Stmt } from "./ast.js";
import { ExpressionGrammar, NOWHERE, placeholderExpr, recovered, type Problem } from "./expr-grammar.js";
import * as T from "./lexer.js";
import { MessageProvider } from "./messages.js";
import { CLOSER_OF, type NestingScan } from "./nesting.js";
import { joinSpans, tokenSpan } from "./spans.js";

/** A statement, or the trailing expression of a block or program (its value). */
type Item = Stmt | { readonly kind: "Result"; readonly expr: Expr };

export interface ParsedProgram {
  readonly items: Stmt[];
  readonly result: Expr | null;
}

const STATEMENT_KEYWORDS = new Set<TokenType>([T.Def, T.Let, T.Var, T.While, T.For]);
const CLOSERS = new Set<TokenType>(CLOSER_OF.values());

const placeholderItem = (): Item => ({ kind: "ExprStmt", expr: placeholderExpr(), span: NOWHERE });

export class MyxGrammar extends ExpressionGrammar {
  private readonly messages: MessageProvider;
  private scan: NestingScan | null = null;
  /** The first token of the statement whose parse failed last, for `skipRestOfStatement`. */
  private failedStatement: IToken | null = null;

  constructor({ validate = false } = {}) {
    const messages = new MessageProvider();
    super(messages, validate);
    this.messages = messages;
    this.performSelfAnalysis();
  }

  /** Parses a token vector; Chevrotain's own errors are left in `this.errors`. */
  parse(tokens: IToken[], file: string, scan: NestingScan): { program: ParsedProgram; problems: Problem[] } {
    this.file = file;
    this.problems = [];
    this.messages.scan = scan;
    this.scan = scan;
    this.input = tokens;
    const program = this.program();
    return { program, problems: this.problems };
  }

  // ---- statements -----------------------------------------------------------------------------

  private readonly program = this.RULE(
    "program",
    (): ParsedProgram => {
      const items: Stmt[] = [];
      const result = this.statements(items);
      return { items, result };
    },
    recovered((): ParsedProgram => ({ items: [], result: null })),
  );

  /**
   * `stmt* expr?`, the body of a block or program: fills `stmts` and returns the trailing result.
   * A method rather than a rule so that nested blocks cost one rule call less of stack.
   */
  private statements(stmts: Stmt[]): Expr | null {
    let result: Expr | null = null;
    this.MANY(() => {
      // Chevrotain's lookahead does not see past the end of a statement, so it cannot tell that
      // `x` followed by `}` is a valid trailing expression. One token of lookahead plus gates
      // decides instead, in order: keywords, `NAME =` (assignment), a leading `if` (which ends
      // the statement, as in Rust, so `if c {..} else {..}` needs no `;`), any other expression.
      const item = this.OR({
        MAX_LOOKAHEAD: 1,
        DEF: [
          { ALT: () => this.SUBRULE(this.defStmt) },
          { ALT: () => this.SUBRULE(this.letStmt) },
          { ALT: () => this.SUBRULE(this.varStmt) },
          { ALT: () => this.SUBRULE(this.whileStmt) },
          { ALT: () => this.SUBRULE(this.forStmt) },
          {
            GATE: () => this.LA(2).tokenType === T.Equals,
            ALT: () => this.SUBRULE(this.assignStmt),
            IGNORE_AMBIGUITIES: true,
          },
          { ALT: () => this.SUBRULE(this.ifItem), IGNORE_AMBIGUITIES: true },
          { ALT: () => this.SUBRULE(this.exprItem) },
        ],
      });
      this.ACTION(() => {
        if (item.kind === "Result") result = item.expr;
        else stmts.push(item);
      });
    });
    return result;
  }

  private readonly defStmt = this.statementRule(
    "defStmt",
    (): Item => {
      const start = this.CONSUME(T.Def);
      const name = this.CONSUME(T.Ident);
      this.CONSUME(T.LParen);
      const params = this.OPTION(() => this.SUBRULE(this.params));
      this.CONSUME(T.RParen);
      const { body, end } = this.OR<{ body: Expr | Block; end: Span }>([
        {
          ALT: () => {
            this.CONSUME(T.Equals);
            const body = this.SUBRULE(this.expr);
            const semi = this.CONSUME(T.Semi);
            return { body, end: this.ACTION(() => tokenSpan(semi, this.file)) };
          },
        },
        {
          ALT: () => {
            const body = this.SUBRULE(this.block);
            const semi = this.OPTION2(() => this.CONSUME2(T.Semi));
            return { body, end: this.ACTION(() => (semi ? tokenSpan(semi, this.file) : body.span)) };
          },
        },
      ]);
      return this.ACTION(() => ({
        kind: "Def",
        name: this.ident(name),
        params: params ?? [],
        body,
        span: joinSpans(tokenSpan(start, this.file), end),
      }));
    },
  );

  private readonly letStmt = this.statementRule(
    "letStmt",
    (): Item => {
      const start = this.CONSUME(T.Let);
      const pattern = this.SUBRULE(this.pattern);
      this.CONSUME(T.Equals);
      const value = this.SUBRULE(this.expr);
      const semi = this.CONSUME(T.Semi);
      return this.ACTION(() => {
        this.checkDuplicates(patternNames(pattern), "name in the pattern");
        return { kind: "Let", pattern, value, span: this.spanFrom(start, semi) };
      });
    },
  );

  private readonly varStmt = this.statementRule(
    "varStmt",
    (): Item => {
      const start = this.CONSUME(T.Var);
      const name = this.CONSUME(T.Ident);
      this.CONSUME(T.Equals);
      const value = this.SUBRULE(this.expr);
      const semi = this.CONSUME(T.Semi);
      return this.ACTION(() => ({ kind: "Var", name: this.ident(name), value, span: this.spanFrom(start, semi) }));
    },
  );

  private readonly assignStmt = this.statementRule(
    "assignStmt",
    (): Item => {
      const name = this.CONSUME(T.Ident);
      this.CONSUME(T.Equals);
      const value = this.SUBRULE(this.expr);
      const semi = this.CONSUME(T.Semi);
      return this.ACTION(() => ({ kind: "Assign", name: this.ident(name), value, span: this.spanFrom(name, semi) }));
    },
  );

  private readonly whileStmt = this.statementRule(
    "whileStmt",
    (): Item => {
      const start = this.CONSUME(T.While);
      const cond = this.SUBRULE(this.expr);
      const body = this.SUBRULE(this.block);
      return this.ACTION(() => ({ kind: "While", cond, body, span: joinSpans(tokenSpan(start, this.file), body.span) }));
    },
  );

  private readonly forStmt = this.statementRule(
    "forStmt",
    (): Item => {
      const start = this.CONSUME(T.For);
      const name = this.CONSUME(T.Ident);
      this.CONSUME(T.In);
      const from = this.SUBRULE(this.expr);
      this.CONSUME(T.DotDot);
      const to = this.SUBRULE2(this.expr);
      const body = this.SUBRULE(this.block);
      return this.ACTION(() => ({
        kind: "For",
        name: this.ident(name),
        from,
        to,
        body,
        span: joinSpans(tokenSpan(start, this.file), body.span),
      }));
    },
  );

  private readonly ifItem = this.statementRule(
    "ifItem",
    (): Item => {
      const expr = this.SUBRULE(this.ifExpr);
      const semi = this.OPTION(() => this.CONSUME(T.Semi));
      return this.ACTION(() => {
        if (semi === undefined && this.atBlockEnd()) return { kind: "Result", expr };
        const span = semi ? joinSpans(expr.span, tokenSpan(semi, this.file)) : expr.span;
        return { kind: "ExprStmt", expr, span };
      });
    },
  );

  /** `expr ;` is a statement; an expression right before `}` (or the end of input) is the result. */
  private readonly exprItem = this.statementRule(
    "exprItem",
    (): Item => {
      const expr = this.SUBRULE(this.expr);
      const semi = this.OR([
        { ALT: () => this.CONSUME(T.Semi) },
        { GATE: () => this.atBlockEnd(), ALT: () => undefined },
      ]);
      return this.ACTION(() =>
        semi === undefined
          ? { kind: "Result", expr }
          : { kind: "ExprStmt", expr, span: joinSpans(expr.span, tokenSpan(semi, this.file)) },
      );
    },
  );

  protected readonly block = this.RULE(
    "block",
    (): Block => {
      const open = this.CONSUME(T.LBrace);
      const stmts: Stmt[] = [];
      const result = this.statements(stmts);
      const close = this.CONSUME(T.RBrace);
      return this.ACTION(() => ({ kind: "Block", stmts, result, span: this.spanFrom(open, close) }));
    },
    recovered((): Block => ({ kind: "Block", stmts: [], result: null, span: NOWHERE })),
  );

  /** `NAME | '(' pattern (',' pattern)* ','? ')'`; `(a)` is `a` grouped, `(a,)` a 1-tuple. */
  private readonly pattern = this.RULE(
    "pattern",
    (): Pattern =>
      this.OR([
        {
          ALT: () => {
            const tok = this.CONSUME(T.Ident);
            return this.ACTION((): Pattern => {
              const name = this.ident(tok);
              return { kind: "NamePattern", name, span: name.span };
            });
          },
        },
        {
          ALT: () => {
            const open = this.CONSUME(T.LParen);
            const items = [this.SUBRULE(this.pattern)];
            const comma = this.restOfList(0, items, (k) => this.subrule(k, this.pattern));
            const close = this.CONSUME(T.RParen);
            return this.ACTION((): Pattern =>
              items.length === 1 && !comma ? items[0]! : { kind: "TuplePattern", items, span: this.spanFrom(open, close) },
            );
          },
        },
      ]),
    recovered((): Pattern => ({ kind: "NamePattern", name: { name: "", span: NOWHERE }, span: NOWHERE })),
  );

  // ---- error recovery -------------------------------------------------------------------------

  /** A rule for one statement, which on failure skips the rest of the statement. */
  private statementRule(name: string, impl: () => Item) {
    return this.RULE(
      name,
      () => {
        const start = this.LA(1);
        try {
          return impl();
        } catch (error) {
          this.failedStatement = start;
          throw error;
        }
      },
      recovered(() => this.skipRestOfStatement()),
    );
  }

  /**
   * Called when a statement failed and Chevrotain resumed at the first token that could start
   * another one. Nearly any token can start an expression statement, so that is usually the very
   * next token, and `let 3 = x;` would complain again at `=`. Instead, skip the rest of the broken
   * statement. Outside the brackets it opened, it ends after a `;` or before a `}`, a statement
   * keyword or a new line. Inside them, we guess that a closer is missing when a statement keyword
   * appears within `(` or `[`, or when a line starts left of the statement's first token.
   */
  private skipRestOfStatement(): Item {
    const start = this.failedStatement;
    const open = start && this.scan ? this.scan.openedSince(start, this.LA(1)) : [];
    for (let tok = this.LA(1); tok.tokenType !== EOF; tok = this.LA(1)) {
      const type = tok.tokenType;
      const innermost = open.at(-1);
      const newLine = tok.startLine! > this.LA(0).endLine!;
      if (innermost === undefined) {
        if (type === T.RBrace || STATEMENT_KEYWORDS.has(type) || newLine) break;
      } else if (innermost !== T.LBrace && STATEMENT_KEYWORDS.has(type)) {
        break;
      } else if (newLine && tok.startColumn! <= (start?.startColumn ?? 1) && !CLOSERS.has(type)) {
        break;
      }
      this.SKIP_TOKEN();
      if (CLOSER_OF.has(type)) open.push(type);
      else if (innermost !== undefined && CLOSER_OF.get(innermost) === type) open.pop();
      else if (innermost === undefined && type === T.Semi) break;
    }
    return placeholderItem();
  }

  /**
   * Chevrotain repairs a missing token by inserting it before it tries deleting an unexpected
   * one. Some insertions only move the error: an inserted opener leaves its closer missing later,
   * and anything inserted before a `{` makes a block parse as a record. And when the token after
   * the unexpected one is the closer we wanted (`f(1 2)`), deleting is the better guess.
   */
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    if (CLOSER_OF.has(tokType) || this.LA(1).tokenType === T.LBrace) return false;
    const closesList = CLOSERS.has(tokType) || tokType === T.Pipe;
    return !(closesList && this.LA(2).tokenType === tokType);
  }

  private atBlockEnd(): boolean {
    const next = this.LA(1).tokenType;
    return next === T.RBrace || next === EOF;
  }
}

function patternNames(pattern: Pattern): Ident[] {
  const names: Ident[] = [];
  const stack = [pattern];
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    if (p.kind === "NamePattern") names.push(p.name);
    else stack.push(...[...p.items].reverse());
  }
  return names;
}
