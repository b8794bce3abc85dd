/**
 * Time, injected. Every delay in the kit (queue backoff, rate limits, requeueAfter, informer resync
 * and relist) goes through a `Clock`, so tests drive time with `FakeClock.advance` instead of
 * waiting on real timers, and a controller's behaviour over minutes is tested in milliseconds.
 */

/** Cancels a scheduled callback; calling it after the callback ran (or twice) does nothing. */
export type Cancel = () => void;

/** The source of time for controllers and the kit's machinery. */
export interface Clock {
  /** Milliseconds since the Unix epoch (like `Date.now()`). */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now (negative or zero means "as soon as possible"). */
  after(ms: number, fn: () => void): Cancel;
  /**
   * Resolves after `ms` milliseconds: `true` when the time passed, `false` when `signal` aborted first.
   * It resolves rather than rejects on abort because every caller is a loop that checks its signal next.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
}

/** Shared by both clocks: `sleep` built on `after`, so a fake clock's sleeps follow `advance`. */
function sleepWith(clock: Pick<Clock, 'after'>, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The wall clock, backed by `Date.now` and `setTimeout`. */
export const realClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); chain shorter waits instead,
    // so a requeueAfter of a month does not turn into a hot loop.
    let timer: NodeJS.Timeout;
    const wait = (remaining: number) => {
      const step = Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS);
      timer = setTimeout(() => (remaining > MAX_TIMEOUT_MS ? wait(remaining - MAX_TIMEOUT_MS) : fn()), step);
    };
    wait(ms);
    return () => clearTimeout(timer);
  },
  sleep(ms, signal) {
    return sleepWith(realClock, ms, signal);
  },
};

interface FakeTimer {
  due: number;
  /** Tie-breaker: timers due at the same instant fire in the order they were scheduled. */
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer that falls due within the
 * window in due-time order, including timers scheduled by timers that fired during the same advance.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Set<FakeTimer>();

  /** @param start the initial time in epoch milliseconds (default: 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): Cancel {
    const timer: FakeTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return () => {
      this.timers.delete(timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    return sleepWith(this, ms, signal);
  }

  /** How many timers are scheduled and not yet fired or cancelled. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers synchronously, earliest first. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) this.fire(timer);
    this.current = target;
  }

  /**
   * Like `advance`, but lets promise callbacks run after each timer fires (and once before the
   * first), so async code woken by a timer (a worker awaiting `queue.get()`, a `sleep`) can schedule
   * its next timer inside the same window. Use this to drive async loops such as `runController`.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushPromises();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.fire(timer);
      await flushPromises();
    }
    this.current = target;
  }

  private nextDue(limit: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.due > limit) continue;
      if (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
    }
    return next;
  }

  private fire(timer: FakeTimer): void {
    this.timers.delete(timer);
    this.current = Math.max(this.current, timer.due);
    timer.fn();
  }
}

/**
 * Lets every pending promise callback (and the ones they queue) run. `setImmediate` runs after the
 * microtask queue is drained, and a few rounds cover chains of awaits across several objects.
 */
export async function flushPromises(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
