// Deterministic "random" numbers for tests: the same on every run and every machine, so a test
// that draws points or directions checks the same ones each time.

/** A small seeded generator (an LCG) of numbers in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
