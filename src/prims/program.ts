// Primitives that talk to the host: output, files, and the top-level bindings functions may read.
import { formatValue } from "../runtime/format-value.js";
import { constantResult, definePrim, type Primitive } from "./primitive.js";
import { PrimError } from "../runtime/host.js";
import { UNIT } from "../runtime/values.js";
import { expectString } from "../runtime/check.js";
import { parseCsv } from "../runtime/csv.js";

export const print = definePrim({
  name: "print",
  args: [0, Infinity],
  builtin: true,
  effect: "io",
  impl: (args, host) => {
    host.print(args.map((v) => formatValue(v)).join(" "));
    return UNIT;
  },
  ...constantResult,
});

/**
 * `read_csv(path)`: the host reads the file and decides what the path is relative to. The only
 * host that gives no file access is the library without a `readFile` option, hence the advice.
 */
export const readCsv = definePrim({
  name: "read_csv",
  args: 1,
  builtin: true,
  effect: "io",
  impl: ([path], host) => {
    const file = expectString("read_csv", path);
    if (host.readFile === undefined) {
      throw new PrimError("read_csv is not available: the host did not allow file access; pass `readFile` to compile");
    }
    let text: string;
    try {
      text = host.readFile(file);
    } catch (e) {
      // Whatever the host's reader throws (a missing file, an fs error from a library caller's
      // reader) is a fact about the file, not a bug in Myx.
      throw new PrimError(`read_csv: cannot read '${file}': ${e instanceof Error ? e.message : String(e)}`);
    }
    return parseCsv(text, file);
  },
  ...constantResult,
});

/**
 * A top-level `let` read inside a function is a constant of it for differentiation; but it may hold
 * a function, which the transformed world must hold transformed.
 */
export const globalGet: Primitive = definePrim({
  name: "global_get",
  args: 1,
  impl: ([name], host) => host.readGlobal(expectString("global_get", name)),
  vjp: { augmented: (b, [name]) => ({ y: b.transformed(b.prim(globalGet, name)), back: () => [] }) },
  jvp: { augmented: (b, [name]) => ({ y: b.transformed(b.prim(globalGet, name)), dy: null }) },
});

export const globalSet = definePrim({
  name: "global_set",
  args: 2,
  effect: "io",
  impl: ([name, value], host) => {
    host.writeGlobal(expectString("global_set", name), value);
    return UNIT;
  },
  ...constantResult,
});
