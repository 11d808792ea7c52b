// The seed a property test runs with. `npm test` must give the same verdict on every run and every
// machine, so by default a property test replays a fixed seed; fuzzing for new failures is a
// separate, opt-in run (`npm run fuzz:ad`, `npm run fuzz:opt`) that sets the variable to `random`.
// A number replays the run fast-check reported.
export function fuzzSeed(variable: string, fixed: number): { seed: number } | Record<string, never> {
  const value = process.env[variable];
  if (value === undefined || value === "") return { seed: fixed };
  if (value === "random") return {};
  const seed = Number(value);
  if (!Number.isInteger(seed)) throw new Error(`${variable} must be an integer or "random", not ${JSON.stringify(value)}`);
  return { seed };
}
