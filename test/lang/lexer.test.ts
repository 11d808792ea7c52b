import { describe, expect, it } from "vitest";
import { decodeString, lex } from "../../src/lang/lexer.js";

const tokens = (source: string) => lex(source, "t.myx").tokens.map((t) => `${t.tokenType.name}:${t.image}`);
const problems = (source: string) => lex(source, "t.myx").diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);

describe("numbers", () => {
  it("lexes integers, decimals and exponents", () => {
    expect(tokens("3 1.5 1e-3 2.5E+4 10e3")).toEqual(["Number:3", "Number:1.5", "Number:1e-3", "Number:2.5E+4", "Number:10e3"]);
    expect(problems("3 1.5 1e-3 2.5E+4 10e3")).toEqual([]);
  });

  it("stops before `..`, so `1..5` is a range", () => {
    expect(tokens("1..5")).toEqual(["Number:1", "DotDot:..", "Number:5"]);
    expect(tokens("0 .. n")).toEqual(["Number:0", "DotDot:..", "Ident:n"]);
  });

  it("rejects `.5` with a hint", () => {
    expect(problems("x = .5;")).toEqual(["1:5 '.5' is not a number: write '0.5'"]);
  });

  it("suggests indexing for `t.0`", () => {
    expect(problems("t.0")).toEqual(["1:2 '.0' is not a field name: index a tuple with t[0]"]);
  });

  it("rejects numbers glued to letters as one bad token", () => {
    expect(tokens("2x 1e")).toEqual(["Number:2x", "Number:1e"]);
    expect(problems("2x 1e")).toEqual(["1:1 malformed number '2x'", "1:4 malformed number '1e'"]);
  });
});

describe("strings", () => {
  it("decodes the four escapes", () => {
    expect(decodeString(String.raw`"a\"b\\c\nd\te"`)).toEqual({ value: 'a"b\\c\nd\te', error: null });
    expect(tokens(String.raw`"a\"b"`)).toEqual([String.raw`String:"a\"b"`]);
  });

  it("reports an unknown escape at its backslash", () => {
    expect(problems(String.raw`print("ab\q");`)).toEqual([String.raw`1:10 unknown escape '\q' in a string (use \" \\ \n or \t)`]);
  });

  it("reports an unterminated string at its opening quote", () => {
    const atEnd = lex('print("abc', "t.myx");
    expect(atEnd.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      `1:7 unterminated string: add the closing '"' on the same line`,
    ]);
    expect(atEnd.unterminatedAtEnd).toBe(atEnd.diagnostics[0]);
  });

  it("does not let a string span lines", () => {
    const broken = lex('x = "abc\ny = 1;', "t.myx");
    expect(broken.diagnostics.map((d) => `${d.line}:${d.col}`)).toEqual(["1:5"]);
    expect(broken.unterminatedAtEnd).toBeNull();
    expect(tokens('x = "abc\ny')).toEqual(["Ident:x", "Equals:=", 'String:"abc', "Ident:y"]);
  });

  it("ends a string with a trailing backslash as unterminated", () => {
    expect(problems('"abc\\')).toEqual([`1:1 unterminated string: add the closing '"' on the same line`]);
  });
});

describe("comments and whitespace", () => {
  it("skips both, keeping line and column right", () => {
    const result = lex("# a comment\n\t x # another\r\ny", "t.myx");
    expect(result.tokens.map((t) => `${t.image}@${t.startLine}:${t.startColumn}`)).toEqual(["x@2:3", "y@3:1"]);
  });
});

describe("keywords and identifiers", () => {
  it("recognizes every keyword", () => {
    expect(tokens("def let var if else while for in true false and or not")).toEqual([
      "Def:def", "Let:let", "Var:var", "If:if", "Else:else", "While:while", "For:for", "In:in",
      "True:true", "False:false", "And:and", "Or:or", "Not:not",
    ]);
  });

  it("keeps longer names that start with a keyword whole", () => {
    expect(tokens("define format android if_ nothing letter _x x1")).toEqual([
      "Ident:define", "Ident:format", "Ident:android", "Ident:if_", "Ident:nothing", "Ident:letter", "Ident:_x", "Ident:x1",
    ]);
  });
});

describe("operators and punctuation", () => {
  it("prefers the longest operator", () => {
    expect(tokens("** * == = != <= < >= > .. .")).toEqual([
      "StarStar:**", "Star:*", "EqEq:==", "Equals:=", "NotEq:!=", "LessEq:<=", "Less:<", "GreaterEq:>=", "Greater:>",
      "DotDot:..", "Dot:.",
    ]);
  });

  it("lexes `||` as two pipes (an empty lambda parameter list)", () => {
    expect(tokens("|| 42")).toEqual(["Pipe:|", "Pipe:|", "Number:42"]);
  });

  it("lexes the rest of the punctuation", () => {
    expect(tokens("( ) [ ] { } , ; : + - / % @ |").map((t) => t.split(":")[0])).toEqual([
      "LParen", "RParen", "LBracket", "RBracket", "LBrace", "RBrace", "Comma", "Semi", "Colon",
      "Plus", "Minus", "Slash", "Percent", "At", "Pipe",
    ]);
  });
});

describe("unexpected characters", () => {
  it("reports them with line and column and hints", () => {
    expect(problems("a $ b\n!x && y 'c'")).toEqual([
      "1:3 unexpected character '$'",
      "2:1 unexpected character '!': use 'not' for negation",
      "2:4 unexpected characters '&&': use 'and'",
      `2:9 unexpected character "'": strings use double quotes`,
      `2:11 unexpected character "'": strings use double quotes`,
    ]);
  });

  it("keeps a token in their place so parsing goes on", () => {
    expect(tokens("a $ b")).toEqual(["Ident:a", "Unknown:$", "Ident:b"]);
  });
});
