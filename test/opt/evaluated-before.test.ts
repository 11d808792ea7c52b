// evaluatedBefore keeps one walk per graph for the round and, when the Rewriter replaces a node
// it walked, goes back to where it entered that node instead of walking from the output again
// (effects.ts). Its answers must be those of a walk of the graph as it is now: checked against a
// plain recursive walk at every Apply of lowered and J-built code, while the test replaces nodes
// as a round would (in evaluation order, each Apply where it is asked), by nodes it already had
// and by new ones.
import { describe, expect, it } from "vitest";
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { Session } from "../../src/ad/session.js";
import { apply, type Apply, type Graph, type Node } from "../../src/ir/graph.js";
import { Captures } from "../../src/ir/captures.js";
import { analyze, type Analysis } from "../../src/ir/manager.js";
import { evaluationOrder } from "../../src/ir/order.js";
import * as D from "../../src/prims/sensitivity.js";
import { capturedBy, evaluatedBefore } from "../../src/opt/effects.js";
import { Round } from "../../src/opt/round.js";
import { primOf } from "../../src/ir/match.js";
import { Rewriter } from "../../src/opt/rewriter.js";
import { random } from "../helpers/random.js";
import { lowerModule } from "../ir/helpers.js";

const source = `
def affine(a, b) = |x| a * x + b;
def f(x, y) {
  let p = {u: x, v: -y};
  let t = (x, y * 1, sin(x));
  var s = 0;
  for i in 0..3 { s = s + affine(x, 2)(t[1]) / 1; }
  let g = |z| z * p.u + t[2];
  if x > 0 { g(p.v) - 0 + s } else { -(-x) * g(y) }
}
`;

/**
 * The Applies evaluated before `at`, by the rule evaluatedBefore states, as a recursive walk from
 * the output; null if `at` is not reached.
 */
function reference(at: Apply, analysis: Analysis): Set<Apply> | null {
  const graph = at.graph;
  const finished: Node[] = [];
  const seen = new Set<Node>();
  let closures = 0;
  let capturing = 0;
  let found: Set<Apply> | null = null;
  const visit = (n: Node): boolean => {
    if (n === at) {
      const cut = closures === 0 ? finished.length : capturing;
      found = new Set(finished.slice(0, cut).filter((m): m is Apply => m.kind === "apply"));
      return true;
    }
    if (seen.has(n)) return false;
    seen.add(n);
    const p = n.kind === "apply" ? primOf(n.inputs[0]!) : null;
    const first = n.kind === "apply" && n.graph === graph ? (p === D.zerosLikePrim || p === D.envSet ? [] : n.inputs) : capturedBy(n, graph, analysis);
    if (first === null) return false;
    const closure = n.kind === "constant";
    if (closure && closures++ === 0) capturing = finished.length;
    for (const d of first) if (visit(d)) return true;
    if (closure) closures--;
    finished.push(n);
    return false;
  };
  if (graph.output !== null) visit(graph.output);
  return found;
}

/** The graph's Applies as they are now, and those the analysis knew. */
function appliesOf(g: Graph, analysis: Analysis): Set<Apply> {
  const all = new Set<Apply>(analysis.applies.get(g) ?? []);
  const stack: Node[] = g.output === null ? [] : [g.output];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind !== "apply" || n.graph !== g || all.has(n)) continue;
    all.add(n);
    stack.push(...n.inputs);
  }
  return all;
}

/**
 * Goes through every graph in evaluation order (or `shuffled`), asking at half the Applies and comparing, and
 * replacing some (replaceSome). Returns how many answers were compared and how many nodes replaced.
 */
function check(roots: readonly Graph[], seed: number, shuffled = false): { asked: number; replaced: number } {
  const analysis = analyze(roots);
  const round = new Round(analysis, false);
  const rw = new Rewriter(round, new Captures());
  const next = random(seed);
  let asked = 0;
  let replaced = 0;
  for (const g of analysis.graphs) {
    const order = evaluationOrder(g, analysis);
    if (shuffled) order.sort(() => next() - 0.5);
    for (const a of order) {
      if (rw.current(a) !== a) continue;
      // A round asks at some Applies only, and replaces others without asking: the walk is then
      // elsewhere, maybe past the user of the node replaced.
      if (next() < 0.5) {
        replaced += replaceSome(a, g, rw, next);
        continue;
      }
      const answer = evaluatedBefore(a, round);
      const expected = reference(a, analysis);
      for (const m of appliesOf(g, analysis)) {
        if (answer.has(m) !== (expected?.has(m) ?? false)) throw new Error(`evaluatedBefore(${a.id}) on ${m.id}: ${answer.has(m)}, walked anew ${!answer.has(m)}`);
      }
      asked++;
      replaced += replaceSome(a, g, rw, next);
    }
  }
  return { asked, replaced };
}

/** One time in three, replaces `a`: by one of its inputs of the same graph, or by a new Apply of its inputs backwards. */
function replaceSome(a: Apply, g: Graph, rw: Rewriter, next: () => number): number {
  const r = next();
  if (r > 1 / 3) return 0;
  const own = a.inputs.filter((n): n is Apply => n.kind === "apply" && n.graph === g);
  if (r < 1 / 6 && own.length > 0) rw.replace(a, own[Math.floor(next() * own.length)]!);
  else {
    const made = apply(g, [a.inputs[0]!, ...a.inputs.slice(1).reverse()], a.loc);
    rw.track(made);
    rw.replace(a, made);
  }
  return 1;
}

describe("evaluatedBefore across replacements", () => {
  it("answers as a fresh walk would in a program as lowered", () => {
    for (let seed = 21; seed <= 40; seed++) {
      const { asked, replaced } = check([...lowerModule(source).defs.values()], seed);
      expect(asked).toBeGreaterThan(10);
      expect(replaced).toBeGreaterThan(3);
    }
  });

  it("answers as a fresh walk would in the gradient J builds", () => {
    // J's units as built, with their seqs, structures and closures.
    for (let seed = 21; seed <= 40; seed++) {
      const { asked, replaced } = check([gradientGraph(new Session(null), lowerModule(source).defs.get("f")!)], seed);
      expect(asked).toBeGreaterThan(50);
      expect(replaced).toBeGreaterThan(20);
    }
  });

  it("answers as a fresh walk would when asked in any order", () => {
    for (let seed = 21; seed <= 40; seed++) {
      const { asked, replaced } = check([gradientGraph(new Session(null), lowerModule(source).defs.get("f")!)], seed, true);
      expect(asked).toBeGreaterThan(50);
      expect(replaced).toBeGreaterThan(20);
    }
  });
});
