// Inputs for checking the derivative rules of one primitive at a time, shared by the tests of
// forward rules against central differences (test/ad/jvp-rules.test.ts) and of forward against
// reverse rules (adjoint.test.ts): for nearly every primitive a point inside its domain (integer
// indices, shapes, keys, axes, a positive base for `log`) and a direction along it, with `()`
// for arguments that have no derivative. A case is named after its primitive, with what sets it
// apart after a comma. A function argument is given as its primal value: each test brings every
// argument into the world of the graph it runs (`forward_value` for J⊳, `j_value` for J), which
// leaves data as it is.
import type { Session } from "../../src/ad/session.js";
import { jValuePrim } from "../../src/ad/j-value.js";
import { constant, type Node } from "../../src/ir/graph.js";
import * as C from "../../src/prims/construct.js";
import * as H from "../../src/prims/higher-order.js";
import * as L from "../../src/prims/layout.js";
import type { Primitive } from "../../src/prims/primitive.js";
import * as M from "../../src/prims/products.js";
import * as P from "../../src/prims/program.js";
import * as R from "../../src/prims/reductions.js";
import * as S from "../../src/prims/scalar.js";
import * as D from "../../src/prims/sensitivity.js";
import * as T from "../../src/prims/structural.js";
import * as U from "../../src/prims/updates.js";
import { EnvKey, EnvValue, RecordValue, SliceValue, Tensor, UNIT, type Value } from "../../src/runtime/values.js";
import { Machine } from "../../src/vm/index.js";

export interface Case {
  readonly prim: Primitive;
  readonly x: readonly Value[];
  /** The direction; `()` for arguments with no derivative. */
  readonly t: readonly Value[];
}

/**
 * A machine the cases can run on: `read_csv` finds a file and `global_get` the global `g` they
 * name. What the program prints goes to `print`.
 */
export function caseMachine(session: Session, print: (line: string) => void): Machine {
  const machine = new Machine({ print, readFile: () => "1,2\n3,4\n", session });
  machine.globals.set("g", 2.5);
  return machine;
}

const key = new EnvKey(constant(0));
const otherKey = new EnvKey(constant(1));
const env = new EnvValue(new Map<Node, Value>([[key.node, 1.5], [otherKey.node, -1]]));
const dEnv = new EnvValue(new Map<Node, Value>([[key.node, 0.5], [otherKey.node, 2]]));
const record = new RecordValue(["a", "b"], [1.5, 0.5]);
const dRecord = new RecordValue(["a", "b"], [0.3, -1]);
const u = UNIT;

const unaryPoints: [Primitive, number][] = [
  [S.sin, 0.7], [S.cos, -1.2], [S.tan, 0.4], [S.asin, 0.3], [S.acos, -0.6], [S.atan, 2], [S.tanh, 0.8], [S.sinh, -1.1],
  [S.cosh, 0.9], [S.exp, 1.3], [S.log, 2.5], [S.log1p, 0.4], [S.expm1, -0.7], [S.sqrt, 3], [S.abs, -2], [S.sigmoid, 0.6],
  [S.relu, 1.5], [S.softplus, -0.4], [S.neg, 2], [S.sign, -3], [S.floor, 2.5], [S.ceil, -1.5], [S.round, 2.3],
];

export const cases: Readonly<Record<string, Case>> = {
  ...Object.fromEntries(unaryPoints.map(([p, x]) => [p.name, { prim: p, x: [x], t: [1.3] }])),
  add: { prim: S.add, x: [1.5, -2], t: [0.7, 1.1] },
  sub: { prim: S.sub, x: [1.5, -2], t: [0.7, 1.1] },
  mul: { prim: S.mul, x: [1.5, -2], t: [0.7, 1.1] },
  div: { prim: S.div, x: [1.5, -2], t: [0.7, 1.1] },
  mod: { prim: S.mod, x: [7.5, 2], t: [0.7, 1.1] },
  pow: { prim: S.pow, x: [1.3, 2.5], t: [0.7, 1.1] },
  // A constant exponent on a negative base: log(x) is nan, but its tangent is 0.
  "pow, negative base": { prim: S.pow, x: [-1.5, 2], t: [1, 0] },
  atan2: { prim: S.atan2, x: [-1, 2], t: [0.7, 1.1] },
  maximum: { prim: S.maximum, x: [1, 2], t: [0.7, 1.1] },
  "maximum, first larger": { prim: S.maximum, x: [2, 1], t: [0.7, 1.1] },
  minimum: { prim: S.minimum, x: [1, 2], t: [0.7, 1.1] },
  "minimum, first larger": { prim: S.minimum, x: [2, 1], t: [0.7, 1.1] },
  where: { prim: S.where, x: [true, 1.5, 2.5], t: [u, 0.7, 1.1] },
  "where, Num condition": { prim: S.where, x: [2, 1.5, 2.5], t: [0.3, 0.7, 1.1] },
  ...Object.fromEntries([S.lt, S.le, S.gt, S.ge, S.eq, S.ne].map((p) => [p.name, { prim: p, x: [1, 2], t: [0.7, 1.1] }])),
  not: { prim: S.not, x: [true], t: [u] },
  make_tuple: { prim: T.makeTuple, x: [1.5, "s", [2, 3]], t: [0.7, u, [1.1, -0.2]] },
  tuple_get: { prim: T.tupleGet, x: [[1.5, 2.5, true], 1], t: [[0.7, 1.1, u], 0] },
  destructure: { prim: T.destructure, x: [[1.5, 2.5], 2], t: [[0.7, 1.1], 0] },
  make_record: { prim: T.makeRecord, x: [["a", "b"], 1.5, 2.5], t: [[u, u], 0.7, 1.1] },
  record_get: { prim: T.recordGet, x: [record, "b"], t: [dRecord, u] },
  index: { prim: T.index, x: [[1.5, 2.5, 3.5], -1], t: [[0.7, 1.1, -2], 0] },
  "index, slice": { prim: T.index, x: [[1.5, 2.5, 3.5], new SliceValue(1, null)], t: [[0.7, 1.1, -2], u] },
  make_slice: { prim: T.makeSlice, x: [1, 3], t: [0, 0] },
  len: { prim: T.len, x: [[1.5, 2.5]], t: [[0.7, 1.1]] },
  is_unit: { prim: T.isUnit, x: [[1.5, 2.5]], t: [[0.7, 1.1]] },
  switch: { prim: T.switchPrim, x: [false, 1.5, 2.5], t: [u, 0.7, 1.1] },
  seq: { prim: T.seq, x: [1.5, 2.5], t: [0.7, 1.1] },
  assert: { prim: T.assertPrim, x: [true, "fine"], t: [u, u] },
  print: { prim: P.print, x: [1.5, "s"], t: [0.7, u] },
  read_csv: { prim: P.readCsv, x: ["data.csv"], t: [u] },
  global_get: { prim: P.globalGet, x: ["g"], t: [u] },
  global_set: { prim: P.globalSet, x: ["h", 1.5], t: [u, 0.7] },
  zeros_like: { prim: D.zerosLikePrim, x: [[1.5, 2]], t: [[0.7, 1.1]] },
  add_sens: { prim: D.addSensPrim, x: [[1.5, 2], [0.5, -1]], t: [[0.7, 1.1], [0.3, 2]] },
  tuple_set: { prim: U.tupleSet, x: [[1.5, 2], 0, 3.5], t: [[0.7, 1.1], 0, 0.3] },
  record_set: { prim: U.recordSet, x: [record, "a", 3.5], t: [dRecord, u, 0.3] },
  record_at: { prim: U.recordAt, x: [record, 1], t: [dRecord, 0] },
  record_set_at: { prim: U.recordSetAt, x: [record, 0, 3.5], t: [dRecord, 0, 0.3] },
  record_add: { prim: U.recordAdd, x: [record, record, "b", 3.5], t: [dRecord, dRecord, u, 0.3] },
  tuple_add: { prim: U.tupleAdd, x: [[1.5, 2], [0.5, 1], 1, 3.5], t: [[0.7, 1.1], [0, 0], 0, 0.3] },
  index_add: { prim: U.indexAdd, x: [[1.5, 2, 3], 1, 3.5], t: [[0.7, 1.1, 2], 0, 0.3] },
  env_set: { prim: D.envSet, x: [env, key, 3.5], t: [dEnv, u, 0.3] },
  env_get: { prim: D.envGet, x: [env, otherKey, 0], t: [dEnv, u, 0] },
  "env_get, missing key": { prim: D.envGet, x: [EnvValue.empty, key, 4], t: [EnvValue.empty, u, 0.3] },
  env_has: { prim: D.envHas, x: [env, key], t: [dEnv, u] },
  expect_num: { prim: D.expectNumOutput, x: [1.5, "grad(f)"], t: [0.7, u] },
  expect_cotangent: { prim: D.expectCotangent, x: [[1.5, 2], [0.5, -1]], t: [[0.7, 1.1], [0, 0]] },
  user_gradient: { prim: D.userGradientPrim, x: [[1.5, 2], [0.5, true]], t: [[0.7, 1.1], [0, u]] },
  from_user_gradient: { prim: D.fromUserGradientPrim, x: [[1.5, u], [0.5, 2]], t: [[0.7, u], [0, 0]] },
  j_value: { prim: jValuePrim, x: [[1.5, 2]], t: [[0.7, 1.1]] },
  ...arrayCases(),
};

function arr(shape: number[], ...data: number[]): Tensor {
  return new Tensor(shape, Float64Array.from(data));
}

/** The array primitives and the ones their rules are built from, on small arrays. */
function arrayCases(): Record<string, Case> {
  const m = arr([2, 3], 0.5, -1, 2, 1.5, 0.3, -0.7);
  const dm = arr([2, 3], 0.2, 0.4, -0.3, 1, -0.5, 0.6);
  const v = arr([3], 1.2, -0.4, 0.9);
  const dv = arr([3], -0.3, 0.8, 0.5);
  const w = arr([2], 0.6, -1.1);
  const dw = arr([2], 0.9, 0.1);
  return {
    "add, broadcast": { prim: S.add, x: [m, v], t: [dm, dv] },
    "mul, Num and array": { prim: S.mul, x: [1.5, v], t: [0.7, dv] },
    "sin, array": { prim: S.sin, x: [m], t: [dm] },
    "where, array condition": { prim: S.where, x: [arr([3], 1, 0, 1), v, 2], t: [arr([3], 0, 0, 0), dv, 0.5] },
    make_array: { prim: C.makeArray, x: [1.5, 2.5], t: [0.7, 1.1] },
    zeros: { prim: C.zerosPrim, x: [[2]], t: [[0]] },
    ones: { prim: C.onesPrim, x: [[2, 1]], t: [[0, 0]] },
    full: { prim: C.fullPrim, x: [[2], 1.5], t: [[0], 0.7] },
    arange: { prim: C.arangePrim, x: [3], t: [0] },
    linspace: { prim: C.linspacePrim, x: [1, 2.5, 4], t: [0.7, 1.1, 0] },
    rand: { prim: C.randPrim, x: [[2], 7], t: [[0], 0] },
    randn: { prim: C.randnPrim, x: [[2], 7], t: [[0], 0] },
    concat: { prim: C.concatPrim, x: [[m, m], 1], t: [[dm, dm], 0] },
    "concat, axis 0": { prim: C.concatPrim, x: [[v, w]], t: [[dv, dw]] },
    stack: { prim: C.stackPrim, x: [[v, dv]], t: [[dv, v]] },
    shape: { prim: L.shapePrim, x: [m], t: [dm] },
    reshape: { prim: L.reshapePrim, x: [m, [3, 2]], t: [dm, [0, 0]] },
    transpose: { prim: L.transposePrim, x: [m], t: [dm] },
    "matmul, 2-d · 1-d": { prim: M.matmul, x: [m, v], t: [dm, dv] },
    "matmul, 1-d · 2-d": { prim: M.matmul, x: [w, m], t: [dw, dm] },
    dot: { prim: M.dotPrim, x: [v, dv], t: [dv, v] },
    outer: { prim: M.outerPrim, x: [w, v], t: [dw, dv] },
    sum: { prim: R.sumPrim, x: [m], t: [dm] },
    "sum, axis": { prim: R.sumPrim, x: [m, -1], t: [dm, 0] },
    mean: { prim: R.meanPrim, x: [m, 0], t: [dm, 0] },
    max: { prim: R.maxPrim, x: [m, 1], t: [dm, 0] },
    min: { prim: R.minPrim, x: [m], t: [dm] },
    logsumexp: { prim: R.logsumexpPrim, x: [m, 0], t: [dm, 0] },
    softmax: { prim: R.softmaxPrim, x: [m, 1], t: [dm, 0] },
    "softmax, last axis": { prim: R.softmaxPrim, x: [v], t: [dv] },
    sens_like: { prim: D.sensLike, x: [m, v], t: [dm, dv] },
    sub_sens: { prim: D.subSens, x: [m, v], t: [dm, dv] },
    "sub_sens, Num": { prim: D.subSens, x: [1.5, -2], t: [0.7, 1.1] },
    expand: { prim: R.expand, x: [v, m, 0], t: [dv, dm, 0] },
    extreme_mask: { prim: R.extremeMask, x: [v, 1.2], t: [dv, 0] },
    numel: { prim: L.numel, x: [m], t: [dm] },
    matrix_shape: { prim: M.matrixShape, x: [v, 1], t: [dv, 0] },
    product_shape: { prim: M.productShape, x: [m, v], t: [dm, dv] },
    dot_scales: { prim: M.dotScales, x: [v, 2], t: [dv, 0] },
    pieces: { prim: C.pieces, x: [m, [arr([2, 1], 0, 0), arr([2, 2], 0, 0, 0, 0)], 1], t: [dm, [arr([2, 1], 0, 0), arr([2, 2], 0, 0, 0, 0)], 0] },
    unstack: { prim: C.unstack, x: [m], t: [dm] },
    "index, array": { prim: T.index, x: [m, -1, new SliceValue(1, null)], t: [dm, 0, u] },
    "index_add, array": { prim: U.indexAdd, x: [m, 0, v], t: [dm, 0, dv] },
    // Primitives as the functions: a function's tangent is `()`, what it captured has none here.
    map: { prim: H.mapPrim, x: [S.sin, m], t: [u, dm] },
    fold: { prim: H.foldPrim, x: [S.mul, 1.5, v], t: [u, 0.7, dv] },
    "fold, rows": { prim: H.foldPrim, x: [S.add, w, arr([3, 2], 0.5, -1, 2, 1.5, 0.3, -0.7)], t: [u, dw, arr([3, 2], 0.2, 0.4, -0.3, 1, -0.5, 0.6)] },
    "fold, tuple": { prim: H.foldPrim, x: [S.mul, 1.5, [2, -0.5]], t: [u, 0.7, [0.3, 1]] },
  };
}

/**
 * Cases whose tangent is zero by design, which the adjoint test cannot use (both of its sides are
 * 0 whatever the rules): for the forward test only.
 */
export const forwardOnlyCases: Readonly<Record<string, Case>> = {
  // A key the tangent's environment lacks has tangent zero: not the tangent of the default.
  "env_get, key the tangent lacks": { prim: D.envGet, x: [env, key, 4], t: [EnvValue.empty, u, 0.3] },
};
