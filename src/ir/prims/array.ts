// Array literals. The array builtins of SPEC §4 are in arrays.ts.
import { definePrim, PrimError } from "../primitive.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor, typeName, type Value } from "../values.js";

/** `[a, b, …]`: Nums make a 1-d array; arrays of one shape stack into one more dimension. */
export const makeArray = definePrim({
  name: "make_array",
  args: [0, Infinity],
  effect: "may-fail",
  impl: (items) => stackItems(items),
});

function stackItems(items: Value[]): Tensor {
  if (items.length === 0) return new Tensor([0], new Float64Array(0));
  const first = items[0]!;
  if (typeof first === "number") {
    const data = new Float64Array(items.length);
    items.forEach((v, i) => {
      if (typeof v !== "number") throw new PrimError(`ragged array literal: item ${i} is of type ${typeName(v)}, item 0 is a Num`);
      data[i] = v;
    });
    return new Tensor([items.length], data);
  }
  if (!(first instanceof Tensor)) throw new PrimError(`an array literal holds Nums or arrays, got ${typeName(first)}`);
  const inner = first.shape;
  const size = first.data.length;
  const data = new Float64Array(size * items.length);
  items.forEach((v, i) => {
    if (!(v instanceof Tensor) || v.shape.length !== inner.length || v.shape.some((d, k) => d !== inner[k])) {
      const got = v instanceof Tensor ? `shape ${formatShape(v.shape)}` : `type ${typeName(v)}`;
      throw new PrimError(`ragged array literal: item ${i} has ${got}, item 0 has shape ${formatShape(inner)}`);
    }
    data.set(v.data, i * size);
  });
  return new Tensor([items.length, ...inner], data);
}
