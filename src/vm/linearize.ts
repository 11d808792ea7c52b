// A graph becomes a flat instruction array over frame slots (see interpreter.ts). Nodes are emitted in
// the IR's evaluation order — post-order from the output, the callee and then the arguments left
// to right — driven by an explicit work stack, because a program may hold expression chains 100k
// deep. An `if` whose branch graphs are referred to nowhere else is inlined as a conditional jump:
// the branches' nodes become slots of this frame and no closure is made for them.
import type { Span } from "../lang/ast.js";
import { isConstantGraph, isGraph, outputOf, type Apply, type Constant, type Graph, type Node } from "../ir/graph.js";
import type { Primitive } from "../prims/primitive.js";
import * as S from "../prims/scalar.js";
import { seq } from "../prims/structural.js";
import { branchCall } from "../ir/match.js";
import { Closure, isPrimitive } from "../runtime/values.js";
import { Assembler } from "./assembler.js";
import type { Code, GraphInfo } from "./code.js";
import { arityMessage } from "../runtime/check.js";
import { Op } from "./interpreter.js";

const FAST_BINARY = new Map<Primitive, Op>([
  [S.add, Op.Add], [S.sub, Op.Sub], [S.mul, Op.Mul], [S.div, Op.Div],
  [S.lt, Op.Lt], [S.le, Op.Le], [S.gt, Op.Gt], [S.ge, Op.Ge], [S.eq, Op.Eq], [S.ne, Op.Ne],
]);

/** `plainClosure` gives the one function value of a graph without free variables (see Codes). */
export function linearize(graph: Graph, info: GraphInfo, plainClosure: (g: Graph) => Closure): Code {
  return new Linearizer(graph, info, plainClosure).run();
}

/** How an Apply is compiled, decided once per node. */
type Shape =
  | { readonly kind: "branch"; readonly cond: Node; readonly yes: Graph; readonly no: Graph; readonly loc: Span | null }
  | { readonly kind: "seq" }
  | { readonly kind: "prim"; readonly prim: Primitive }
  | { readonly kind: "known"; readonly graph: Graph }
  | { readonly kind: "call" };

/** The frame graph's body, or an inlined branch: code whose value is `output`. */
interface Region {
  readonly graph: Graph;
  readonly output: Node;
  /** Its value is the frame's result: calls that end it reuse the frame. */
  readonly tail: boolean;
  /** Already ended by a RETURN or a tail call. */
  returned: boolean;
  /** Slots from here on were allocated inside the region and mean nothing after it. */
  firstSlot: number;
  /** Closures made inside: another region cannot rely on them having been made. */
  readonly closures: Constant[];
}

/** An inlined `if` being emitted. */
interface Site {
  readonly node: Apply;
  readonly outer: Region;
  readonly tail: boolean;
  readonly dst: number;
  /** Where the offset of the else branch goes, once known. */
  readonly elseAt: number;
  jumpPc: number;
}

type Task =
  | { readonly kind: "visit"; readonly node: Node }
  | { readonly kind: "post"; readonly node: Apply | Constant }
  | { readonly kind: "enter"; readonly region: Region }
  | { readonly kind: "leave"; readonly region: Region; readonly site: Site | null; readonly first: boolean }
  | { readonly kind: "else" | "merge"; readonly site: Site };

class Linearizer {
  private readonly asm: Assembler;
  private readonly slotOf = new Map<Node, number>();
  private readonly entered = new Set<Node>();
  private readonly shapes = new Map<Apply, Shape>();
  /** The frame graph and the branches being inlined: none of them may be inlined again. */
  private readonly frameGraphs = new Set<Graph>();
  private readonly regions: Region[] = [];
  private readonly tasks: Task[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly info: GraphInfo,
    private readonly plainClosure: (g: Graph) => Closure,
  ) {
    graph.parameters.forEach((p, i) => this.slotOf.set(p, i));
    const env = this.fv(graph);
    env.forEach((n, k) => this.slotOf.set(n, graph.parameters.length + k));
    this.asm = new Assembler(graph.parameters.length + env.length);
    this.frameGraphs.add(graph);
  }

  run(): Code {
    const top = this.newRegion(this.graph, true);
    this.tasks.push({ kind: "leave", region: top, site: null, first: false }, { kind: "visit", node: top.output }, { kind: "enter", region: top });
    while (this.tasks.length > 0) {
      const t = this.tasks.pop()!;
      switch (t.kind) {
        case "visit":
          this.visit(t.node);
          break;
        case "post":
          this.post(t.node);
          break;
        case "enter":
          t.region.firstSlot = this.asm.slots;
          this.frameGraphs.add(t.region.graph);
          this.regions.push(t.region);
          break;
        case "leave":
          this.leave(t.region, t.site, t.first);
          break;
        case "else":
          this.asm.patch(t.site.elseAt, this.asm.label());
          break;
        case "merge":
          this.merge(t.site);
          break;
      }
    }
    return this.asm.finish(this.graph, this.fv(this.graph).length);
  }

  private visit(node: Node): void {
    if (this.slotOf.has(node)) return;
    if (this.entered.has(node)) throw new Error(`${describe(node)} depends on itself`);
    if (node.kind === "constant") {
      const v = node.value;
      if (!isGraph(v)) this.slotOf.set(node, this.asm.constant(v));
      else if (this.fv(v).length === 0) this.slotOf.set(node, this.asm.constant(this.plainClosure(v)));
      else if (v === this.graph) this.slotOf.set(node, this.asm.self());
      else this.expand(node, this.fv(v));
      return;
    }
    // Nodes of enclosing graphs are computed before a branch is entered; meeting one here is a bug.
    if (node.kind === "parameter" || node.graph !== this.region().graph) {
      throw new Error(`${describe(node)} is not available in ${this.graph.name}`);
    }
    const s = this.shape(node);
    // A branch's captured values are computed before the jump, as making its closure would.
    if (s.kind === "branch") this.expand(node, [s.cond, ...this.fv(s.yes), ...this.fv(s.no)]);
    else this.expand(node, s.kind === "call" ? node.inputs : node.inputs.slice(1));
  }

  private expand(node: Apply | Constant, deps: readonly Node[]): void {
    this.entered.add(node);
    this.tasks.push({ kind: "post", node });
    for (let i = deps.length - 1; i >= 0; i--) this.tasks.push({ kind: "visit", node: deps[i]! });
  }

  private post(node: Apply | Constant): void {
    if (node.kind === "constant") {
      if (!isConstantGraph(node)) throw new Error(`${describe(node)} is not a closure`);
      const fvs = this.fv(node.value);
      const dst = this.asm.newSlot();
      this.asm.emit(node.loc, [Op.Closure, dst, this.asm.graph(node.value), fvs.length, ...fvs.map((n) => this.operand(n))], true);
      this.slotOf.set(node, dst);
      this.region().closures.push(node);
      return;
    }
    const s = this.shape(node);
    switch (s.kind) {
      case "branch":
        return this.emitBranch(node, s);
      case "seq":
        // Free: `seq(a…, b)` is b, and the a's have been emitted before it. (b may have been a tail call.)
        this.slotOf.set(node, this.region().returned ? -1 : this.operand(node.inputs[node.inputs.length - 1]!));
        return;
      case "prim":
        return this.emitPrim(node, s.prim);
      default:
        return this.emitCall(node, s);
    }
  }

  private emitPrim(a: Apply, prim: Primitive): void {
    const args = a.inputs.slice(1).map((n) => this.operand(n));
    const dst = this.asm.newSlot();
    const fast = args.length === 2 ? FAST_BINARY.get(prim) : args.length === 1 && prim === S.neg ? Op.Neg : undefined;
    if (fast !== undefined) {
      this.asm.emit(a.loc, [fast, dst, ...args], true);
    } else if (args.length < prim.minArgs || args.length > prim.maxArgs) {
      this.asm.emit(a.loc, [Op.Fail, this.asm.message(arityMessage(prim.name, prim.minArgs, prim.maxArgs, args.length))], false);
    } else {
      this.asm.emit(a.loc, [Op.Prim, dst, this.asm.prim(prim), args.length, ...args], true);
    }
    this.slotOf.set(a, dst);
  }

  private emitCall(a: Apply, s: Shape & { kind: "known" | "call" }): void {
    const tail = this.isTail(a);
    let args = a.inputs.slice(1).map((n) => this.operand(n));
    let op: Op;
    let f = 0;
    if (s.kind === "call") {
      op = tail ? Op.TailCall : Op.Call;
      f = this.operand(a.inputs[0]!);
    } else if (s.graph === this.graph) {
      op = tail ? Op.SelfTail : Op.SelfCall;
      if (tail) args = this.unclobber(args, a.loc);
    } else {
      op = tail ? Op.TailKnown : Op.CallKnown;
      f = this.asm.graph(s.graph);
    }
    const dst = tail ? 0 : this.asm.newSlot();
    this.asm.emit(a.loc, [op, dst, f, args.length, s.kind === "call" ? this.asm.inlineCache() : 0, ...args], !tail);
    this.slotOf.set(a, tail ? -1 : dst);
    if (tail) this.region().returned = true;
  }

  /** SELF_TAIL writes parameter j in order; an argument reading an earlier parameter is saved first. */
  private unclobber(args: number[], loc: Span | null): number[] {
    return args.map((slot, j) => {
      if (slot >= j) return slot;
      const saved = this.asm.newSlot();
      this.asm.emit(loc, [Op.Move, saved, slot], true);
      return saved;
    });
  }

  private emitBranch(a: Apply, s: Shape & { kind: "branch" }): void {
    const tail = this.isTail(a);
    const dst = tail ? -1 : this.asm.newSlot();
    const site: Site = { node: a, outer: this.region(), tail, dst, elseAt: this.emitTest(s.cond, s.loc), jumpPc: -1 };
    const yes = this.newRegion(s.yes, tail);
    const no = this.newRegion(s.no, tail);
    this.tasks.push(
      { kind: "merge", site },
      { kind: "leave", region: no, site, first: false },
      { kind: "visit", node: no.output },
      { kind: "enter", region: no },
      { kind: "else", site },
      { kind: "leave", region: yes, site, first: true },
      { kind: "visit", node: yes.output },
      { kind: "enter", region: yes },
    );
  }

  /** Emits the conditional jump of an `if` on `cond`; returns where its target goes. */
  private emitTest(cond: Node, loc: Span | null): number {
    const c = this.operand(cond);
    if (cond.kind === "apply" && this.shape(cond).kind === "prim" && this.uses(cond) === 1) {
      const fused = this.asm.fuseTest(c);
      if (fused >= 0) return fused;
    }
    return this.asm.emit(loc, [Op.BranchFalse, c, -1], false) + 2;
  }

  private leave(r: Region, site: Site | null, first: boolean): void {
    if (site === null || site.tail) {
      if (!r.returned) this.asm.emit(null, [Op.Return, this.operand(r.output)], false);
    } else {
      const out = this.operand(r.output);
      if (!this.asm.retarget(out, site.dst, r.firstSlot)) this.asm.emit(null, [Op.Move, site.dst, out], true);
      if (first) site.jumpPc = this.asm.emit(null, [Op.Jump, -1], false);
    }
    this.regions.pop();
    for (const c of r.closures) {
      this.slotOf.delete(c);
      this.entered.delete(c);
    }
    if (site !== null) this.frameGraphs.delete(r.graph);
  }

  private merge(site: Site): void {
    if (site.tail) {
      site.outer.returned = true;
      this.slotOf.set(site.node, -1);
      return;
    }
    this.asm.patch(site.jumpPc + 1, this.asm.label());
    this.slotOf.set(site.node, site.dst);
  }

  /** Whether `n`, emitted now, ends its region: it is the output, or the last operand of `seq`s that are. */
  private isTail(n: Apply): boolean {
    const r = this.region();
    if (!r.tail) return false;
    let m: Node = r.output;
    while (m !== n) {
      if (m.kind !== "apply" || m.graph !== r.graph || this.shape(m).kind !== "seq") return false;
      const last = m.inputs.length - 1;
      if (!m.inputs.slice(1, last).every((e) => this.slotOf.has(e))) return false;
      m = m.inputs[last]!;
    }
    return true;
  }

  private shape(n: Apply): Shape {
    let s = this.shapes.get(n);
    if (s === undefined) this.shapes.set(n, (s = this.classify(n)));
    return s;
  }

  private classify(n: Apply): Shape {
    const branch = this.branchShape(n);
    if (branch !== null) return branch;
    const callee = n.inputs[0]!;
    if (callee.kind === "constant") {
      const v = callee.value;
      if (isGraph(v)) {
        const known = v.parameters.length === n.inputs.length - 1 && (v === this.graph || this.fv(v).length === 0);
        if (known) return { kind: "known", graph: v };
      } else if (isPrimitive(v)) {
        return v === seq && n.inputs.length >= 2 ? { kind: "seq" } : { kind: "prim", prim: v };
      }
    }
    return { kind: "call" };
  }

  /** `switch(c, Const(A), Const(B))()` where A and B are nullary and this is their only use. */
  private branchShape(n: Apply): Shape | null {
    const branch = branchCall(n);
    if (branch === null || branch.choice.graph !== n.graph || this.uses(branch.choice) !== 1) return null;
    const [, , yes, no] = branch.choice.inputs as [Node, Node, Node, Node];
    if (!this.inlinable(yes) || !this.inlinable(no) || yes.value === no.value) return null;
    return { kind: "branch", cond: branch.cond, yes: yes.value, no: no.value, loc: branch.choice.loc ?? n.loc };
  }

  private inlinable(c: Node): c is Constant & { value: Graph } {
    return (
      isConstantGraph(c) &&
      c.value.parameters.length === 0 &&
      c.value.output !== null &&
      this.uses(c) === 1 &&
      this.info.refs.get(c.value) === 1 &&
      !this.frameGraphs.has(c.value)
    );
  }

  /** Uses by Applies and as a graph's output. */
  private uses(n: Node): number {
    return (this.info.analysis.users.get(n)?.length ?? 0) + (this.info.outputs.has(n) ? 1 : 0);
  }

  private fv(g: Graph): readonly Node[] {
    const fvs = this.info.analysis.freeVariables.get(g);
    if (fvs === undefined) throw new Error(`graph ${g.name} is missing from the analysis of ${this.graph.name}`);
    return fvs;
  }

  private region(): Region {
    return this.regions[this.regions.length - 1]!;
  }

  private newRegion(graph: Graph, tail: boolean): Region {
    return { graph, output: outputOf(graph), tail, returned: false, firstSlot: 0, closures: [] };
  }

  private operand(n: Node): number {
    const slot = this.slotOf.get(n);
    if (slot === undefined || slot < 0) throw new Error(`${describe(n)} is used before it is computed in ${this.graph.name}`);
    return slot;
  }
}

function describe(n: Node): string {
  return n.kind === "constant" ? `constant #${n.id}` : `${n.kind} #${n.id} of ${n.graph.name}`;
}
