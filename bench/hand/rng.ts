// A seeded generator so every benchmark input is the same on every machine and every run;
// Math.random cannot be seeded. Mulberry32 is tiny, fast, and good enough for test data.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal by Box–Muller; 1 - uniform() lies in (0, 1], so the log is finite. */
  normal(): number {
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    return r * Math.cos(2 * Math.PI * this.uniform());
  }

  /** `n` normals with standard deviation `scale`. */
  normals(n: number, scale = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = scale * this.normal();
    return out;
  }

  /** `n` numbers uniform on [lo, hi). */
  uniforms(n: number, lo: number, hi: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** An integer uniform on 0..n-1. */
  below(n: number): number {
    return Math.floor(n * this.uniform());
  }
}
