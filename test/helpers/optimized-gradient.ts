// The gradient graph of a def after the optimizer, for tests that look at what it made of it.
import { gradientGraph } from "../../src/ad/gradient-graph.js";
import { frontEnd } from "../../src/index.js";
import type { Graph } from "../../src/ir/graph.js";
import { optimize } from "../../src/opt/optimize.js";

/** The def `fn` of `source` (`f`) and its gradient graph (`g`) as the optimizer leaves it. */
export function optimizedGradient(source: string, fn: string): { f: Graph; g: Graph } {
  const { module, session } = frontEnd(source, { filename: "t.myx" });
  const f = module.defs.get(fn);
  if (f === undefined) throw new Error(`no def ${fn} in\n${source}`);
  const g = gradientGraph(session, f);
  optimize([g], new Set([g]), { session });
  return { f, g };
}
