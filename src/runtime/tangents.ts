// Tangent values, as forward mode carries them and as users write them (SPEC §4): a tangent has
// the structure of its primal — Num, Array, Tuple, Record — and is `()` for values with no
// derivative (Bool, String, Unit, Function). A function's derivative lives in its environment,
// never in its tangent.
import { PrimError } from "./host.js";
import { formatShape } from "./tensor/shape.js";
import { EnvValue, isTuple, RecordValue, Tensor, aTypeName, UNIT, Unit, type Value } from "./values.js";

/** The zero tangent of `v`. */
export function zeroTangent(v: Value): Value {
  if (typeof v === "number") return 0;
  if (v instanceof Tensor) return new Tensor(v.shape, new Float64Array(v.data.length));
  if (isTuple(v)) return v.map(zeroTangent);
  if (v instanceof RecordValue) return new RecordValue(v.keys, v.values.map(zeroTangent));
  // An environment is a sensitivity (of reverse mode, when jvp runs a gradient): its tangent is one too.
  if (v instanceof EnvValue) return EnvValue.empty;
  return UNIT;
}

function expected(primal: Value): string {
  if (typeof primal === "number") return "a Num";
  if (primal instanceof Tensor) return `an Array of shape ${formatShape(primal.shape)}`;
  if (isTuple(primal)) return `a ${primal.length}-tuple`;
  if (primal instanceof RecordValue) return `a Record with fields ${primal.keys.join(", ")}`;
  return `() (${aTypeName(primal)} has no derivative)`;
}

function describe(t: Value): string {
  if (isTuple(t)) return `a ${t.length}-tuple`;
  if (t instanceof Tensor) return `an Array of shape ${formatShape(t.shape)}`;
  return `${aTypeName(t)}`;
}

/** The user's tangent `t` for `primal`, checked against its structure; `where` names it in errors. */
export function checkTangent(t: Value, primal: Value, where: string): Value {
  if (typeof primal === "number") {
    if (typeof t === "number") return t;
  } else if (primal instanceof Tensor) {
    if (t instanceof Tensor && t.shape.length === primal.shape.length && t.shape.every((d, i) => d === primal.shape[i])) return t;
  } else if (isTuple(primal)) {
    if (isTuple(t) && t.length === primal.length) return primal.map((p, i) => checkTangent(t[i]!, p, `${where}[${i}]`));
  } else if (primal instanceof RecordValue) {
    if (t instanceof RecordValue && t.keys.length === primal.keys.length && primal.keys.every((k) => t.get(k) !== undefined)) {
      return new RecordValue(primal.keys, primal.values.map((p, i) => checkTangent(t.get(primal.keys[i]!)!, p, `${where}.${primal.keys[i]!}`)));
    }
  } else if (t instanceof Unit) {
    return UNIT;
  }
  throw new PrimError(`jvp: the tangent of ${where} should be ${expected(primal)}, got ${describe(t)}`);
}
