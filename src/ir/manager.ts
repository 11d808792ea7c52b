// The one analysis of a set of graphs that passes and the VM ask instead of recomputing ad hoc:
// which graphs are reachable, which nodes each owns, who uses each node, each graph's free
// variables (transitively through the graphs it refers to) and how graphs nest. It is a pure
// function of the graphs, cheap enough to recompute after a pass, and iterative throughout so a
// deep program cannot overflow the JavaScript stack.
import { isConstantGraph, isGraph, type Apply, type Graph, type Node } from "./graph.js";

export interface Use {
  readonly user: Apply;
  readonly index: number;
}

export interface Analysis {
  /** Every graph reachable from the roots through graph constants, roots first. */
  readonly graphs: readonly Graph[];
  /** The Apply nodes each graph owns, in discovery order. */
  readonly applies: ReadonlyMap<Graph, readonly Apply[]>;
  /**
   * The uses of each parameter, Apply and graph constant. A constant of any other value (a
   * primitive, a number) is never replaced and nothing asks who uses it: most inputs are those,
   * and recording them would double the work of every round.
   */
  readonly users: ReadonlyMap<Node, readonly Use[]>;
  /** Graphs referred to by a constant inside each graph's own applies or output. */
  readonly graphConstants: ReadonlyMap<Graph, readonly Graph[]>;
  /** Nodes of other graphs a graph needs in order to run, including those of graphs it refers to; sorted by id. */
  readonly freeVariables: ReadonlyMap<Graph, readonly Node[]>;
  /** The innermost graph whose nodes this one uses; null for a graph that closes over nothing. */
  readonly parent: ReadonlyMap<Graph, Graph | null>;
  readonly children: ReadonlyMap<Graph, readonly Graph[]>;
}

/** Graphs an earlier analysis walked and that have not changed since: their facts are copied, not recomputed. */
export interface Sealed {
  readonly graphs: ReadonlySet<Graph>;
  readonly from: Analysis;
}

/**
 * With `sealed`, the sealed graphs' applies, graph constants and free variables come from the
 * earlier analysis, and the users of their nodes are not recorded (the optimizer, for graphs it
 * does not own, which nothing changes while it runs).
 */
export function analyze(roots: readonly Graph[], sealed?: Sealed): Analysis {
  const graphs: Graph[] = [];
  const seenGraphs = new Set<Graph>();
  const applies = new Map<Graph, Apply[]>();
  const users = new Map<Node, Use[]>();
  const graphConstants = new Map<Graph, Graph[]>();
  const direct = new Map<Graph, Set<Node>>();
  const seenNodes = new Set<Node>();

  const addGraph = (g: Graph): void => {
    if (seenGraphs.has(g)) return;
    seenGraphs.add(g);
    graphs.push(g);
    applies.set(g, []);
    graphConstants.set(g, []);
    direct.set(g, new Set());
  };
  // Uses are recorded against the graph that owns the using Apply (or whose output it is).
  const noteUse = (owner: Graph, n: Node): void => {
    if (n.kind === "constant") {
      if (isConstantGraph(n)) {
        addGraph(n.value);
        const consts = graphConstants.get(owner)!;
        if (!consts.includes(n.value)) consts.push(n.value);
      }
    } else if (n.graph !== owner) {
      direct.get(owner)!.add(n);
    }
  };

  for (const r of roots) addGraph(r);
  const stack: Node[] = [];
  for (let gi = 0; gi < graphs.length; gi++) {
    const g = graphs[gi]!;
    if (g.output === null) continue;
    if (sealed?.graphs.has(g)) {
      applies.set(g, [...(sealed.from.applies.get(g) ?? [])]);
      for (const h of sealed.from.graphConstants.get(g) ?? []) {
        addGraph(h);
        graphConstants.get(g)!.push(h);
      }
      for (const n of sealed.from.freeVariables.get(g) ?? []) direct.get(g)!.add(n);
      continue;
    }
    const own = applies.get(g)!;
    noteUse(g, g.output);
    stack.push(g.output);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.kind !== "apply") {
        if (n.kind === "parameter") addGraph(n.graph);
        continue;
      }
      if (seenNodes.has(n)) continue;
      seenNodes.add(n);
      // Most applies are the walked graph's own; a free variable's graph may be new.
      if (n.graph === g) own.push(n);
      else {
        addGraph(n.graph);
        applies.get(n.graph)!.push(n);
      }
      for (let index = 0; index < n.inputs.length; index++) {
        const input = n.inputs[index]!;
        if (input.kind !== "constant" || isGraph(input.value)) {
          // Most nodes have one user: an array made with it holds one slot, one made empty and
          // pushed to holds seventeen.
          const list = users.get(input);
          if (list === undefined) users.set(input, [{ user: n, index }]);
          else list.push({ user: n, index });
        }
        noteUse(n.graph, input);
        if (input.kind === "apply" && !seenNodes.has(input)) stack.push(input);
      }
    }
  }

  const freeVariables = closeFreeVariables(graphs, direct, graphConstants);
  const { parent, children } = nesting(graphs, freeVariables);
  return { graphs, applies, users, graphConstants, freeVariables, parent, children };
}

/** fv(H) = direct(H) ∪ (fv(G) minus H's own nodes, for each G that H refers to); to a fixed point, for recursion. */
function closeFreeVariables(
  graphs: readonly Graph[],
  direct: Map<Graph, Set<Node>>,
  graphConstants: ReadonlyMap<Graph, readonly Graph[]>,
): Map<Graph, Node[]> {
  // The direct sets grow into the totals: the analysis needs them no more.
  const total = new Map<Graph, Set<Node>>();
  for (const g of graphs) total.set(g, direct.get(g)!);
  let changed = true;
  // Graphs are found from the roots down: the other way, what a graph needs is mostly known
  // before the graphs that refer to it ask, and one more pass finds nothing new.
  while (changed) {
    changed = false;
    for (let i = graphs.length - 1; i >= 0; i--) {
      const h = graphs[i]!;
      const mine = total.get(h)!;
      for (const g of graphConstants.get(h)!) {
        for (const n of total.get(g)!) {
          if (n.kind !== "constant" && n.graph !== h && !mine.has(n)) {
            mine.add(n);
            changed = true;
          }
        }
      }
    }
  }
  const result = new Map<Graph, Node[]>();
  for (const [g, set] of total) result.set(g, sortedById(set));
  return result;
}

/**
 * The nodes of a set in id order. Most sets are tiny: sorted by insertion, as Array.prototype.sort
 * allocates a work copy on every call.
 */
function sortedById(set: ReadonlySet<Node>): Node[] {
  const nodes = [...set];
  if (nodes.length > 16) return nodes.sort((a, b) => a.id - b.id);
  for (let i = 1; i < nodes.length; i++) {
    const n = nodes[i]!;
    let j = i - 1;
    for (; j >= 0 && nodes[j]!.id > n.id; j--) nodes[j + 1] = nodes[j]!;
    nodes[j + 1] = n;
  }
  return nodes;
}

/** The owners of a graph's free variables form a chain of enclosing graphs; the parent is the deepest. */
function nesting(graphs: readonly Graph[], fvs: ReadonlyMap<Graph, readonly Node[]>) {
  const parent = new Map<Graph, Graph | null>();
  const depth = new Map<Graph, number>();
  const visiting = new Set<Graph>();
  const depthOf = (g: Graph): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    if (visiting.has(g)) throw new Error(`internal: graph ${g.name} encloses itself`);
    visiting.add(g);
    let best: Graph | null = null;
    let bestDepth = -1;
    // Free variables come sorted by id, so often in runs of one graph: each graph is asked once per run.
    let last: Graph | null = null;
    for (const n of fvs.get(g) ?? []) {
      if (n.kind === "constant" || n.graph === last) continue;
      last = n.graph;
      const d = depthOf(n.graph);
      if (d > bestDepth) {
        best = n.graph;
        bestDepth = d;
      }
    }
    visiting.delete(g);
    parent.set(g, best);
    depth.set(g, bestDepth + 1);
    return bestDepth + 1;
  };
  for (const g of graphs) depthOf(g);
  const children = new Map<Graph, Graph[]>();
  for (const g of graphs) children.set(g, []);
  for (const g of graphs) {
    const p = parent.get(g);
    if (p) children.get(p)?.push(g);
  }
  return { parent, children };
}
