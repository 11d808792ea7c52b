// Small wrappers so each test states input and expected tree or errors in one line.
import { expect } from "vitest";
import { parseProgram } from "../../src/lang/parser.js";
import { printExpr, printProgram } from "../../src/lang/print-ast.js";

/** The S-expression of a program that must parse without errors. */
export function tree(source: string): string {
  const { program, diagnostics } = parseProgram(source, "test.myx");
  if (program === null) throw new Error(`unexpected errors in ${JSON.stringify(source)}:\n${errors(source).join("\n")}`);
  expect(diagnostics).toEqual([]);
  return printProgram(program);
}

/** The S-expression of a lone expression (a program that is only its trailing result). */
export function expr(source: string): string {
  const { program } = parseProgram(source, "test.myx");
  if (program === null || program.result === null || program.items.length > 0) {
    throw new Error(`${JSON.stringify(source)} is not a single expression: ${errors(source).join("; ")}`);
  }
  return printExpr(program.result);
}

/** Every diagnostic as `line:col message`. */
export function errors(source: string): string[] {
  return parseProgram(source, "test.myx").diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);
}
