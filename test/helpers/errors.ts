// The error a Myx program raises, for tests that check its message, place and stack.
import { compile, MyxError, type CompileOptions } from "../../src/index.js";

/**
 * The MyxError `source` raises when compiled (as `t.myx`, unless `options` say otherwise) and
 * run; fails the test if it raises none. Any other exception is a bug in the language, not the
 * error the test expects, so it propagates.
 */
export function myxError(source: string, options: CompileOptions = {}): MyxError {
  try {
    compile(source, { filename: "t.myx", ...options }).run();
  } catch (e) {
    if (e instanceof MyxError) return e;
    throw e;
  }
  throw new Error(`expected a Myx error from:\n${source}`);
}
