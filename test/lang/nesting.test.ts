// Deeply nested input must parse or give one clean diagnostic; the parser never throws.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allTokens } from "../../src/lang/lexer.js";
import { MAX_NESTING } from "../../src/lang/nesting.js";
import { parseProgram } from "../../src/lang/parser.js";

const shapes: Record<string, (n: number) => string> = {
  parentheses: (n) => "(".repeat(n) + "1" + ")".repeat(n),
  arrays: (n) => "[".repeat(n) + "1" + "]".repeat(n),
  calls: (n) => "f(".repeat(n) + "1" + ")".repeat(n),
  indexes: (n) => "a[".repeat(n) + "0" + "]".repeat(n),
  records: (n) => "{a: ".repeat(n) + "1" + "}".repeat(n),
  "ifs in ifs": (n) => "if c { ".repeat(n) + "1" + " }".repeat(n),
  "lets of ifs": (n) => "let y = if c { ".repeat(n) + "1" + " };".repeat(n),
  "lambda blocks": (n) => "|x| { ".repeat(n) + "x" + " }".repeat(n),
  patterns: (n) => "let " + "(".repeat(n) + "a" + ",)".repeat(n) + " = t;",
  negations: (n) => "-".repeat(n) + "x",
  nots: (n) => "not ".repeat(n) + "x",
  lambdas: (n) => "|x| ".repeat(n) + "x",
  "if conditions": (n) => "if ".repeat(n) + "c" + " { 1 }".repeat(n),
};

describe.each(Object.entries(shapes))("nesting %s", (_, make) => {
  it(`parses ${MAX_NESTING} levels`, () => {
    expect(parseProgram(make(MAX_NESTING), "t.myx").diagnostics).toEqual([]);
  });

  it("refuses one level more with one located diagnostic", () => {
    const result = parseProgram(make(MAX_NESTING + 1), "t.myx");
    expect(result.program).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]!.message).toMatch(/^nesting too deep: more than 128 /);
    expect(result.diagnostics[0]!.span).not.toBeNull();
  });

  it("survives 20000 levels", () => {
    const result = parseProgram(make(20000), "t.myx");
    expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^nesting too deep/)]);
    expect(result.incomplete).toBe(false);
  });
});

describe("the stack backstop", () => {
  // However well the pre-scan counts, the parser recurses. Run with a tiny stack (in a child
  // process, so the limit is exact), it must still return a diagnostic rather than throw.
  it("turns a stack overflow inside the parser into a diagnostic", () => {
    const parser = new URL("../../src/lang/parser.ts", import.meta.url).href;
    const script = `
      const { parseProgram } = await import(${JSON.stringify(parser)});
      const result = parseProgram("f(".repeat(${MAX_NESTING}) + "1" + ")".repeat(${MAX_NESTING}), "t.myx");
      console.log(JSON.stringify(result.diagnostics.map((d) => d.message)));
    `;
    const output = execFileSync(process.execPath, ["--stack-size=120", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      encoding: "utf8",
    });
    expect(JSON.parse(output)).toEqual(["nesting too deep: the parser ran out of stack"]);
  });
});

describe("any input", () => {
  const fragments = [
    "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "..", "=", "==", "<", "+", "-", "*", "**", "@", "|",
    "not", "and", "or", "if", "else", "let", "var", "def", "while", "for", "in", "true",
    "x", "f", "1", "2.5", '"s"', "\n", "$", ".5", '"open', "# c\n",
  ];
  const tokenNames = new RegExp(`\\b(${allTokens.map((t) => t.name).join("|")}|Expecting|EOF)\\b`);

  it("never throws, and gives a program exactly when there are no diagnostics", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), (parts) => {
        const result = parseProgram(parts.join(" "), "t.myx");
        expect(result.program === null).toBe(result.diagnostics.length > 0);
        for (const d of result.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(tokenNames);
        }
      }),
      { numRuns: 500 },
    );
  });
});
