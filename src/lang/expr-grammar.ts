// The expression half of the grammar of SPEC §2 (grammar.ts adds statements and blocks). It is
// a Chevrotain parser that builds the AST directly; a rule that had to give up during error
// recovery returns a placeholder node, which never escapes because the program is dropped when
// there are errors.
//
// Stack use matters (see nesting.ts): one bracket level costs two rule calls (`expr` → `primary`
// or `postfix` → `expr`), because operator precedence is resolved outside the grammar, and the
// parenthesis, array and record alternatives are inlined in `primary`.
import { EmbeddedActionsParser, type IToken, type ParserMethod } from "chevrotain";
import type { Block, Expr, Ident, IfExpr, IndexItem, Span } from "./ast.js";
import * as T from "./lexer.js";
import type { MessageProvider } from "./messages.js";
import { buildExpression, type Part } from "./precedence.js";
import { joinSpans, tokenSpan } from "./spans.js";

type Postfix =
  | { readonly kind: "call"; readonly args: Expr[]; readonly close: IToken }
  | { readonly kind: "index"; readonly items: IndexItem[]; readonly close: IToken }
  | { readonly kind: "field"; readonly name: Ident };

/** A syntax error found by our own checks rather than by Chevrotain. */
export interface Problem {
  readonly span: Span;
  readonly message: string;
}

export const NOWHERE: Span = { file: "", line: 0, col: 0, start: 0, end: 0 };
/** Rule options: what a rule returns after it gave up, so that actions above it still run. */
export const recovered = <R>(value: () => R) => ({ recoveryValueFunc: value });
export const placeholderExpr = (): Expr => ({ kind: "Unit", span: NOWHERE });

export abstract class ExpressionGrammar extends EmbeddedActionsParser {
  protected file = "<input>";
  protected problems: Problem[] = [];
  /** `{ stmt* expr? }`, defined with the statements; lambdas and `if` need it. */
  protected abstract readonly block: ParserMethod<[], Block>;

  /**
   * `validate` runs Chevrotain's checks of the grammar itself (ambiguities, left recursion) as it
   * is built. They cost a good part of starting up and find nothing in a grammar that passed
   * them once, so the parser users get skips them and a test runs them (test/lang/grammar.test.ts).
   */
  constructor(messages: MessageProvider, validate: boolean) {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messages, skipValidations: !validate });
  }

  /** `NAME (',' NAME)* ','?`: the parameters of a `def` or a lambda. */
  protected readonly params = this.RULE(
    "params",
    (): Ident[] => {
      const names = [this.CONSUME(T.Ident)];
      this.restOfList(0, names, (k) => this.consume(k, T.Ident));
      return this.ACTION(() => {
        const params = names.map((tok) => this.ident(tok));
        this.checkDuplicates(params, "parameter");
        return params;
      });
    },
    recovered((): Ident[] => []),
  );

  // ---- expressions ----------------------------------------------------------------------------

  /** Every operator layer of SPEC §2 in one flat rule; precedence.ts builds the tree. */
  protected readonly expr = this.RULE(
    "expr",
    (): Expr => {
      const parts: Part[] = [];
      this.operand(0, parts);
      this.MANY(() => {
        const tok = this.CONSUME(T.BinaryOperator);
        parts.push({ tag: "binary", tok });
        this.operand(1, parts);
      });
      return this.ACTION(() => buildExpression(parts, this.file, (span, message) => this.problems.push({ span, message })));
    },
    recovered(placeholderExpr),
  );

  /** `prefix-op* primary postfix*`, appended to `parts`; `i` keeps the DSL occurrence indices apart. */
  private operand(i: number, parts: Part[]): void {
    this.many(1 + i, () => {
      parts.push({ tag: "prefix", tok: this.consume(i, T.PrefixOperator) });
    });
    let expr = this.subrule(i, this.primary);
    this.many(3 + i, () => {
      const post = this.subrule(i, this.postfix);
      this.ACTION(() => {
        expr = this.applyPostfix(expr, post);
      });
    });
    this.ACTION(() => {
      parts.push({ tag: "operand", expr });
    });
  }

  private readonly primary = this.RULE(
    "primary",
    (): Expr =>
      this.OR([
        {
          ALT: () => {
            const tok = this.CONSUME(T.NumberTok);
            return this.ACTION((): Expr => ({ kind: "Number", value: Number(tok.image), span: tokenSpan(tok, this.file) }));
          },
        },
        {
          ALT: () => {
            const tok = this.CONSUME(T.StringTok);
            return this.ACTION((): Expr => ({ kind: "String", value: T.decodeString(tok.image).value, span: tokenSpan(tok, this.file) }));
          },
        },
        {
          ALT: () => {
            const tok = this.OR2([{ ALT: () => this.CONSUME(T.True) }, { ALT: () => this.CONSUME(T.False) }]);
            return this.ACTION((): Expr => ({ kind: "Bool", value: tok.tokenType === T.True, span: tokenSpan(tok, this.file) }));
          },
        },
        {
          ALT: () => {
            const tok = this.CONSUME(T.Ident);
            return this.ACTION((): Expr => ({ kind: "Name", name: tok.image, span: tokenSpan(tok, this.file) }));
          },
        },
        { ALT: () => this.parenthesized() },
        {
          ALT: () => {
            const open = this.CONSUME(T.LBracket);
            const items = this.OPTION(() => {
              const items = [this.SUBRULE(this.expr)];
              this.restOfList(0, items, (k) => this.subrule(k, this.expr));
              return items;
            });
            const close = this.CONSUME(T.RBracket);
            return this.ACTION((): Expr => ({ kind: "Array", items: items ?? [], span: this.spanFrom(open, close) }));
          },
        },
        { ALT: () => this.record() },
        { ALT: () => this.SUBRULE(this.lambda) },
        { ALT: () => this.SUBRULE(this.ifExpr) },
      ]),
    recovered(placeholderExpr),
  );

  /** `()` unit, `(e)` grouping, `(e,)` and `(a, b)` tuples. Inlined in `primary` to save stack. */
  private parenthesized(): Expr {
    const open = this.CONSUME(T.LParen);
    const inner = this.OPTION2(() => {
      const items = [this.SUBRULE2(this.expr)];
      const comma = this.restOfList(1, items, (k) => this.subrule(k, this.expr));
      return { items, comma };
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION((): Expr => {
      const span = this.spanFrom(open, close);
      if (inner === undefined) return { kind: "Unit", span };
      if (inner.items.length === 1 && !inner.comma) return { kind: "Paren", expr: inner.items[0]!, span };
      return { kind: "Tuple", items: inner.items, span };
    });
  }

  /** `{ name: e, ... }`; inlined in `primary` to save stack. */
  private record(): Expr {
    const open = this.CONSUME(T.LBrace);
    const fields: Array<{ name: IToken; value: Expr }> = [];
    const field = (k: number) => {
      const name = this.consume(k, T.Ident);
      this.consume(k, T.Colon);
      return { name, value: this.subrule(k, this.expr) };
    };
    this.OPTION3(() => {
      fields.push(field(3));
      this.restOfList(2, fields, (k) => field(k));
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION((): Expr => {
      const named = fields.map((f) => ({ name: this.ident(f.name), value: f.value }));
      this.checkDuplicates(
        named.map((f) => f.name),
        "field",
      );
      return { kind: "Record", fields: named, span: this.spanFrom(open, close) };
    });
  }

  private readonly postfix = this.RULE(
    "postfix",
    (): Postfix =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const args = this.OPTION(() => {
              const args = [this.SUBRULE(this.expr)];
              this.restOfList(0, args, (k) => this.subrule(k, this.expr));
              return args;
            });
            const close = this.CONSUME(T.RParen);
            return { kind: "call", args: args ?? [], close };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const items = [this.SUBRULE(this.indexItem)];
            this.MANY(() => {
              this.CONSUME(T.Comma);
              items.push(this.SUBRULE2(this.indexItem));
            });
            const close = this.CONSUME(T.RBracket);
            return { kind: "index", items, close };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const name = this.CONSUME2(T.Ident);
            return this.ACTION((): Postfix => ({ kind: "field", name: this.ident(name) }));
          },
        },
      ]),
    recovered((): Postfix => ({ kind: "field", name: { name: "", span: NOWHERE } })),
  );

  /** `i`, `lo:hi`, `lo:`, `:hi` or `:`. */
  private readonly indexItem = this.RULE(
    "indexItem",
    (): IndexItem =>
      this.OR([
        {
          ALT: () => {
            const colon = this.CONSUME(T.Colon);
            const hi = this.OPTION(() => this.SUBRULE(this.expr));
            return this.ACTION((): IndexItem => {
              const span = tokenSpan(colon, this.file);
              return { kind: "Slice", lo: null, hi: hi ?? null, span: hi ? joinSpans(span, hi.span) : span };
            });
          },
        },
        {
          ALT: () => {
            const lo = this.SUBRULE2(this.expr);
            const slice = this.OPTION2(() => {
              const colon = this.CONSUME2(T.Colon);
              return { colon, hi: this.OPTION3(() => this.SUBRULE3(this.expr)) };
            });
            return this.ACTION((): IndexItem => {
              if (slice === undefined) return { kind: "At", expr: lo };
              const end = slice.hi?.span ?? tokenSpan(slice.colon, this.file);
              return { kind: "Slice", lo, hi: slice.hi ?? null, span: joinSpans(lo.span, end) };
            });
          },
        },
      ]),
    recovered((): IndexItem => ({ kind: "At", expr: placeholderExpr() })),
  );

  /** `|params| body`: the body is a block, unless it starts `{ NAME :` (then it is a record). */
  private readonly lambda = this.RULE(
    "lambda",
    (): Expr => {
      const open = this.CONSUME(T.Pipe);
      const params = this.OPTION(() => this.SUBRULE(this.params));
      this.CONSUME2(T.Pipe);
      // One token of lookahead and a gate: Chevrotain's own lookahead into the block would stop
      // at the end of its statements and miss bodies like `{ x }`.
      const body = this.OR({
        MAX_LOOKAHEAD: 1,
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { GATE: () => this.blockAhead(), ALT: (): Expr | Block => this.SUBRULE(this.block) },
          { ALT: (): Expr | Block => this.SUBRULE(this.expr) },
        ],
      });
      return this.ACTION((): Expr => ({
        kind: "Lambda",
        params: params ?? [],
        body,
        span: joinSpans(tokenSpan(open, this.file), body.span),
      }));
    },
    recovered(placeholderExpr),
  );

  /** `if c {..} else if d {..} else {..}`: the `else if` chain is a loop, not recursion. */
  protected readonly ifExpr = this.RULE(
    "ifExpr",
    (): Expr => {
      const branches = [{ start: this.CONSUME(T.If), cond: this.SUBRULE(this.expr), then: this.SUBRULE(this.block) }];
      this.MANY(() => {
        this.CONSUME(T.Else);
        branches.push({ start: this.CONSUME2(T.If), cond: this.SUBRULE2(this.expr), then: this.SUBRULE2(this.block) });
      });
      const otherwise = this.OPTION(() => {
        this.CONSUME2(T.Else);
        return this.SUBRULE3(this.block);
      });
      return this.ACTION(() => {
        const branch = (i: number, tail: Block | IfExpr | null): IfExpr => {
          const { start, cond, then } = branches[i]!;
          return { kind: "If", cond, then, else: tail, span: joinSpans(tokenSpan(start, this.file), (tail ?? then).span) };
        };
        let node = branch(branches.length - 1, otherwise ?? null);
        for (let i = branches.length - 2; i >= 0; i--) node = branch(i, node);
        return node;
      });
    },
    recovered(placeholderExpr),
  );

  // ---- helpers --------------------------------------------------------------------------------

  /** `(',' item)* ','?` after a first item; reports whether there was any comma. */
  protected restOfList<E>(i: number, items: E[], item: (k: number) => E): boolean {
    let comma = false;
    this.many(5 + i, () => {
      this.consume(5 + i, T.Comma);
      items.push(item(5 + i));
      comma = true;
    });
    this.option(5 + i, () => {
      this.consume(8 + i, T.Comma);
      comma = true;
    });
    return comma;
  }

  private applyPostfix(target: Expr, post: Postfix): Expr {
    if (post.kind === "field") return { kind: "Field", target, field: post.name, span: joinSpans(target.span, post.name.span) };
    const span = joinSpans(target.span, tokenSpan(post.close, this.file));
    if (post.kind === "call") return { kind: "Call", callee: target, args: post.args, span };
    return { kind: "Index", target, indices: post.items, span };
  }

  private blockAhead(): boolean {
    return this.LA(1).tokenType === T.LBrace && !(this.LA(2).tokenType === T.Ident && this.LA(3).tokenType === T.Colon);
  }

  protected checkDuplicates(names: readonly Ident[], what: string): void {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name.name)) this.problems.push({ span: name.span, message: `duplicate ${what} '${name.name}'` });
      seen.add(name.name);
    }
  }

  protected ident(tok: IToken): Ident {
    return { name: tok.image, span: tokenSpan(tok, this.file) };
  }

  protected spanFrom(first: IToken, last: IToken): Span {
    return joinSpans(tokenSpan(first, this.file), tokenSpan(last, this.file));
  }
}
