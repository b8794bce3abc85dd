/**
 * Runs `work` over `items` with at most `limit` calls in flight, in order of `items`. Stops taking
 * new items once `signal` aborts (items not started are skipped). `work` must not throw: it reports
 * its own outcome.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
