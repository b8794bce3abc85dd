import { describe, expect, it } from 'vitest';
import { forEachBounded } from './pool.js';

describe('forEachBounded', () => {
  it('runs every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachBounded(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, i % 3));
        seen.push(i);
        inFlight--;
      },
    );
    expect(most).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('starts nothing new once the signal aborts', async () => {
    const stop = new AbortController();
    const started: number[] = [];
    await forEachBounded(
      [1, 2, 3, 4, 5],
      1,
      async (i) => {
        started.push(i);
        if (i === 2) stop.abort();
      },
      stop.signal,
    );
    expect(started).toEqual([1, 2]);
  });

  it('handles no items', async () => {
    await expect(forEachBounded([], 8, async () => undefined)).resolves.toBeUndefined();
  });
});
