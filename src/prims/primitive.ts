// A primitive is data: its name, how many arguments it takes, what running it does, and its two
// derivative rules, side by side in one definition (as Myia keeps a primitive and its bprop).
// Whatever a later stage needs of every primitive (how it is emitted, how it is batched) is one
// more field here.
//
// Rules build IR: a rule is handed the nodes of the arguments and of the result, and a Builder
// that adds applies to the graph being made (`b.mul(d, y)` is the apply `mul(d, y)` there). So a
// derivative is an ordinary graph, which can be differentiated again: derivatives nest to any
// order. A rule returns `null` where a derivative is zero — the sensitivity of an argument nothing
// flows to, the tangent of a result that does not move — and the machinery fills in the zero
// (`zeros_like`), as Autodidax writes a zero as `None`.
import type { Node } from "../ir/graph.js";
import type { HostContext } from "../runtime/host.js";
import type { Value } from "../runtime/values.js";

/** How many arguments: exactly n, or from min to max (`Infinity` for variadic primitives). */
export type Arity = number | readonly [number, number];

/** `numbers` of a primitive of arity A: a function of as many numbers (any count if A does not fix it). */
type NumbersOf<A extends Arity> = A extends 1 ? (x: number) => Value : A extends 2 ? (x: number, y: number) => Value : (...xs: number[]) => Value;

/** The arguments of a primitive of arity A as a tuple of T: typed item by item where A fixes them. */
export type ArgsOf<A extends Arity, T> = A extends 0
  ? readonly []
  : A extends 1
    ? readonly [T]
    : A extends 2
      ? readonly [T, T]
      : A extends 3
        ? readonly [T, T, T]
        : A extends 4
          ? readonly [T, T, T, T]
          : A extends 5
            ? readonly [T, T, T, T, T]
            : A extends readonly [1, 2]
              ? readonly [T, T?]
              : A extends readonly [2, 3]
                ? readonly [T, T, T?]
                : A extends readonly [1, number]
                  ? readonly [T, ...T[]]
                  : A extends readonly [2, number]
                    ? readonly [T, T, ...T[]]
                    : A extends readonly [3, number]
                      ? readonly [T, T, T, ...T[]]
                      : readonly T[];

/** An operand of a rule's apply: a node, or a number (made a constant). */
export type Arg = Node | number;

/**
 * The primitives rules build with by name (`b.mul(x, y)`); test/prims/definitions.test.ts checks
 * that each names one. A rule may apply any other primitive as `b.prim(p, …)`.
 */
export const OP_NAMES = [
  "add", "sub", "mul", "div", "neg", "pow", "floor", "sign", "where", "gt", "lt",
  "sin", "cos", "sinh", "cosh", "exp", "log", "sqrt", "sigmoid",
  "make_tuple", "tuple_get", "tuple_set", "tuple_add", "make_record", "record_get", "record_set", "record_add",
  "record_at", "record_set_at", "index", "index_add", "switch",
  "zeros_like", "add_sens", "sub_sens", "sens_like", "env_get", "env_set", "env_has", "user_gradient", "from_user_gradient",
  "make_array", "full", "linspace", "concat", "stack", "pieces", "unstack", "reshape", "transpose", "shape",
  "matmul", "dot", "outer", "matrix_shape", "product_shape", "numel",
  "sum", "mean", "logsumexp", "softmax", "expand", "extreme_mask",
] as const;
export type OpName = (typeof OP_NAMES)[number];

/** What a rule builds with: applies in the graph being made. */
export interface Builder extends Readonly<Record<OpName, (...args: Arg[]) => Node>> {
  /** `p(args…)`, for a primitive not in OpName (one defined beside the rule). */
  prim(p: Primitive, ...args: Arg[]): Node;
  constant(v: Value): Node;
  /** A call of a function value. */
  apply(f: Node, ...args: Arg[]): Node;
  /** `if c { yes } else { no }`: only the branch taken runs. */
  cond(c: Node, yes: (b: Builder) => Node, no: (b: Builder) => Node): Node;
  /** A value as the transformed world holds it: its J in reverse mode, its J⊳ in forward mode. */
  transformed(v: Node): Node;
}

/** The sensitivity of each argument; null (or missing) where none flows to it. */
export type Sensitivities = readonly (Node | null | undefined)[];

/** Reverse mode: the sensitivities of the arguments `x`, given the result `y` and its sensitivity `d`. */
export type VjpRule<X> = (b: Builder, x: X, y: Node, d: Node) => Sensitivities;

/** Forward mode: the tangent of the result `y`, given the tangents `dx` of the arguments `x`; null for zero. */
export type JvpRule<X> = (b: Builder, x: X, y: Node, dx: X) => Node | null;

/**
 * Rules that compute the result themselves, for primitives whose transformed self is not "the
 * primitive, then its derivative": those that call the function they are given in the
 * transformed world (`map`), or whose result enters it (`global_get`). A reverse one returns the
 * result and the backward pass, as Autodidax's vjp rules return `(y, f_vjp)`; what the backward
 * pass reads of the forward pass it closes over.
 */
export interface AugmentedVjp<X> {
  readonly augmented: (b: Builder, x: X) => { readonly y: Node; readonly back: (b: Builder, d: Node) => Sensitivities };
}
export interface AugmentedJvp<X> {
  readonly augmented: (b: Builder, x: X, dx: X) => { readonly y: Node; readonly dy: Node | null };
}

type Effect = "none" | "may-fail" | "io";

export interface PrimSpec<A extends Arity> {
  readonly name: string;
  readonly args: A;
  /** Default "may-fail". */
  readonly effect?: Effect;
  readonly impl: (args: ArgsOf<A, Value>, host: HostContext) => Value;
  /** See Primitive.numbers. */
  readonly numbers?: NumbersOf<A>;
  /** Programs call it by its name (SPEC §4); otherwise only an operator or a stage's own graphs reach it. */
  readonly builtin?: boolean;
  /** Null where reverse mode cannot differentiate the primitive (the error says so). */
  readonly vjp: VjpRule<ArgsOf<A, Node>> | AugmentedVjp<ArgsOf<A, Node>> | null;
  /** Null where forward mode cannot. */
  readonly jvp: JvpRule<ArgsOf<A, Node>> | AugmentedJvp<ArgsOf<A, Node>> | null;
  /** See Primitive.keepsCaptureKeys. */
  readonly keepsCaptureKeys?: boolean;
}

export interface Primitive {
  readonly kind: "primitive";
  readonly name: string;
  readonly minArgs: number;
  /** `Infinity` for variadic primitives such as `print` and `make_tuple`. */
  readonly maxArgs: number;
  /**
   * Pure primitives have no effect other than their result (they may still fail); a call whose
   * result is unused may be dropped only if it is pure and cannot fail. `io` acts: it prints,
   * touches globals or files, or calls a function it is given (`map`, `jvp`, `vjp`, …), which may.
   */
  readonly effect: Effect;
  /** Called with between minArgs and maxArgs arguments: whoever calls it checks (see callPrimitive). */
  readonly impl: (args: readonly Value[], host: HostContext) => Value;
  /**
   * The implementation when every argument is a Num, giving what `impl` gives on them, called
   * with the numbers themselves: a backend's fast path, with `impl` as the way out (null if none).
   */
  readonly numbers: ((...xs: number[]) => Value) | null;
  /** A name programs can call (see PrimSpec.builtin). */
  readonly builtin: boolean;
  readonly vjp: VjpRule<readonly Node[]> | AugmentedVjp<readonly Node[]> | null;
  readonly jvp: JvpRule<readonly Node[]> | AugmentedJvp<readonly Node[]> | null;
  /**
   * Its reverse rule maps the sensitivity of a closure back through the identity of the J-world
   * nodes that closure captured (`grad`, `vjp`, `j_value`): a unit that differentiates a call of
   * it is left as built, since optimizing would rename those nodes.
   */
  readonly keepsCaptureKeys: boolean;
}

/**
 * A primitive from its one definition. Its implementation and rules are written for the tuple of
 * arguments its arity allows; they are stored for any list, since every caller checks the count
 * against minArgs and maxArgs before it calls them.
 */
export function definePrim<const A extends Arity>(spec: PrimSpec<A>): Primitive {
  const [minArgs, maxArgs] = typeof spec.args === "number" ? [spec.args, spec.args] : spec.args;
  return {
    kind: "primitive",
    name: spec.name,
    minArgs,
    maxArgs,
    effect: spec.effect ?? "may-fail",
    impl: spec.impl as Primitive["impl"],
    numbers: (spec.numbers as Primitive["numbers"] | undefined) ?? null,
    builtin: spec.builtin ?? false,
    vjp: spec.vjp as Primitive["vjp"],
    jvp: spec.jvp as Primitive["jvp"],
    keepsCaptureKeys: spec.keepsCaptureKeys ?? false,
  };
}

/** The rules of a primitive whose result does not move with its arguments: comparisons, shapes, effects. */
export const constantResult = { vjp: () => [], jvp: () => null } as const;
