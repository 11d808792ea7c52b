// What the VM runs: one linearized Code per Graph, built on first use and kept by the machine for
// the life of the graph (graphs are not mutated once they run). The analysis a graph was linearized with is
// shared by every graph reachable from it, so a program is analyzed once, not once per function;
// graphs made later (by `grad`, or a new REPL input) get an analysis of their own.
import type { Span } from "../lang/ast.js";
import { isConstantGraph, type Graph, type Node } from "../ir/graph.js";
import { analyze, type Analysis } from "../ir/manager.js";
import type { Primitive } from "../prims/primitive.js";
import { Closure, type Value } from "../runtime/values.js";
import { linearize } from "./linearize.js";

export interface Code {
  readonly graph: Graph;
  readonly name: string;
  readonly ops: Int32Array;
  /** Slots [0, nparams) hold the arguments and [nparams, nparams + nenv) the closure's env. */
  readonly nparams: number;
  readonly nenv: number;
  readonly frameSize: number;
  /** Written into their slots when a frame is entered; no instruction ever overwrites them. */
  readonly constSlots: Int32Array;
  readonly constValues: readonly Value[];
  /** The slot holding the running closure (a graph referring to itself), or -1. */
  readonly selfSlot: number;
  readonly prims: readonly Primitive[];
  readonly messages: readonly string[];
  /** Operands of CLOSURE and CALL_KNOWN; `linked[i]` caches the Code of `graphs[i]`. */
  readonly graphs: readonly Graph[];
  readonly linked: (Code | null)[];
  /** One monomorphic inline cache per CALL: the last graph called there and its Code. */
  readonly icGraph: (Graph | null)[];
  readonly icCode: (Code | null)[];
  /** The source location of the Apply each instruction comes from, by offset; read on errors only. */
  readonly locs: ReadonlyMap<number, Span | null>;
}

export interface GraphInfo {
  readonly analysis: Analysis;
  /** How many times each graph is referred to by a Constant (as an input or as an output). */
  readonly refs: ReadonlyMap<Graph, number>;
  /** Nodes that are some graph's output: a use that `analysis.users` does not list. */
  readonly outputs: ReadonlySet<Node>;
}

/** The Code of each graph a machine has run, and the one closure of each graph without free variables. */
export class Codes {
  private readonly infos = new WeakMap<Graph, GraphInfo>();
  private readonly codes = new WeakMap<Graph, Code>();
  private readonly closures = new WeakMap<Graph, Closure>();

  codeFor(graph: Graph): Code {
    let code = this.codes.get(graph);
    if (code === undefined) {
      code = linearize(graph, this.infoFor(graph), (g) => this.plainClosure(g));
      this.codes.set(graph, code);
    }
    return code;
  }

  /** The one function value of a graph without free variables (the caller knows it has none). */
  plainClosure(graph: Graph): Closure {
    let c = this.closures.get(graph);
    if (c === undefined) this.closures.set(graph, (c = new Closure(graph, [])));
    return c;
  }

  private infoFor(graph: Graph): GraphInfo {
    const known = this.infos.get(graph);
    if (known !== undefined) return known;
    const analysis = analyze([graph]);
    const outputs = new Set<Node>();
    for (const g of analysis.graphs) if (g.output !== null) outputs.add(g.output);
    const info: GraphInfo = { analysis, refs: countReferences(analysis), outputs };
    for (const g of analysis.graphs) if (!this.infos.has(g)) this.infos.set(g, info);
    return info;
  }
}

function countReferences(analysis: Analysis): Map<Graph, number> {
  const refs = new Map<Graph, number>();
  const note = (n: Node | null): void => {
    if (n !== null && isConstantGraph(n)) refs.set(n.value, (refs.get(n.value) ?? 0) + 1);
  };
  for (const g of analysis.graphs) {
    note(g.output);
    for (const a of analysis.applies.get(g) ?? []) for (const input of a.inputs) note(input);
  }
  return refs;
}
