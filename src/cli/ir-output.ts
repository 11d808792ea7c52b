// What `myx ir` prints for the graph it shows (the def, or its gradient with --grad): the counts
// of --stats, which win over --format since they describe the IR rather than draw it, or the IR
// in the chosen format: as text, Graphviz, JSON, or the JavaScript the JS backend compiles it to.
import type { Graph } from "../ir/graph.js";
import { printGraphs } from "../ir/print.js";
import { printDot } from "../ir/print-dot.js";
import { printJson } from "../ir/print-json.js";
import { jsListing } from "../js/listing.js";
import { Codes } from "../vm/code.js";
import type { CliOptions } from "./args.js";
import { irStats } from "./stats.js";

export function renderIr(shown: Graph, options: Pick<CliOptions, "format" | "stats">): string {
  if (options.stats) return JSON.stringify(irStats(shown));
  switch (options.format) {
    case "text":
      return printGraphs(shown);
    case "dot":
      return printDot(shown);
    case "json":
      return printJson(shown);
    case "js": {
      const codes = new Codes();
      return jsListing(shown, (g) => codes.codeFor(g));
    }
  }
}
