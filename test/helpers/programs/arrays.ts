// The random array programs the AD property test differentiates: `def f(a, b, c)` over two
// array parameters of random small shapes and a Num. Programs are a small AST (so fast-check can
// shrink them) whose printer infers shapes and only writes what is well-typed: elementwise
// operators with NumPy broadcasting (an operand that cannot broadcast is summed to a Num first),
// reductions and softmax with positive and negative axes, @ where the shapes allow it
// (transposing an operand when that makes them fit), indexing and slicing, and where with a
// comparison as the condition.
import fc from "fast-check";

export type Shape = readonly number[];
type Unary = "sin" | "tanh" | "exp" | "log" | "sigmoid" | "softplus" | "neg" | "square" | "abs";
type Binary = "+" | "-" | "*" | "/" | "maximum" | "minimum";
type Reduction = "sum" | "mean" | "max" | "min" | "logsumexp" | "softmax";
export type Expr =
  | { readonly k: "var"; readonly i: number } // a, b or c
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "bin"; readonly op: Binary; readonly a: Expr; readonly b: Expr }
  | { readonly k: "un"; readonly f: Unary; readonly a: Expr }
  | { readonly k: "red"; readonly f: Reduction; readonly axis: number; readonly a: Expr }
  | { readonly k: "mm"; readonly a: Expr; readonly b: Expr }
  | { readonly k: "idx"; readonly sel: number; readonly a: Expr }
  | { readonly k: "where"; readonly op: "<" | ">"; readonly l: Expr; readonly r: Expr; readonly t: Expr; readonly e: Expr };

export const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "medium", maxDepth: 5, depthIdentifier: "expr" },
    // The first is what the depth limit falls back to: a leaf, mostly a parameter.
    { weight: 6, arbitrary: fc.oneof(
      fc.constantFrom(0, 0, 1, 1, 2).map((i): Expr => ({ k: "var", i })),
      fc.constantFrom(0.5, 2, -1.5, 0.25).map((v): Expr => ({ k: "num", v })),
    ) },
    { weight: 5, arbitrary: fc.record({ k: fc.constant("bin" as const), op: fc.constantFrom<Binary>("+", "-", "*", "/", "maximum", "minimum"), a: tie("expr"), b: tie("expr") }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("un" as const), f: fc.constantFrom<Unary>("sin", "tanh", "exp", "log", "sigmoid", "softplus", "neg", "square", "abs"), a: tie("expr") }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("red" as const), f: fc.constantFrom<Reduction>("sum", "mean", "max", "min", "logsumexp", "softmax"), axis: fc.nat(8), a: tie("expr") }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("mm" as const), a: tie("expr"), b: tie("expr") }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("idx" as const), sel: fc.nat(63), a: tie("expr") }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("where" as const), op: fc.constantFrom("<" as const, ">" as const), l: tie("expr"), r: tie("expr"), t: tie("expr"), e: tie("expr") }) },
  ),
}));

// Shapes that broadcast in many ways ((2,1) with (1,3), (3,) with (2,3)) and give @ something to do.
export const parameterShape = fc.constantFrom<Shape>([3], [2, 3], [2, 1], [1, 3], [3, 2], [2]);

// ---- Printing with shape inference.

/** NumPy broadcasting; null if the shapes do not broadcast. */
function broadcast(x: Shape, y: Shape): Shape | null {
  const n = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [p, q] = [x[x.length - n + i] ?? 1, y[y.length - n + i] ?? 1];
    if (p !== q && p !== 1 && q !== 1) return null;
    out.push(Math.max(p, q));
  }
  return out;
}

interface Shown {
  readonly src: string;
  readonly shape: Shape;
}

/** `x` as an operand broadcasting against `against`: itself if it does, else summed to a Num. */
function fit(x: Shown, against: Shape): Shown {
  return broadcast(x.shape, against) === null ? { src: `sum(${x.src})`, shape: [] } : x;
}

/** The axis argument for choice k on a rank-r array: none (k = 0), 0…r-1, or -1…-r. */
function axisFor(k: number, r: number): number | null {
  const c = k % (2 * r + 1);
  return c === 0 ? null : c <= r ? c - 1 : -(c - r);
}

export interface Params {
  readonly shapes: readonly [Shape, Shape];
}

/** `e` as Myx source, with the shape of its value, for parameters a and b of `p.shapes`. */
export function show(e: Expr, p: Params): Shown {
  switch (e.k) {
    case "var": {
      const name = "abc"[e.i]!;
      if (e.i === 2) return { src: "c", shape: [] };
      return { src: name, shape: p.shapes[e.i]! };
    }
    case "num": return { src: e.v < 0 ? `(${e.v})` : `${e.v}`, shape: [] };
    case "bin": {
      const a = show(e.a, p);
      const b = fit(show(e.b, p), a.shape);
      const shape = broadcast(a.shape, b.shape)!;
      // A divisor in [0.5, 2.5]: no poles.
      if (e.op === "/") return { src: `(${a.src} / (1.5 + sin(${b.src})))`, shape };
      if (e.op === "maximum" || e.op === "minimum") return { src: `${e.op}(${a.src}, ${b.src})`, shape };
      return { src: `(${a.src} ${e.op} ${b.src})`, shape };
    }
    case "un": {
      const a = show(e.a, p);
      // exp and log on bounded arguments: values stay moderate and log's argument ≥ 1.
      const src = e.f === "neg" ? `(-${a.src})` : e.f === "square" ? `(${a.src} ** 2)` : e.f === "exp" ? `exp(tanh(${a.src}))` : e.f === "log" ? `log(2 + sin(${a.src}))` : `${e.f}(${a.src})`;
      return { src, shape: a.shape };
    }
    case "red": {
      const a = show(e.a, p);
      if (a.shape.length === 0) return a;
      const axis = axisFor(e.axis, a.shape.length);
      if (e.f === "softmax") return { src: axis === null ? `softmax(${a.src})` : `softmax(${a.src}, ${axis})`, shape: a.shape };
      if (axis === null) return { src: `${e.f}(${a.src})`, shape: [] };
      const k = axis < 0 ? axis + a.shape.length : axis;
      return { src: `${e.f}(${a.src}, ${axis})`, shape: a.shape.filter((_, i) => i !== k) };
    }
    case "mm": {
      const a = show(e.a, p);
      const b = show(e.b, p);
      const product = (x: Shown, y: Shown): Shown | null => {
        if (x.shape.length < 1 || x.shape.length > 2 || y.shape.length < 1 || y.shape.length > 2) return null;
        if (x.shape[x.shape.length - 1] !== y.shape[0]) return null;
        return { src: `(${x.src} @ ${y.src})`, shape: [...x.shape.slice(0, -1), ...y.shape.slice(1)] };
      };
      const t = (x: Shown): Shown => ({ src: `transpose(${x.src})`, shape: x.shape.slice().reverse() });
      const made = product(a, b) ?? product(a, t(b)) ?? product(t(a), b);
      if (made !== null) return made;
      const c = fit(b, a.shape);
      return { src: `(${a.src} * ${c.src})`, shape: broadcast(a.shape, c.shape)! };
    }
    case "idx": {
      const a = show(e.a, p);
      const r = a.shape.length;
      if (r === 0) return a;
      const [d0, d1] = [a.shape[0]!, a.shape[1] ?? 1];
      const form = e.sel % 4;
      const i = (e.sel >> 2) % d0;
      const neg = (e.sel >> 4) % 2 === 1;
      const j = (e.sel >> 2) % d1;
      if (form === 0 || (form === 2 && r !== 2)) return { src: `${a.src}[${neg ? i - d0 : i}]`, shape: a.shape.slice(1) };
      if (form === 2) return { src: `${a.src}[:, ${neg ? j - d1 : j}]`, shape: [d0] };
      if (form === 3 && r === 2) return { src: `${a.src}[${neg ? i - d0 : i}, ${j}]`, shape: [] };
      // A slice of the first axis: a[lo:hi], or a[-n:].
      const hi = i + 1 + ((e.sel >> 5) % (d0 - i));
      return { src: neg ? `${a.src}[${i - d0}:]` : `${a.src}[${i}:${hi}]`, shape: [neg ? d0 - i : hi - i, ...a.shape.slice(1)] };
    }
    case "where": {
      const l = show(e.l, p);
      const r = fit(show(e.r, p), l.shape);
      const cond = broadcast(l.shape, r.shape)!;
      const t = fit(show(e.t, p), cond);
      const s = broadcast(cond, t.shape)!;
      const f = fit(show(e.e, p), s);
      const shape = broadcast(s, f.shape)!;
      if (cond.length > 0) return { src: `where(${l.src} ${e.op} ${r.src}, ${t.src}, ${f.src})`, shape };
      // A Bool condition (Num against Num) picks a branch whole (docs/language.md), so both are
      // first stretched to the one shape the program is typed with.
      const stretch = (x: Shown): string => (x.shape.join() === shape.join() ? x.src : `(${x.src} + zeros(${shape.length === 1 ? shape[0] : `(${shape.join(", ")})`}))`);
      return { src: `where(${l.src} ${e.op} ${r.src}, ${stretch(t)}, ${stretch(f)})`, shape };
    }
  }
}

/** Fixed, non-zero, uneven weights: the program's result is Σ r·W, so every element of r matters differently. */
function weights(shape: Shape): string {
  let i = 0;
  const build = (d: number): string => {
    if (d === shape.length) return `${(((i++ * 37) % 11) - 5.5) / 3.7}`;
    return `[${Array.from({ length: shape[d]! }, () => build(d + 1)).join(", ")}]`;
  };
  return build(0);
}

export function program(e: Expr, p: Params): string {
  const r = show(e, p);
  const result = r.shape.length === 0 ? "r * 1.3" : `sum(r * ${weights(r.shape)})`;
  return `def f(a, b, c) {\n  let r = ${r.src};\n  ${result}\n}`;
}
