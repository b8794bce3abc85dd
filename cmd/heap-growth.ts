/**
 * How far the JS heap of a long-running berth process may grow past what is live before V8 runs a
 * full collection (V8's --heap-growing-percent; Go's GOGC is the same knob). V8's own heuristic lets
 * a process that allocates fast grow its old generation to several times its live heap, almost all
 * of it garbage waiting for the next full collection: a control plane holding many tasks would
 * peak far above what it keeps. berth's control plane takes 75 % (1.75× live) by default: less
 * lets full collections slow placement, more lets the peak follow the garbage (bench/NOTES.md,
 * "heap growth", has the measurements on both sides).
 *
 * BERTH_HEAP_GROWTH_PERCENT overrides it (an integer, 1–1000); 0 keeps V8's own heuristic.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWTH_ENV = 'BERTH_HEAP_GROWTH_PERCENT';
export const DEFAULT_HEAP_GROWTH_PERCENT = 75;

/** The percent to apply (undefined: leave V8's default), or an error naming the variable. */
export function heapGrowthPercent(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[HEAP_GROWTH_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_HEAP_GROWTH_PERCENT;
  const percent = Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000)
    throw new Error(
      `${HEAP_GROWTH_ENV}="${raw}" is not a whole number from 0 to 1000; unset it for the default (${DEFAULT_HEAP_GROWTH_PERCENT}), or 0 for V8's own heap growth`,
    );
  return percent === 0 ? undefined : percent;
}

/** Applies the heap growth to this process; call once, before the process holds much. */
export function applyHeapGrowth(env: NodeJS.ProcessEnv = process.env, setFlags: (flags: string) => void = setFlagsFromString): number | undefined {
  const percent = heapGrowthPercent(env);
  if (percent !== undefined) setFlags(`--heap-growing-percent=${percent}`);
  return percent;
}
