// Every examples/X.myx with an examples/X.expected must print exactly that, with status 0 and
// nothing on stderr: the examples are documentation, and documentation must not rot.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { myx, ROOT } from "./helpers.js";

const examples = readdirSync(join(ROOT, "examples"))
  .filter((f) => f.endsWith(".expected"))
  .map((f) => f.slice(0, -".expected".length));

describe("examples", { timeout: 60_000 }, () => {
  it("there are examples to check", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples)("%s.myx prints its .expected", (name) => {
    const expected = readFileSync(join(ROOT, "examples", `${name}.expected`), "utf8");
    expect(myx([`examples/${name}.myx`])).toEqual({ status: 0, stdout: expected, stderr: "" });
  });
});
