// The JavaScript the backend writes: its shape on a small function (golden), and its safety: no
// text of the program ever reaches the source, and the source names nothing but its own locals,
// the factory's tables and the runtime it is given — no JavaScript global.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, frontEnd, type Backend } from "../../src/index.js";
import { analyze } from "../../src/ir/manager.js";
import { emitFactory, literal, stringLiteral } from "../../src/js/emit.js";
import { jsListing } from "../../src/js/listing.js";
import { Codes } from "../../src/vm/code.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The factory source of every function of a program, as the backend would build them. */
function factories(source: string): string[] {
  const { module } = frontEnd(source, { filename: "t.myx" });
  const codes = new Codes();
  const graphs = analyze([module.main, ...module.defs.values()]).graphs;
  return graphs.map((g) => emitFactory(codes.codeFor(g)));
}

describe("the source of a function", () => {
  // The loop is a closure over n (the program's optimizer does not lift it): a call through an
  // inline cache, in tail position, so the loop's frame replaces the def's.
  it("is structured code over locals: a loop with an inlined if, and a call", () => {
    const { module } = frontEnd(`def count(n) { var i = 0; while i < n { i = i + 1; } i }`, { filename: "t.myx" });
    const codes = new Codes();
    expect(jsListing(module.defs.get("count")!, (g) => codes.codeFor(g))).toBe(`// 1: "count"
function factory(T, m, R) {
  "use strict";
  const { Closure, PrimError, EMPTY, UNIT, isArray, CODE, ADD, SUB, MUL, DIV, LT, LE, GT, GE, EQ, NE, NEG } = R;
  const g0 = T.G[0];
  let icg0 = null, icf0 = null;
  return function compiled(env, self, r0) {
    let at = 0, f, fn, t, r1;
    try {
      r1 = new Closure(g0, [r0]);
      at = 5;
      f = r1;
      if (!(f instanceof Closure)) return m.callOther(f, [0]);
      else {
        fn = icg0 === f.graph ? icf0 : (icf0 = m.link(f, 1), icg0 = f.graph, icf0);
        if (--m.stepsLeft < 0) m.checkpoint();
        at = -1;
        if (m.jsBytes > 523792) t = m.onVM(f, [0], true);
        else { m.jsBytes += 496; t = fn(f.env, f, 0); m.jsBytes -= 496; }
        return t;
      }
    } catch (e) {
      throw m.fault(e, CODE, at);
    }
  };
}

// 2: "count/while"
function factory(T, m, R) {
  "use strict";
  const { Closure, PrimError, EMPTY, UNIT, isArray, CODE, ADD, SUB, MUL, DIV, LT, LE, GT, GE, EQ, NE, NEG } = R;
  return function compiled(env, self, r0) {
    let at = 0, f, fn, t, r1 = env[0], r2, r4;
    try {
      top: for (;;) {
        if (typeof r0 === "number" && typeof r1 === "number" ? r0 < r1 : (at = 0, m.test(LT, r0, r1))) {
          r4 = typeof r0 === "number" ? r0 + 1 : (at = 4, m.made(ADD.impl([r0, 1], m)));
          at = 8; if (--m.stepsLeft < 0) m.checkpoint();
          r0 = r4;
          continue top;
        } else {
          return r0;
        }
      }
    } catch (e) {
      throw m.fault(e, CODE, at);
    }
  };
}`);
  });

  it("writes numbers and booleans as literals that read back the same", () => {
    for (const v of [0, -0, 1, -1.5, 1e21, 5e-324, -1e-7, Number.MAX_VALUE, Infinity, -Infinity, NaN, true, false]) {
      const text = literal(v)!;
      expect(text).toMatch(/^[-+.()/\w ]+$/);
      expect(Object.is(new Function(`return ${text};`)(), v)).toBe(true);
    }
    expect(literal("1")).toBeNull();
  });

  it("names in listings are string literals safe in a comment, in HTML and on one line", () => {
    for (const s of ['a"b', "a\\b", "</script>", "a\u2028b\u2029c", "x\ny", "*/"]) {
      const text = stringLiteral(s);
      expect(text).not.toMatch(/[\n\r\u2028\u2029<]/);
      expect(JSON.parse(text)).toBe(s);
    }
  });
});

/** Strings a program might hold that would break out of, or into, JavaScript source. */
const NASTY = ['q"q', "q'q", "q\\q", "`", "${1}", "</script>", "\u2028", "\u2029", "*/", "\\u0041", "globalThis", "process"];

describe("no text of the program reaches the source", () => {
  const escaped = (s: string): string => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  const strings = NASTY.map((s) => `"${escaped(s)}"`);
  const program = `def process(x) = (${strings.join(", ")}, x);
def globalThis(constructor) { let __proto__ = constructor; print(process(__proto__)); (${strings.join(", ")}) }
print(globalThis("</script>"));`;

  it("strings and names are read from tables, never written", () => {
    for (const source of factories(program)) {
      for (const s of NASTY) expect(source.includes(s), `${JSON.stringify(s)} in\n${source}`).toBe(false);
    }
  });

  it("they run, on both backends, as written", () => {
    const run = (backend: Backend) => compile(program, { backend }).run();
    const js = run("js");
    expect(js).toBe(run("vm"));
    expect(js).toContain("</script>");
    expect(js).toContain("\u2028");
  });
});

describe("the source names nothing outside itself", () => {
  /** Every name a factory may use: keywords, its locals, its tables, and the runtime given to it. */
  const ALLOWED =
    /^(?:use|strict|const|let|return|function|try|catch|throw|if|else|for|continue|new|typeof|instanceof|true|false|null|number|top|compiled|env|self|at|f|fn|t|e|m|T|R|K|P|G|M|plain|impl|graph|CODE|Closure|PrimError|EMPTY|UNIT|isArray|length|numbers|ADD|SUB|MUL|DIV|LT|LE|GT|GE|EQ|NE|NEG|stepsLeft|checkpoint|compiledFrames|frameLimit|depthError|jsBytes|onVM|made|callOther|link|fault|notBool|test|r\d+|[kpgscn]\d+|l\d+|icg\d+|icf\d+|e\d+)$/;

  const names = (source: string): string[] => source.replace(/"[^"]*"/g, " ").match(/[A-Za-z_$][\w$]*/g) ?? [];

  it("in every function of every example, each valid JavaScript", () => {
    const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".myx"));
    let seen = 0;
    for (const file of examples) {
      for (const source of factories(readFileSync(join(ROOT, "examples", file), "utf8"))) {
        seen++;
        expect(() => new Function("T", "m", "R", source), source).not.toThrow();
        for (const name of names(source)) expect(name, `in a function of ${file}:\n${source}`).toMatch(ALLOWED);
      }
    }
    expect(seen).toBeGreaterThan(50);
  });
});
