// SPEC §5: how `print`, the REPL and error messages show a value.
import { Closure, EnvKey, EnvValue, isTuple, RecordValue, SliceValue, Tensor, Unit, type Value } from "./values.js";

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return String(x);
}

/** Strings print raw at top level and quoted inside structures. */
export function formatValue(v: Value, nested = false): string {
  switch (typeof v) {
    case "number":
      return formatNumber(v);
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return nested ? quote(v) : v;
  }
  if (v instanceof Unit) return "()";
  if (isTuple(v)) {
    const items = v.map((x) => formatValue(x, true));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (v instanceof RecordValue) {
    return `{${v.keys.map((k, i) => `${k}: ${formatValue(v.values[i]!, true)}`).join(", ")}}`;
  }
  if (v instanceof Tensor) return formatTensor(v);
  if (v instanceof SliceValue) return `${v.lo ?? ""}:${v.hi ?? ""}`;
  if (v instanceof EnvKey) return `<key ${v.node.kind === "parameter" ? v.node.name : `%${v.node.id}`}>`;
  if (v instanceof EnvValue) return `<env of ${v.entries.size}>`;
  if (v instanceof Closure) return `<fn ${userName(v.graph.name)}>`;
  return `<fn ${v.name}>`;
}

/**
 * The name a user knows a function by: the graphs differentiation and the optimizer make are
 * named after it (`f▶`, `◀f`, `f⊳`, `apply_n▶[sq▶]`, the worker `f▶w` of a recursive f).
 */
export function userName(name: string): string {
  return name.replace(/\[.*\]$/, "").replace(/▶w|[▶◀⊳]/g, "");
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

/** Arrays of more than this many elements print their corners, `...` and their shape. */
const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function formatTensor(t: Tensor): string {
  // What printing in full would write: an empty axis still prints a `[]` per item before it.
  const items = t.shape.reduce((n, d) => n * Math.max(d, 1), 1);
  const summarize = items > SUMMARY_THRESHOLD;
  const text = formatAxis(t, 0, 0, summarize);
  return summarize ? `${text} (shape (${t.shape.join(", ")}${t.shape.length === 1 ? "," : ""}))` : text;
}

function formatAxis(t: Tensor, axis: number, offset: number, summarize: boolean): string {
  if (axis === t.shape.length) return formatNumber(t.data[offset]!);
  const n = t.shape[axis]!;
  let stride = 1;
  for (let k = axis + 1; k < t.shape.length; k++) stride *= t.shape[k]!;
  const item = (i: number): string => formatAxis(t, axis + 1, offset + i * stride, summarize);
  const parts: string[] = [];
  if (summarize && n > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++) parts.push(item(i));
    parts.push("...");
    for (let i = n - EDGE_ITEMS; i < n; i++) parts.push(item(i));
  } else {
    for (let i = 0; i < n; i++) parts.push(item(i));
  }
  return `[${parts.join(", ")}]`;
}
