// Runtime values. Numbers, booleans and strings are the JavaScript ones, unboxed, so that scalar
// code in the VM touches no allocation; a Tuple is a frozen JavaScript array; everything else is a
// small class so that a type test is one `instanceof`.
import type { Graph, Node } from "../ir/graph.js";
import type { Primitive } from "../prims/primitive.js";

export class Unit {
  static readonly value = new Unit();
  private constructor() {}
}
export const UNIT = Unit.value;

export class RecordValue {
  /** Fields in the order written, as SPEC §3 requires for printing. */
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly Value[],
  ) {}

  get(key: string): Value | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }
}

/** An n-dimensional array of doubles, row-major. */
export class Tensor {
  constructor(
    readonly shape: readonly number[],
    readonly data: Float64Array,
  ) {}
}

/** A function value made from a graph: the graph and the values of its free variables. */
export class Closure {
  constructor(
    readonly graph: Graph,
    readonly env: readonly Value[],
  ) {}
}

/** `lo:hi` inside an index; a missing bound is null. Only ever an argument of `index`. */
export class SliceValue {
  constructor(
    readonly lo: number | null,
    readonly hi: number | null,
  ) {}
}

/**
 * The sensitivity of a closure (DESIGN.md § AD): a sparse map from each free variable it closed
 * over — keyed by the primal node — to that variable's sensitivity.
 */
export class EnvValue {
  static readonly empty = new EnvValue(new Map());
  constructor(readonly entries: ReadonlyMap<Node, Value>) {}
}

/** The key of one free variable in an EnvValue: the primal node it names. */
export class EnvKey {
  constructor(readonly node: Node) {}
}

export type Tuple = readonly Value[];

export type Value =
  | number
  | boolean
  | string
  | Unit
  | Tuple
  | RecordValue
  | Tensor
  | Closure
  | Primitive
  | SliceValue
  | EnvValue
  | EnvKey;

export function isTuple(v: Value): v is Tuple {
  return Array.isArray(v);
}

export function isPrimitive(v: Value): v is Primitive {
  return typeof v === "object" && !Array.isArray(v) && (v as { kind?: unknown }).kind === "primitive";
}

export function isFunction(v: Value): v is Closure | Primitive {
  return v instanceof Closure || isPrimitive(v);
}

/** The type name a user reads in an error: `Num`, `Tuple`, `Function`, … */
/** The type name with its article, for messages: "a Num", "an Array", "a Unit". */
export function aTypeName(v: Value): string {
  const name = typeName(v);
  return `${/^[AEIO]/.test(name) ? "an" : "a"} ${name}`;
}

export function typeName(v: Value): string {
  switch (typeof v) {
    case "number":
      return "Num";
    case "boolean":
      return "Bool";
    case "string":
      return "String";
  }
  if (v instanceof Unit) return "Unit";
  if (Array.isArray(v)) return "Tuple";
  if (v instanceof RecordValue) return "Record";
  if (v instanceof Tensor) return "Array";
  if (v instanceof SliceValue) return "Slice";
  if (v instanceof EnvValue) return "Env";
  if (v instanceof EnvKey) return "EnvKey";
  return "Function";
}
