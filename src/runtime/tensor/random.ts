// Seeded random arrays (SPEC §4: same seed, same numbers on every machine). The exact sequence
// is part of the contract, so here it is in full:
//
// 1. Seed: the integer part of the seed Num, modulo 2^32 (so -1 and 4294967295 are one seed).
// 2. State: four 32-bit words, the first four outputs of SplitMix32 started from that seed, where
//    one SplitMix32 step is
//        z += 0x9E3779B9; t = z;
//        t = (t ^ t >>> 16) * 0x21F0AAAD; t = (t ^ t >>> 15) * 0x735A2D97; output t ^ t >>> 15
//    (all arithmetic modulo 2^32). The four outputs are distinct, so the state is never all zero.
// 3. Generator: xoshiro128** (Blackman and Vigna, 2018), 32-bit outputs.
// 4. `rand`: each element takes two outputs a, b and is ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53,
//    a double uniform on [0, 1) with all 53 bits random.
// 5. `randn`: Box–Muller on successive pairs of `rand` numbers u, v:
//        r = sqrt(-2 log(1 - u)); elements r cos(2πv), then r sin(2πv)
//    (1 - u is in (0, 1], so the log is finite). An odd count drops the last sine.
//
// Steps 1–4 are exact integer arithmetic (Math.imul and shifts), so they agree on any JavaScript
// engine. Step 5 also uses Math.log/cos/sin, which V8 computes with its own port of fdlibm rather
// than the platform's libm, so Node gives the same normals on every machine.
import { formatValue } from "../format-value.js";
import { PrimError } from "../host.js";
import { fromData, sizeOf, type Numeric, type Shape } from "./shape.js";

class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let z = seed | 0;
    const splitmix32 = (): number => {
      z = (z + 0x9e3779b9) | 0;
      let t = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
      return t ^ (t >>> 15);
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
  }

  /** The next 32-bit output, as an unsigned integer. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function generator(seed: number): Xoshiro128 {
  if (!Number.isFinite(seed)) throw new PrimError(`a random seed must be a finite Num, got ${formatValue(seed)}`);
  return new Xoshiro128(Math.trunc(seed) >>> 0);
}

/** Uniform on [0, 1). */
export function rand(shape: Shape, seed: number): Numeric {
  const g = generator(seed);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = g.uniform();
  return fromData(shape, out);
}

/** Standard normal. */
export function randn(shape: Shape, seed: number): Numeric {
  const g = generator(seed);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - g.uniform()));
    const theta = 2 * Math.PI * g.uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return fromData(shape, out);
}
