// Lowering straight from source, for the IR tests.
import { parseProgram } from "../../src/lang/parser.js";
import { lowerProgram, type LowerResult } from "../../src/ir/lower/program.js";

export function lowerSource(source: string, repl = false): LowerResult {
  const parsed = parseProgram(source, "test.myx");
  if (parsed.program === null) throw new Error(`parse failed: ${parsed.diagnostics.map((d) => d.message).join("; ")}`);
  return lowerProgram(parsed.program, { repl });
}

export function lowerModule(source: string) {
  const r = lowerSource(source);
  if (r.module === null) throw new Error(`lowering failed: ${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join("; ")}`);
  return r.module;
}
