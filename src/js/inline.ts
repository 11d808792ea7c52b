// Primitives the JavaScript backend writes inline, as JavaScript expressions, rather than calling
// their implementation: the structural ones reverse mode fills its graphs with. Each form takes
// the sources of the arguments (and the constant value of each, when it is one) and `slow`, the
// call of the implementation, for the cases the form does not handle: those, failures included,
// go to the primitive itself. A form may return null when the arguments do not suit it. A
// primitive with an implementation on numbers (Primitive.numbers) needs no entry: it is called
// directly when its arguments are numbers.
import type { Primitive } from "../prims/primitive.js";
import { isUnit, makeTuple, switchPrim, tupleGet } from "../prims/structural.js";
import type { Value } from "../runtime/values.js";

/** The sources of a call's arguments, the constant value of each (undefined if not constant), and its slow path. */
export type InlineForm = (args: readonly string[], constants: readonly (Value | undefined)[], slow: string) => string | null;

export const INLINE: ReadonlyMap<Primitive, InlineForm> = new Map<Primitive, InlineForm>([
  // A tuple is a JavaScript array; make_tuple's implementation copies its arguments into one.
  [makeTuple, (args) => `[${args.join(", ")}]`],
  // Of a constant that is not a tuple (a number's literal), the implementation says what is wrong.
  [tupleGet, ([t], [c, k], slow) => (c === undefined && Number.isInteger(k) && (k as number) >= 0 ? `(isArray(${t}) && ${k as number} < ${t}.length ? ${t}[${k as number}] : ${slow})` : null)],
  [isUnit, ([x]) => `${x} === UNIT`],
  [switchPrim, ([c, x, y], _, slow) => `(${c} === true ? ${x} : ${c} === false ? ${y} : ${slow})`],
]);
