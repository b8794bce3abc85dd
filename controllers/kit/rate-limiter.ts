/**
 * How long a retried key waits, modelled on client-go's workqueue rate limiters. The default
 * (`defaultRateLimiter`) is the max of a per-key exponential backoff, so one broken object backs off
 * on its own, and an overall token bucket, so a burst of failures cannot hammer the store.
 */
import type { Clock } from './clock.js';

/** Decides the delay before a key is retried. */
export interface RateLimiter {
  /** The delay in ms before `key` may be processed again; counts as one more retry of `key`. */
  when(key: string): number;
  /** Resets the per-key state of `key` (call when it was processed successfully). */
  forget(key: string): void;
  /** How many times `key` has been retried since it was last forgotten. */
  retries(key: string): number;
}

/** Options of `ExponentialBackoffLimiter`. */
export interface BackoffOptions {
  /** The first delay (default 5 ms). */
  baseMs?: number;
  /** The delay never grows past this (default 5 minutes). */
  maxMs?: number;
}

/** Per-key delay of base × 2^retries, capped: 5 ms, 10 ms, 20 ms, … up to `maxMs`. */
export class ExponentialBackoffLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor({ baseMs = 5, maxMs = 5 * 60_000 }: BackoffOptions = {}) {
    if (!(baseMs > 0) || !(maxMs >= baseMs)) throw new RangeError(`backoff: need 0 < baseMs <= maxMs, got baseMs=${baseMs} maxMs=${maxMs}`);
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2 ** n overflows to Infinity long after it passed any sane cap, so min() stays correct.
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** Options of `TokenBucketLimiter`. */
export interface TokenBucketOptions {
  /** Sustained rate in retries per second (default 10). */
  qps?: number;
  /** How many retries may happen at once before the rate applies (default 100). */
  burst?: number;
}

/**
 * An overall limit shared by all keys. Each `when` reserves a token; when the bucket is empty the
 * reservation is in the future and its wait is the delay (as golang.org/x/time/rate's Reserve).
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    { qps = 10, burst = 100 }: TokenBucketOptions = {},
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError(`token bucket: need qps > 0 and burst >= 1, got qps=${qps} burst=${burst}`);
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }

  forget(): void {
    // The bucket is shared: one key succeeding returns no tokens.
  }

  retries(): number {
    return 0;
  }
}

/** Combines limiters: the delay is the longest any of them asks for (client-go's MaxOfRateLimiter). */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new RangeError('MaxOfRateLimiter needs at least one limiter');
    this.limiters = limiters;
  }

  when(key: string): number {
    // Every limiter must see every retry (the bucket spends a token, the backoff counts a failure).
    return Math.max(...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  retries(key: string): number {
    return Math.max(...this.limiters.map((l) => l.retries(key)));
  }
}

/** Options of the default controller rate limiter. */
export interface RateLimiterOptions {
  backoff?: BackoffOptions;
  bucket?: TokenBucketOptions;
}

/** Per-key exponential backoff (5 ms ×2, cap 5 min) combined with a 10 qps / burst 100 bucket. */
export function defaultRateLimiter(clock: Clock, { backoff, bucket }: RateLimiterOptions = {}): RateLimiter {
  return new MaxOfRateLimiter(new ExponentialBackoffLimiter(backoff), new TokenBucketLimiter(clock, bucket));
}
