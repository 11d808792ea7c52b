// The IR as one JSON document, for tools (`myx ir --format json`). Ids are the text printer's
// names (`%x`, `%3`), so the text and the JSON of a graph can be read side by side; constants,
// which the text shows inline, get ids `c1, c2, …` here. Every id appears as exactly one entry of
// some graph's `nodes`, so a reader can index the whole document by id. Schema: docs/language.md.
import type { Span } from "../lang/ast.js";
import { isGraph, type ConstValue, type Constant, type Graph, type Node } from "./graph.js";
import { graphFlags, nameGraphs } from "./print-names.js";
import { Closure, EnvKey, EnvValue, isTuple, RecordValue, SliceValue, Tensor, Unit } from "../runtime/values.js";

export interface JsonLoc {
  readonly line: number;
  readonly col: number;
}

export interface JsonNode {
  readonly id: string;
  readonly kind: "apply" | "constant" | "parameter";
  /** A parameter's source name. */
  readonly name?: string;
  /** An Apply's callee as the text form shows it: `sin`, `@f▶`, `%5`. */
  readonly callee?: string;
  /** An Apply's inputs, as in the IR: `inputs[0]` is the callee. */
  readonly inputs?: readonly string[];
  /** A constant's value as the text form shows it. */
  readonly value?: string;
  readonly type?: ConstantType;
  /** The graph a graph constant refers to. */
  readonly graph?: string;
  readonly loc?: JsonLoc;
}

export interface JsonGraph {
  readonly name: string;
  readonly flags: readonly string[];
  readonly parent: string | null;
  readonly parameters: readonly string[];
  readonly freeVariables: readonly string[];
  readonly nodes: readonly JsonNode[];
  readonly output: string | null;
}

export interface JsonIr {
  readonly root: string;
  readonly graphs: readonly JsonGraph[];
}

export type ConstantType =
  | "num"
  | "bool"
  | "string"
  | "unit"
  | "tuple"
  | "record"
  | "array"
  | "slice"
  | "primitive"
  | "graph"
  | "closure"
  | "env"
  | "key";

export function irToJson(root: Graph): JsonIr {
  const { analysis, graphs, graphLabels, applies, names, ref } = nameGraphs(root, { everyApply: true });
  const label = (g: Graph): string => graphLabels.get(g)!;
  // A constant has no owner graph; it is listed in the first graph (in print order) that uses it.
  const constantIds = new Map<Constant, string>();
  const id = (n: Node): string => (n.kind === "constant" ? constantIds.get(n)! : ref(n));

  const jsonGraphs = graphs.map((g): JsonGraph => {
    const nodes: JsonNode[] = g.parameters.map((p) => ({ id: names.get(p)!, kind: "parameter", name: p.name, ...locOf(p.loc) }));
    const listConstants = (inputs: readonly Node[]): void => {
      for (const n of inputs) {
        if (n.kind !== "constant" || constantIds.has(n)) continue;
        const cid = `c${constantIds.size + 1}`;
        constantIds.set(n, cid);
        const target = isGraph(n.value) ? { graph: label(n.value) } : {};
        nodes.push({ id: cid, kind: "constant", value: ref(n), type: constantType(n.value), ...target, ...locOf(n.loc) });
      }
    };
    for (const a of applies.get(g) ?? []) {
      listConstants(a.inputs);
      nodes.push({ id: names.get(a)!, kind: "apply", callee: ref(a.inputs[0]!), inputs: a.inputs.map(id), ...locOf(a.loc) });
    }
    if (g.output !== null) listConstants([g.output]);
    const parent = analysis.parent.get(g) ?? null;
    return {
      name: label(g),
      flags: graphFlags(g),
      parent: parent === null ? null : label(parent),
      parameters: g.parameters.map((p) => names.get(p)!),
      freeVariables: (analysis.freeVariables.get(g) ?? []).map(id),
      nodes,
      output: g.output === null ? null : id(g.output),
    };
  });
  return { root: label(root), graphs: jsonGraphs };
}

/** The document `myx ir --format json` prints: two-space indented, so it diffs well. */
export function printJson(root: Graph): string {
  return JSON.stringify(irToJson(root), null, 2);
}

function locOf(loc: Span | null): { loc?: JsonLoc } {
  return loc === null ? {} : { loc: { line: loc.line, col: loc.col } };
}

function constantType(v: ConstValue): ConstantType {
  if (isGraph(v)) return "graph";
  switch (typeof v) {
    case "number":
      return "num";
    case "boolean":
      return "bool";
    case "string":
      return "string";
  }
  if (v instanceof Unit) return "unit";
  if (isTuple(v)) return "tuple";
  if (v instanceof RecordValue) return "record";
  if (v instanceof Tensor) return "array";
  if (v instanceof SliceValue) return "slice";
  if (v instanceof EnvValue) return "env";
  if (v instanceof EnvKey) return "key";
  return v instanceof Closure ? "closure" : "primitive";
}
