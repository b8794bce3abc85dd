import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { ExponentialBackoffLimiter, MaxOfRateLimiter, TokenBucketLimiter, defaultRateLimiter } from './rate-limiter.js';

describe('ExponentialBackoffLimiter', () => {
  it.each([
    { baseMs: 5, maxMs: 300_000, calls: 5, expected: [5, 10, 20, 40, 80] },
    { baseMs: 5, maxMs: 30, calls: 5, expected: [5, 10, 20, 30, 30] },
    { baseMs: 100, maxMs: 100, calls: 3, expected: [100, 100, 100] },
  ])('base $baseMs cap $maxMs gives $expected', ({ baseMs, maxMs, calls, expected }) => {
    const limiter = new ExponentialBackoffLimiter({ baseMs, maxMs });
    expect(Array.from({ length: calls }, () => limiter.when('k'))).toEqual(expected);
    expect(limiter.retries('k')).toBe(calls);
  });

  it('stays at the cap after very many failures', () => {
    const limiter = new ExponentialBackoffLimiter({ baseMs: 5, maxMs: 300_000 });
    for (let i = 0; i < 2000; i++) limiter.when('k');
    expect(limiter.when('k')).toBe(300_000);
  });

  it('keeps keys independent and forget resets one key only', () => {
    const limiter = new ExponentialBackoffLimiter();
    limiter.when('a');
    limiter.when('a');
    limiter.when('b');
    limiter.forget('a');
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('b')).toBe(10);
  });

  it.each([
    { baseMs: 0, maxMs: 10 },
    { baseMs: 10, maxMs: 5 },
  ])('rejects baseMs=$baseMs maxMs=$maxMs', (opts) => {
    expect(() => new ExponentialBackoffLimiter(opts)).toThrow(/baseMs/);
  });
});

describe('TokenBucketLimiter', () => {
  it('allows the burst at once, then one token per 1/qps seconds', () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucketLimiter(clock, { qps: 10, burst: 3 });
    expect([bucket.when(), bucket.when(), bucket.when()]).toEqual([0, 0, 0]);
    // Reservations queue up: the 4th waits 100 ms, the 5th 200 ms.
    expect(bucket.when()).toBe(100);
    expect(bucket.when()).toBe(200);
    clock.advance(1_000);
    // 1 s refills 10 tokens, but never above the burst of 3; 2 were owed.
    expect([bucket.when(), bucket.when(), bucket.when()]).toEqual([0, 0, 0]);
    expect(bucket.when()).toBe(100);
  });
});

describe('MaxOfRateLimiter', () => {
  it('takes the larger of backoff and bucket delays', () => {
    const clock = new FakeClock(0);
    const limiter = new MaxOfRateLimiter(new ExponentialBackoffLimiter({ baseMs: 5, maxMs: 1_000 }), new TokenBucketLimiter(clock, { qps: 1, burst: 1 }));
    expect(limiter.when('a')).toBe(5); // bucket has its one token; backoff decides
    expect(limiter.when('b')).toBe(1_000); // bucket empty: 1 s wait beats b's 5 ms backoff
    expect(limiter.retries('a')).toBe(1);
    limiter.forget('a');
    expect(limiter.retries('a')).toBe(0);
  });

  it('defaultRateLimiter honours configured backoff and bucket', () => {
    const clock = new FakeClock(0);
    const limiter = defaultRateLimiter(clock, { backoff: { baseMs: 1, maxMs: 4 }, bucket: { qps: 1000, burst: 1000 } });
    expect([1, 2, 3, 4].map(() => limiter.when('k'))).toEqual([1, 2, 4, 4]);
  });
});
