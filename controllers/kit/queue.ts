/**
 * The de-duplicating work queue between a controller's event handlers and its workers, modelled on
 * client-go's workqueue. Its guarantees are what make level-based reconciling safe:
 *
 * - a key waiting in the queue is there once, however many events named it (de-duplication);
 * - a key is never handed to two workers at once; if it is added while being processed it is
 *   queued again once, when the worker calls `done(key)`, so the latest change is never lost;
 * - retries wait per-key exponential backoff combined with an overall rate limit;
 * - with a pacer (a controller's declared `pacing`), a key is not handed out before the pacer
 *   allows it: an add that comes too soon waits as a delayed add, however many events named it.
 *
 * Workers loop: `key = await get()`, reconcile, then `forget(key)` on success or
 * `addRateLimited(key)` on failure, and always `done(key)`.
 */
import type { Cancel, Clock } from './clock.js';
import type { Pacer } from './pacing.js';
import { defaultRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';

/** Options of `WorkQueue`. */
export interface WorkQueueOptions {
  clock: Clock;
  /** Defaults to `defaultRateLimiter(clock, rateLimits)`. */
  rateLimiter?: RateLimiter;
  /** Tunes the default rate limiter (ignored when `rateLimiter` is given). */
  rateLimits?: RateLimiterOptions;
  /** Spaces each key's turns (default: none); asked whenever a key would become ready. */
  pacer?: Pacer;
  /** Told of accepted adds and of how long each key waited ready before a worker took it (metrics). */
  observer?: QueueObserver;
}

/** What the queue tells its metrics (kit/metrics.ts). */
export interface QueueObserver {
  added(): void;
  waited(seconds: number): void;
}

/** Counters for dashboards and tests. */
export interface QueueMetrics {
  /** Keys accepted by `add` (de-duplicated adds are not counted). */
  adds: number;
  /** Calls to `addRateLimited`. */
  retries: number;
  /** Keys waiting to be handed to a worker now (`len()`). */
  depth: number;
  /** Keys waiting for a delay (`addAfter`, `addRateLimited`) to pass. */
  delayed: number;
  /** Keys being processed by a worker. */
  processing: number;
  /** Adds the pacer held back (each became a delayed add). */
  paced: number;
}

/** A FIFO of string keys with O(1) push and shift. */
class Fifo {
  private items: string[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head++];
    // Compact once the consumed prefix dominates, so memory stays proportional to the queue.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** A de-duplicating, rate-limited, delaying work queue of string keys. */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly pacer: Pacer | undefined;
  private readonly queue = new Fifo();
  /** Keys that need processing: waiting in `queue`, or re-added while processing. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys scheduled by `addAfter`, with the earliest time they are due. */
  private readonly delayed = new Map<string, { readyAt: number; cancel: Cancel }>();
  /** Keys whose last processing failed and that wait out their backoff (addRateLimited). */
  private readonly backingOff = new Set<string>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly observer: QueueObserver | undefined;
  /** When each key waiting in `queue` became ready, for the observer's waited(). */
  private readonly readySince = new Map<string, number>();
  private stopped = false;
  private adds = 0;
  private retryCount = 0;
  private pacedCount = 0;

  constructor({ clock, rateLimiter, rateLimits, pacer, observer }: WorkQueueOptions) {
    this.clock = clock;
    this.observer = observer;
    this.limiter = rateLimiter ?? defaultRateLimiter(clock, rateLimits);
    this.pacer = pacer;
  }

  /**
   * Marks `key` as needing processing. A no-op if it is already waiting or the queue is shut down.
   * A key the pacer holds back is added when its wait is over instead.
   */
  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    // A key being processed is paced when done() queues it again: its pacing is recorded by then.
    if (!this.processing.has(key) && this.heldBack(key)) return;
    this.adds++;
    this.observer?.added();
    this.dirty.add(key);
    // A key being processed is queued again by done(), never handed to a second worker.
    if (this.processing.has(key)) return;
    this.push(key);
    this.dispatch();
  }

  /**
   * Adds `key` after `ms` milliseconds. If the key is already scheduled, the earlier time wins,
   * so repeated retries of one key never pile up timers.
   */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.cancel();
    const cancel = this.clock.after(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { readyAt, cancel });
  }

  /** Adds `key` after the delay the rate limiter gives it (exponential per-key backoff, overall qps). */
  addRateLimited(key: string): void {
    if (this.stopped) return;
    this.retryCount++;
    this.backingOff.add(key);
    this.addAfter(key, this.limiter.when(key));
  }

  /**
   * Hands every key that waits out a failure's backoff to the workers now, as if its delay were
   * over (its backoff is kept: another failure waits longer still). For when what those failures
   * lacked is back, such as the API after an outage: a backoff grown through the outage would
   * otherwise keep work undone for as long again. Keys delayed for other reasons (addAfter,
   * pacing) keep their time.
   */
  retryBackingOffNow(): void {
    if (this.stopped) return;
    for (const key of this.backingOff) {
      const delay = this.delayed.get(key);
      if (!delay) continue;
      delay.cancel();
      this.delayed.delete(key);
      this.add(key);
    }
    this.backingOff.clear();
  }

  /** Resets `key`'s backoff: its next failure waits the base delay again. */
  forget(key: string): void {
    this.limiter.forget(key);
    this.backingOff.delete(key);
  }

  /** How many times `key` was retried since it was last forgotten. */
  numRequeues(key: string): number {
    return this.limiter.retries(key);
  }

  /**
   * The next key to process, waiting until there is one. The caller owns the key until it calls
   * `done(key)`. Resolves `undefined` once the queue is shut down: the worker should exit.
   */
  get(): Promise<string | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.stopped || !this.dirty.has(key)) return;
    if (this.heldBack(key)) {
      this.dirty.delete(key);
      return;
    }
    this.push(key);
    this.dispatch();
  }

  /**
   * Stops the queue: pending delays are cancelled, waiting keys are dropped, and every waiting and
   * future `get()` resolves `undefined`. Dropping rather than draining is deliberate: a controller
   * stops when it loses leadership, and must not act after that; its successor relists anyway.
   */
  shutDown(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const { cancel } of this.delayed.values()) cancel();
    this.delayed.clear();
    this.backingOff.clear();
    this.queue.clear();
    this.readySince.clear();
    this.dirty.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  /** True once `shutDown` was called. */
  isShuttingDown(): boolean {
    return this.stopped;
  }

  /** How many keys are waiting to be handed to a worker now (not counting delayed or processing ones). */
  len(): number {
    return this.queue.length;
  }

  /** A snapshot of the counters. */
  metrics(): QueueMetrics {
    return {
      adds: this.adds,
      retries: this.retryCount,
      depth: this.queue.length,
      delayed: this.delayed.size,
      processing: this.processing.size,
      paced: this.pacedCount,
    };
  }

  /** True when the pacer makes `key` wait: it is then added once the wait is over. */
  private heldBack(key: string): boolean {
    const wait = this.pacer?.delayFor(key, this.clock.now()) ?? 0;
    if (wait <= 0) return false;
    this.pacedCount++;
    this.addAfter(key, wait);
    return true;
  }

  /** Hands waiting keys straight to waiting getters, so a key is never claimed twice. */
  private dispatch(): void {
    while (this.getters.length > 0 && this.queue.length > 0) {
      const key = this.take();
      const resolve = this.getters.shift();
      if (key === undefined || !resolve) return;
      resolve(key);
    }
  }

  private push(key: string): void {
    this.queue.push(key);
    if (this.observer) this.readySince.set(key, this.clock.now());
  }

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    const since = this.readySince.get(key);
    if (since !== undefined) {
      this.readySince.delete(key);
      this.observer?.waited(Math.max(0, this.clock.now() - since) / 1000);
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}
