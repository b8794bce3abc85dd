import { describe, expect, it } from 'vitest';
import { LaunchBackoff } from './launch-backoff.js';

const SETTINGS = { afterFailures: 3, baseMs: 1_000, maxMs: 8_000 };
type Step = [failed: string[], recovered: boolean, now: number, throttledUntil: number | undefined];

describe('LaunchBackoff', () => {
  it.each<[string, Step[]]>([
    [
      'below afterFailures: no throttle',
      [
        [['a'], false, 0, undefined],
        [['a', 'b'], false, 10, undefined],
      ],
    ],
    [
      'the third failure throttles for baseMs',
      [
        [['a', 'b'], false, 0, undefined],
        [['a', 'b', 'c'], false, 100, 1_100],
      ],
    ],
    [
      'each later observation with new failures doubles it, up to maxMs',
      [
        [['a', 'b', 'c'], false, 0, 1_000],
        [['a', 'b', 'c', 'd'], false, 1_000, 3_000],
        [['a', 'b', 'c', 'd', 'e'], false, 3_000, 7_000],
        [['a', 'b', 'c', 'd', 'e', 'f'], false, 7_000, 15_000],
        [['a', 'b', 'c', 'd', 'e', 'f', 'g'], false, 15_000, 23_000],
      ],
    ],
    [
      'failures already counted count once',
      [
        [['a', 'b', 'c'], false, 0, 1_000],
        [['a', 'b', 'c'], false, 2_000, undefined],
      ],
    ],
    [
      'a failed task deleted by the GC is not counted again',
      [
        [['a', 'b'], false, 0, undefined],
        [['b'], false, 10, undefined],
        [['b', 'c'], false, 20, 1_020],
      ],
    ],
    [
      'recovery resets the count and the backoff',
      [
        [['a', 'b', 'c', 'd'], false, 0, 1_000],
        [['a', 'b', 'c', 'd'], true, 5_000, undefined],
        [['a', 'b', 'c', 'd', 'e', 'f'], false, 6_000, undefined],
        [['a', 'b', 'c', 'd', 'e', 'f', 'g'], false, 7_000, 8_000],
      ],
    ],
  ])('%s', (_, steps) => {
    const backoff = new LaunchBackoff(SETTINGS);
    for (const [failed, recovered, now, want] of steps) {
      const until = backoff.observe('web', { failed, recovered }, now);
      expect(until).toBe(want);
      if (want !== undefined) {
        expect(backoff.throttledUntil('web', now)).toBe(want);
        expect(backoff.throttledUntil('web', want)).toBeUndefined();
      }
    }
  });

  it('keeps services apart, and forgets one', () => {
    const backoff = new LaunchBackoff(SETTINGS);
    expect(backoff.observe('web', { failed: ['a', 'b', 'c'], recovered: false }, 0)).toBe(1_000);
    expect(backoff.throttledUntil('api', 0)).toBeUndefined();
    backoff.forget('web');
    expect(backoff.throttledUntil('web', 0)).toBeUndefined();
  });
});
