import { describe, expect, it } from 'vitest';
import { CostPacing, intervalWait } from './pacing.js';

describe('CostPacing', () => {
  it.each([
    // [factor, minIntervalMs, costMs of the last run, ms since it started, expected delay]
    [4, 0, 10, 0, 40],
    [4, 0, 10, 25, 15],
    [4, 0, 10, 40, 0],
    [4, 100, 10, 30, 70],
    [4, 100, 50, 150, 50],
    [4, 0, 0, 0, 0],
  ])('factor %i, min %i ms, last cost %i ms, %i ms later: waits %i ms', (factor, min, cost, later, expected) => {
    const pacing = new CostPacing(factor, min);
    pacing.record('k', 1_000, cost);
    expect(pacing.delayFor('k', 1_000 + later)).toBe(expected);
  });

  it('holds the minimum interval only after a run that wrote', () => {
    const pacing = new CostPacing(4, 100);
    pacing.record('k', 1_000, 5, false);
    expect(pacing.delayFor('k', 1_010)).toBe(10); // 4 × 5 ms, not 100
    pacing.record('k', 1_020, 5, true);
    expect(pacing.delayFor('k', 1_030)).toBe(90);
  });

  it('never delays a key it has not seen or has forgotten, and keeps keys apart', () => {
    const pacing = new CostPacing(4, 100);
    expect(pacing.delayFor('a', 0)).toBe(0);
    pacing.record('a', 0, 50);
    expect([pacing.delayFor('a', 10), pacing.delayFor('b', 10)]).toEqual([190, 0]);
    pacing.forget('a');
    expect(pacing.delayFor('a', 10)).toBe(0);
  });
});

describe('intervalWait (at most one write per interval)', () => {
  it.each([
    { case: 'never written since start', lastAt: undefined, now: 0, interval: 1_000, wait: 0 },
    { case: 'pacing off', lastAt: 900, now: 1_000, interval: 0, wait: 0 },
    { case: 'written 100 ms ago', lastAt: 900, now: 1_000, interval: 1_000, wait: 900 },
    { case: 'written exactly one interval ago', lastAt: 0, now: 1_000, interval: 1_000, wait: 0 },
    { case: 'written long ago', lastAt: 0, now: 60_000, interval: 1_000, wait: 0 },
  ])('intervalWait: $case → $wait ms', ({ lastAt, now, interval, wait }) => {
    expect(intervalWait(lastAt, now, interval)).toBe(wait);
  });
});
