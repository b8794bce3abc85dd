import { yieldIfBusy } from '../../api/time-slice.js';

/**
 * Runs `work` over `items` with at most `limit` calls in flight, in order of `items`. Stops taking
 * new items once `signal` aborts (items not started are skipped). `work` must not throw: it reports
 * its own outcome. Gives the event loop a turn now and then (api/time-slice.ts), so thousands of items
 * whose work settles without I/O do not hold up every timer until the last is done.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      await work(item);
      await yieldIfBusy();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
