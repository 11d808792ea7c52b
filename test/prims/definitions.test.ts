// The registries of primitives (`basePrimitives`, `adPrimitives`) against everything that refers
// to a primitive: the names rules build with (OP_NAMES), the builtins and operators a program can
// call, and the primitives the derivatives of primitives apply. The last is what lets derivatives
// nest: J and J⊳ of a primitive are graphs of other primitives, and differentiating a derivative
// again needs rules for those in turn.
import { describe, expect, it } from "vitest";
import { adPrimitives, differentiationBuiltins } from "../../src/ad/builtins.js";
import { Session } from "../../src/ad/session.js";
import type { Graph } from "../../src/ir/graph.js";
import { analyze } from "../../src/ir/manager.js";
import { basePrimitives, binaryOps, builtins, unaryOps } from "../../src/prims/builtins.js";
import { OP_NAMES, type Primitive } from "../../src/prims/primitive.js";
import { isPrimitive } from "../../src/runtime/values.js";

const registered: readonly Primitive[] = [...basePrimitives, ...adPrimitives];
const inRegistry = new Set(registered);

type Mode = "J" | "J⊳";

/**
 * Primitives a J or J⊳ graph applies though they lack a rule: derivatives that cannot be
 * differentiated again (yet). Each is listed by the mode whose graphs apply it, with the reason.
 */
const exceptions: readonly { readonly mode: Mode; readonly names: readonly string[]; readonly reason: string }[] = [
  {
    mode: "J",
    names: ["un_j", "re_j"],
    // src/ad/j-value.ts: each is linear, with the other as its transpose.
    reason: "they map the keys of environments between the J world and the primal one, in the backward passes of j_value, un_j and re_j; reverse mode differentiates them again, but forward mode over that (forward over reverse over reverse) has no rule yet",
  },
  {
    mode: "J",
    names: ["grad_of_j", "value_and_grad_of_j", "vjp_of_j", "captured_sensitivity"],
    reason:
      "J of grad, value_and_grad and vjp builds the J of the gradient closure at run time and maps its sensitivity back to f's keys; differentiating that again is not built: " +
      "with --no-opt, grad(grad(g))(2) for `def g(x) = grad(f)(x)` fails with \"cannot differentiate through 'grad_of_j' yet\" (the optimizer builds such gradients when compiling, src/opt/specialize.ts)",
  },
  {
    mode: "J",
    names: ["the derivative of map", "the backward pass of map", "the derivative of fold", "the backward pass of fold"],
    reason: "the derivatives of map and fold call the transformed function at run time and cannot be differentiated again yet (docs/ad.md § Arrays)",
  },
  {
    mode: "J⊳",
    names: ["the forward derivative of map", "the forward derivative of fold", "grad_of_forward", "value_and_grad_of_forward", "forward_value"],
    // jvp, jacobian and hessian have no rules: nothing differentiates through them (docs/ad.md).
    reason: "J⊳ graphs are only run, never differentiated again: neither mode differentiates through jvp yet",
  },
];

/** Every arity a primitive takes, up to 4 for variadic ones. */
function arities(p: Primitive): number[] {
  const top = Math.min(p.maxArgs, Math.max(p.minArgs, 4));
  return Array.from({ length: top - p.minArgs + 1 }, (_, i) => p.minArgs + i);
}

/** The J and J⊳ graphs of `p` at every arity, as far as it has rules. */
function derivativeGraphs(session: Session, p: Primitive): { readonly mode: Mode; readonly label: string; readonly graph: Graph }[] {
  return arities(p).flatMap((n) => [
    ...(p.vjp === null ? [] : [{ mode: "J" as const, label: `J of ${p.name}/${n}`, graph: session.primitiveJ(p, n) }]),
    ...(p.jvp === null ? [] : [{ mode: "J⊳" as const, label: `J⊳ of ${p.name}/${n}`, graph: session.primitiveJvp(p, n) }]),
  ]);
}

/**
 * The primitives a graph applies, through the graphs its constants name (backpropagators, the
 * arms of a `cond`). A primitive constant in any operand counts: one passed as an argument is
 * applied by whatever receives it.
 */
function appliedPrimitives(g: Graph): Set<Primitive> {
  const found = new Set<Primitive>();
  for (const applies of analyze([g]).applies.values()) {
    for (const a of applies) {
      for (const input of a.inputs) if (input.kind === "constant" && isPrimitive(input.value)) found.add(input.value);
    }
  }
  return found;
}

describe("the registries of primitives", () => {
  it("hold each name of OP_NAMES in basePrimitives, once", () => {
    const count = (name: string): number => basePrimitives.filter((p) => p.name === name).length;
    expect(OP_NAMES.filter((name) => count(name) !== 1).map((name) => `${name} (${count(name)} primitives)`)).toEqual([]);
  });

  it("name each primitive once, across both registries", () => {
    const names = registered.map((p) => p.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it("hold every builtin and operator a program can call", () => {
    const callable: [string, Primitive][] = [
      ...[...builtins].map(([name, p]): [string, Primitive] => [`builtin ${name}`, p]),
      ...[...differentiationBuiltins].map(([name, p]): [string, Primitive] => [`builtin ${name}`, p]),
      ...Object.entries(binaryOps).map(([op, p]): [string, Primitive] => [`operator ${op}`, p]),
      ...Object.entries(unaryOps).map(([op, p]): [string, Primitive] => [`unary operator ${op}`, p]),
    ];
    expect(callable.filter(([, p]) => !inRegistry.has(p)).map(([what, p]) => `${what} (${p.name})`)).toEqual([]);
  });
});

/** What the J and J⊳ graphs of every primitive apply that is not registered, or lacks a rule, and where. */
function derivativeApplies(): { readonly unregistered: readonly string[]; readonly ruleless: ReadonlyMap<string, readonly string[]> } {
  const session = new Session(null);
  const ruleless = new Map<string, string[]>();
  const unregistered: string[] = [];
  for (const p of registered) {
    for (const { mode, label, graph } of derivativeGraphs(session, p)) {
      for (const q of appliedPrimitives(graph)) {
        if (!inRegistry.has(q)) unregistered.push(`${q.name}, in ${label}`);
        if (q.vjp !== null && q.jvp !== null) continue;
        const k = `${mode} applies ${q.name}`;
        ruleless.set(k, [...(ruleless.get(k) ?? []), label]);
      }
    }
  }
  return { unregistered, ruleless };
}

describe("derivatives nest", () => {
  it("J and J⊳ of every primitive apply only registered primitives", () => {
    expect(derivativeApplies().unregistered).toEqual([]);
  });

  it("the primitives they apply have both rules, but for the listed exceptions", () => {
    const { ruleless } = derivativeApplies();
    const listed = exceptions.flatMap(({ mode, names }) => names.map((name) => `${mode} applies ${name}`));
    const unlisted = [...ruleless].filter(([k]) => !listed.includes(k)).map(([k, where]) => `${k} (in ${where.join(", ")})`);
    expect(unlisted, "add a rule, or an exception with its reason").toEqual([]);
    expect(listed.filter((k) => !ruleless.has(k)), "exceptions that no longer apply").toEqual([]);
  });
});

describe("a primitive's implementation on numbers", () => {
  const samples = [0, -0, 1, -1, 0.5, -2.25, 3, 1e-300, 1e300, Infinity, -Infinity, NaN];

  it("gives what its implementation gives, bit for bit, wherever that gives a result", () => {
    const withNumbers = registered.filter((p) => p.numbers !== null);
    expect(withNumbers.map((p) => p.name)).toEqual(expect.arrayContaining(["add", "mul", "lt", "sin", "neg", "add_sens", "sub_sens", "zeros_like"]));
    const host = { print: () => {}, call: () => 0, readGlobal: () => 0, writeGlobal: () => {}, session: new Session(null) };
    for (const p of withNumbers) {
      const arities = [p.minArgs, p.maxArgs].filter((n, i, all) => Number.isFinite(n) && all.indexOf(n) === i && n <= 2);
      for (const n of arities) {
        const points = n === 0 ? [[]] : n === 1 ? samples.map((x) => [x]) : samples.flatMap((x) => samples.map((y) => [x, y]));
        for (const xs of points) {
          let want: unknown;
          try {
            want = p.impl(xs, host);
          } catch {
            continue;
          }
          expect(Object.is(p.numbers!(...xs), want), `${p.name}(${xs.join(", ")})`).toBe(true);
        }
      }
    }
  });
});
