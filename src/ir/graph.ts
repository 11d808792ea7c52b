// The recursive graph IR (DESIGN.md § IR). A function is a Graph; its body is a DAG of Apply nodes
// over Parameters and Constants. A Graph used as a Constant is how a function is referred to —
// including by itself (recursion) — and a node of graph G used inside graph H makes H a closure
// over it. Free variables and nesting are computed by the manager, never stored.
import type { Span } from "../lang/ast.js";
import type { Primitive } from "../prims/primitive.js";
import type { Value } from "../runtime/values.js";

export interface GraphFlags {
  /** Lowered from `while`/`for`: a tail-recursive graph carrying the loop's vars. */
  loop?: boolean;
  /** A branch of `if`/`and`/`or`: a nullary graph called once, right after `switch` chose it. */
  branch?: boolean;
  /** The identity of this graph's nodes matters to a later stage: it is not to be copied. */
  opaque?: boolean;
}

export interface Graph {
  readonly kind: "graph";
  readonly id: number;
  name: string;
  parameters: Parameter[];
  /** Set once the body is built; a graph under construction has none yet. */
  output: Node | null;
  loc: Span | null;
  flags: GraphFlags;
}

export interface Apply {
  readonly kind: "apply";
  readonly id: number;
  readonly graph: Graph;
  /** `inputs[0]` is the callee: a primitive or graph Constant, or any node giving a function. */
  inputs: Node[];
  loc: Span | null;
}

/** What a Constant may hold: a runtime value, or a Graph (which evaluates to a function). */
export type ConstValue = Value | Graph;

export interface Constant {
  readonly kind: "constant";
  readonly id: number;
  readonly value: ConstValue;
  loc: Span | null;
}

export interface Parameter {
  readonly kind: "parameter";
  readonly id: number;
  readonly graph: Graph;
  name: string;
  loc: Span | null;
}

export type Node = Apply | Constant | Parameter;

// Ids are identities, like addresses: one counter for the process, so that any graphs that meet
// in one analysis (a program, the J graphs of its session, the builtins' own graphs) have
// distinct ids, ordered by when they were made. Nothing reads it but to number what is made.
let nextId = 1;
const freshId = (): number => nextId++;

/** Graphs and nodes made from now on have ids at least this: how a stage tells what it made. */
export function idMark(): number {
  return nextId;
}

export function newGraph(name: string, loc: Span | null, flags: GraphFlags = {}): Graph {
  return { kind: "graph", id: freshId(), name, parameters: [], output: null, loc, flags };
}

export function addParameter(graph: Graph, name: string, loc: Span | null): Parameter {
  const p: Parameter = { kind: "parameter", id: freshId(), graph, name, loc };
  graph.parameters.push(p);
  return p;
}

export function apply(graph: Graph, inputs: Node[], loc: Span | null): Apply {
  return { kind: "apply", id: freshId(), graph, inputs, loc };
}

export function constant(value: ConstValue, loc: Span | null = null): Constant {
  return { kind: "constant", id: freshId(), value, loc };
}

/** `prim(args…)` in `graph`. */
export function applyPrim(graph: Graph, prim: Primitive, args: Node[], loc: Span | null): Apply {
  return apply(graph, [constant(prim, loc), ...args], loc);
}

export function isGraph(v: unknown): v is Graph {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "graph";
}

export function isConstantGraph(n: Node): n is Constant & { value: Graph } {
  return n.kind === "constant" && isGraph(n.value);
}

export function outputOf(g: Graph): Node {
  if (g.output === null) throw new Error(`internal: graph ${g.name} has no output`);
  return g.output;
}

/** The graph a node belongs to; constants belong to none. */
export function ownerOf(n: Node): Graph | null {
  return n.kind === "constant" ? null : n.graph;
}
