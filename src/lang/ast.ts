// The typed AST of SPEC §2. Every node carries the span of source it came from, so that every
// later stage (lowering, the VM) can point a diagnostic at the exact text.

/** A source span: 1-based line and column of the first character, 0-based offsets [start, end). */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly start: number;
  readonly end: number;
}

export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export type Program = {
  readonly kind: "Program";
  readonly items: Stmt[];
  /** A trailing expression without `;` (`print(1)` at the end of a file, `1 + 2` in the REPL). */
  readonly result: Expr | null;
  readonly span: Span;
};

// ---- statements -------------------------------------------------------------------------------

export type Stmt = DefStmt | LetStmt | VarStmt | AssignStmt | WhileStmt | ForStmt | ExprStmt;

export interface DefStmt {
  readonly kind: "Def";
  readonly name: Ident;
  readonly params: Ident[];
  /** `def f(x) = e;` has an expression body; `def f(x) { ... }` a block. */
  readonly body: Expr | Block;
  readonly span: Span;
}

export interface LetStmt {
  readonly kind: "Let";
  readonly pattern: Pattern;
  readonly value: Expr;
  readonly span: Span;
}

export interface VarStmt {
  readonly kind: "Var";
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface AssignStmt {
  readonly kind: "Assign";
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface WhileStmt {
  readonly kind: "While";
  readonly cond: Expr;
  readonly body: Block;
  readonly span: Span;
}

export interface ForStmt {
  readonly kind: "For";
  readonly name: Ident;
  readonly from: Expr;
  readonly to: Expr;
  readonly body: Block;
  readonly span: Span;
}

export interface ExprStmt {
  readonly kind: "ExprStmt";
  readonly expr: Expr;
  readonly span: Span;
}

export type Pattern = NamePattern | TuplePattern;
export interface NamePattern {
  readonly kind: "NamePattern";
  readonly name: Ident;
  readonly span: Span;
}
export interface TuplePattern {
  readonly kind: "TuplePattern";
  readonly items: Pattern[];
  readonly span: Span;
}

/** `{ stmt* expr? }`: the value is the trailing expression, or `()` when there is none. */
export interface Block {
  readonly kind: "Block";
  readonly stmts: Stmt[];
  readonly result: Expr | null;
  readonly span: Span;
}

// ---- expressions ------------------------------------------------------------------------------

export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | UnitLit
  | NameExpr
  | TupleExpr
  | ArrayExpr
  | RecordExpr
  | LambdaExpr
  | IfExpr
  | BinaryExpr
  | UnaryExpr
  | CallExpr
  | IndexExpr
  | FieldExpr
  | ParenExpr;

export interface NumberLit {
  readonly kind: "Number";
  readonly value: number;
  readonly span: Span;
}
export interface StringLit {
  readonly kind: "String";
  /** The decoded text, escapes already applied. */
  readonly value: string;
  readonly span: Span;
}
export interface BoolLit {
  readonly kind: "Bool";
  readonly value: boolean;
  readonly span: Span;
}
export interface UnitLit {
  readonly kind: "Unit";
  readonly span: Span;
}
export interface NameExpr {
  readonly kind: "Name";
  readonly name: string;
  readonly span: Span;
}
export interface TupleExpr {
  readonly kind: "Tuple";
  readonly items: Expr[];
  readonly span: Span;
}
export interface ArrayExpr {
  readonly kind: "Array";
  readonly items: Expr[];
  readonly span: Span;
}
export interface RecordField {
  readonly name: Ident;
  readonly value: Expr;
}
export interface RecordExpr {
  readonly kind: "Record";
  readonly fields: RecordField[];
  readonly span: Span;
}
export interface LambdaExpr {
  readonly kind: "Lambda";
  readonly params: Ident[];
  readonly body: Expr | Block;
  readonly span: Span;
}
export interface IfExpr {
  readonly kind: "If";
  readonly cond: Expr;
  readonly then: Block;
  /** `else { }` is a Block, `else if` an IfExpr, no else is null (the value is then `()`). */
  readonly else: Block | IfExpr | null;
  readonly span: Span;
}

export type BinaryOp =
  | "or"
  | "and"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "@"
  | "**";

export interface BinaryExpr {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** The span of the operator token, where an error in the operation is reported. */
  readonly opSpan: Span;
  readonly span: Span;
}

export type UnaryOp = "-" | "not";
export interface UnaryExpr {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

export interface CallExpr {
  readonly kind: "Call";
  readonly callee: Expr;
  readonly args: Expr[];
  readonly span: Span;
}

/** One position of an index: `a[i]` is an expression, `a[lo:hi]`, `a[:]`, `a[:hi]` are slices. */
export type IndexItem =
  | { readonly kind: "At"; readonly expr: Expr }
  | { readonly kind: "Slice"; readonly lo: Expr | null; readonly hi: Expr | null; readonly span: Span };

export interface IndexExpr {
  readonly kind: "Index";
  readonly target: Expr;
  readonly indices: IndexItem[];
  readonly span: Span;
}

export interface FieldExpr {
  readonly kind: "Field";
  readonly target: Expr;
  readonly field: Ident;
  readonly span: Span;
}

/** `( e )`: kept so that spans and the non-associativity check of comparisons see the parens. */
export interface ParenExpr {
  readonly kind: "Paren";
  readonly expr: Expr;
  readonly span: Span;
}
