// The REPL (SPEC §6). One TopScope carries what earlier inputs defined into the lowering of the
// next, and one Machine keeps the values of top-level bindings, so definitions persist. An input
// that ends mid-construct (an open `{`, `(`, a trailing operator) waits for more lines. Like
// Python, an input whose value is not `()` has that value shown, strings quoted.
//
// Prompts are shown only when stdin is a terminal: piped input (scripts, tests) gets exactly the
// program's output and the values of its inputs, one per line, with nothing interleaved.
import { createInterface } from "node:readline";
import { frontEnd, newSession } from "../index.js";
import { formatValue } from "../runtime/format-value.js";
import { emptyTopScope, type TopScope } from "../ir/lower/program.js";
import { printGraphs } from "../ir/print.js";
import { gradientGraph } from "../ad/gradient-graph.js";
import { Unit } from "../runtime/values.js";
import { parseProgram } from "../lang/parser.js";
import type { Machine } from "../vm/index.js";
import type { Session } from "../ad/session.js";
import type { CliOptions } from "./args.js";
import { newMachine } from "./commands.js";
import type { Output } from "./output.js";
import { describeError } from "./report.js";

const HELP = `Type Myx statements and expressions; an expression's value is shown unless it is ().
Definitions (def, let, var) persist. An unfinished input (open bracket, trailing operator)
continues on the next line; Ctrl-C discards it.
  :help        this help
  :ir NAME     print the IR of the def NAME
  :grad NAME   print the IR of NAME's gradient (unoptimized)
  :quit        leave (as does Ctrl-D)`;

/** The state of one session, separate from readline so that what it does to a line is plain. */
class ReplState {
  private lines: string[] = [];
  private scope: TopScope = emptyTopScope;
  /** Every input by its diagnostic name, so errors in functions defined earlier quote the right text. */
  private readonly sources = new Map<string, string>();
  private readonly machine: Machine;
  /** One compile session for every input: gradients of earlier defs are built once. */
  private readonly compiling: Session;

  constructor(
    private readonly options: CliOptions,
    private readonly out: Output,
  ) {
    this.compiling = newSession(options.optimize);
    this.machine = newMachine(options, out, ".", this.compiling);
  }

  get pending(): boolean {
    return this.lines.length > 0;
  }

  discard(): void {
    this.lines = [];
  }

  /** Takes one line; returns false when the session should end. */
  feed(line: string): boolean {
    if (!this.pending) {
      const command = line.trim();
      if (command === "") return true;
      if (command.startsWith(":")) return this.command(command);
    }
    this.lines.push(line);
    const source = this.lines.join("\n");
    if (parseProgram(source, "<repl>").incomplete) return true;
    this.evaluate();
    return true;
  }

  /** Runs what is buffered even if unfinished, so that end of input reports the error. */
  evaluate(): void {
    const source = this.lines.join("\n");
    this.lines = [];
    const file = `<repl:${this.sources.size + 1}>`;
    this.sources.set(file, source);
    try {
      const { module, scope } = frontEnd(source, { filename: file, repl: true, scope: this.scope, session: this.compiling });
      // Adopted before running: if the run fails halfway, what it defined still exists, as in Python.
      this.scope = scope;
      const value = this.machine.run(module.main, []);
      if (!(value instanceof Unit)) this.out.line(formatValue(value, true));
    } catch (e) {
      this.out.error(describeError(e, this.sources, file, this.options.debug));
    }
    this.out.flush();
  }

  private command(text: string): boolean {
    const [name, ...args] = text.split(/\s+/);
    switch (name) {
      case ":quit":
      case ":q":
      case ":exit":
        return false;
      case ":help":
        this.out.line(HELP);
        break;
      case ":ir":
        this.showIr(args, false);
        break;
      case ":grad":
        this.showIr(args, true);
        break;
      default:
        this.out.error(`unknown command '${name}' (type :help)`);
    }
    this.out.flush();
    return true;
  }

  private showIr(args: string[], gradient: boolean): void {
    if (args.length !== 1) return this.out.error(`usage: ${gradient ? ":grad" : ":ir"} NAME`);
    const graph = this.scope.defs.get(args[0]!);
    if (graph === undefined) {
      const known = [...this.scope.defs.keys()];
      return this.out.error(`no def named '${args[0]}'${known.length > 0 ? ` (defined: ${known.join(", ")})` : ""}`);
    }
    const shown = gradient ? gradientGraph(this.compiling, graph) : graph;
    if (gradient) this.compiling.optimizeUnit([shown], new Set([shown]));
    this.out.line(printGraphs(shown));
  }
}

export function startRepl(options: CliOptions, out: Output, version: string): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  const session = new ReplState(options, out);
  const rl = createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    terminal: interactive,
    crlfDelay: Infinity,
  });
  const prompt = (): void => {
    if (!interactive) return;
    rl.setPrompt(session.pending ? "...> " : "myx> ");
    rl.prompt();
  };
  if (interactive) out.line(`myx ${version} — :help for help, :quit or Ctrl-D to leave`);
  prompt();
  return new Promise((resolve) => {
    let quitting = false;
    rl.on("line", (line) => {
      if (quitting) return;
      if (session.feed(line)) return prompt();
      quitting = true;
      rl.close();
    });
    // Ctrl-C abandons the input being typed, as in Python; on an empty prompt it says how to leave.
    rl.on("SIGINT", () => {
      const hadInput = session.pending || rl.line.length > 0;
      session.discard();
      // Leave what was typed on screen, as shells do, and start afresh on the next line.
      out.line(hadInput ? "" : "\n(to leave, press Ctrl-D or type :quit)");
      rl.write(null, { ctrl: true, name: "u" });
      prompt();
    });
    rl.on("close", () => {
      if (!quitting && session.pending) session.evaluate();
      if (interactive) out.line("");
      out.flush();
      resolve(0);
    });
  });
}
