import { describe, expect, it } from 'vitest';
import { liveness, shouldMarkDisconnected } from './liveness.js';
import { atMs, testInstance } from './testing.js';

const EXPIRE = 2_000;

describe('liveness (heartbeat expiry math)', () => {
  it.each([
    // heartbeat at, now, expired, ms until expiry
    [0, 0, false, 2_000],
    [0, 1_999, false, 1],
    [0, 2_000, true, 0],
    [0, 60_000, true, 0],
    [5_000, 6_500, false, 500],
    [5_000, 4_000, false, 3_000], // a heartbeat "from the future" (clock skew) only delays expiry
  ])('heartbeat at %i, now %i: expired %s, %i ms left', (heartbeat, now, expired, left) => {
    const life = liveness(testInstance('i-1', { heartbeat }), atMs(now), EXPIRE);
    expect(life).toMatchObject({ expired, msUntilExpiry: left });
  });

  it('counts an instance that never heartbeated from its registration', () => {
    const fresh = testInstance('i-1', { connected: false, status: { registeredAt: new Date(atMs(10_000)).toISOString() } });
    expect(liveness(fresh, atMs(11_000), EXPIRE)).toMatchObject({ expired: false, msUntilExpiry: 1_000 });
    expect(liveness(fresh, atMs(12_000), EXPIRE).expired).toBe(true);
  });

  it.each([
    ['connected, expired', { heartbeat: 0, connected: true }, 3_000, true],
    ['connected, fresh', { heartbeat: 0, connected: true }, 1_000, false],
    ['already disconnected', { heartbeat: 0, connected: false }, 3_000, false],
  ])('%s: mark disconnected %s', (_, o, now, want) => {
    expect(shouldMarkDisconnected(testInstance('i-1', o), atMs(now), EXPIRE)).toBe(want);
  });
});
