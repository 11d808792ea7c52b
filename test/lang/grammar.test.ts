// The parser Myx starts with skips Chevrotain's checks of the grammar and of the token
// definitions, which cost a good part of starting up: they run here instead, on the same
// definitions, so that a change that breaks them fails the tests rather than going unnoticed.
import { Lexer } from "chevrotain";
import { describe, expect, it } from "vitest";
import { MyxGrammar } from "../../src/lang/grammar.js";
import { allTokens, LEXER_OPTIONS } from "../../src/lang/lexer.js";

describe("the grammar and the tokens, checked", () => {
  it("build with Chevrotain's validations and find no definition errors", () => {
    // Chevrotain throws "Parser Definition Errors detected", listing them, when it finds any.
    expect(() => new MyxGrammar({ validate: true })).not.toThrow();
    const lexer = new Lexer(allTokens, LEXER_OPTIONS);
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });
});
