import { describe, expect, it } from 'vitest';
import { lastSeen, liveness, shouldMarkDisconnected } from './liveness.js';
import { at, testInstance } from './testing.js';

const EXPIRE = 2_000;

describe('liveness (expiry counted from when the controller saw the heartbeat change)', () => {
  it.each([
    // observed at, now, expired, ms until expiry
    [0, 0, false, 2_000],
    [0, 1_999, false, 1],
    [0, 2_000, true, 0],
    [0, 60_000, true, 0],
    [5_000, 6_500, false, 500],
    [5_000, 4_000, false, 3_000],
  ])('observed at %i, now %i: expired %s, %i ms left', (observedAt, now, expired, left) => {
    expect(liveness(observedAt, now, EXPIRE)).toEqual({ expired, msUntilExpiry: left });
  });

  it.each([
    ['the last heartbeat', { heartbeat: 5 }, at(5)],
    ['registration when it never heartbeated', { status: { registeredAt: at(3) } }, at(3)],
  ])('the last sign of life the agent wrote is %s', (_, o, want) => {
    expect(lastSeen(testInstance('i-1', o))).toBe(want);
  });

  it.each([
    ['connected, expired', true, true, true],
    ['connected, fresh', true, false, false],
    ['already disconnected', false, true, false],
  ])('%s: mark disconnected %s', (_, connected, expired, want) => {
    expect(shouldMarkDisconnected(testInstance('i-1', { connected }), { expired, msUntilExpiry: 0 })).toBe(want);
  });
});
