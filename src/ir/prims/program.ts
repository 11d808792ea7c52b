// Primitives that talk to the host: output and the top-level bindings functions may read.
import { formatValue } from "../format-value.js";
import { definePrim } from "../primitive.js";
import { UNIT } from "../values.js";
import { expectString } from "./check.js";

export const print = definePrim({
  name: "print",
  args: [0, Infinity],
  effect: "io",
  impl: (args, host) => {
    host.print(args.map((v) => formatValue(v)).join(" "));
    return UNIT;
  },
});

export const globalGet = definePrim({
  name: "global_get",
  args: 1,
  impl: ([name], host) => host.readGlobal(expectString("global_get", name!)),
});

export const globalSet = definePrim({
  name: "global_set",
  args: 2,
  effect: "io",
  impl: ([name, value], host) => {
    host.writeGlobal(expectString("global_set", name!), value!);
    return UNIT;
  },
});
