/**
 * Settings shared by the property-based ("fuzz") tests, the `*.fuzz.test.ts` files. They use
 * fast-check: it shrinks a failing input to a minimal one and prints the seed and path that replay it.
 *
 * In CI every property runs a fixed number of times from a fixed seed, so a run is reproducible and
 * the whole fuzz tier stays within about a minute. For a longer hunt on a workstation:
 *
 *   FC_RUNS=20000 FC_SEED=$RANDOM npx vitest run fuzz
 *
 * FC_RUNS replaces every property's run count, FC_SEED the seed. A failure prints its seed and
 * path: FC_SEED=<seed> FC_PATH=<path> with `-t '<test name>'` (a path belongs to one property)
 * replays exactly its minimal counterexample.
 */
import * as fc from 'fast-check';

/** Fixed, so CI reruns the same cases; any integer will do. */
const DEFAULT_SEED = 20_261_206;

const envInt = (name: string): number | undefined => {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${text}"`);
  return value;
};

/** True when the runs were asked for by hand (FC_RUNS): the per-test timeouts then no longer apply. */
export const longRun = envInt('FC_RUNS') !== undefined;

/**
 * fast-check parameters for one property: `runs` cases (FC_RUNS overrides), from the fixed seed
 * (FC_SEED overrides). `extra` is passed through (e.g. `examples` of known-bad inputs).
 */
export function fuzzParams<T>(runs: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const path = process.env.FC_PATH;
  return {
    seed: envInt('FC_SEED') ?? DEFAULT_SEED,
    numRuns: envInt('FC_RUNS') ?? runs,
    ...(path ? { path } : {}),
    ...extra,
  };
}

/** A vitest timeout for a fuzz test: `ms` normally; none when FC_RUNS asks for a long run. */
export function fuzzTimeout(ms: number): number {
  // vitest takes 0 as "no timeout".
  return longRun ? 0 : ms;
}
