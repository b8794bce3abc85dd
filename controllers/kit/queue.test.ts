import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import { WorkQueue } from './queue.js';

const newQueue = (clock = new FakeClock(0)) =>
  new WorkQueue({ clock, rateLimits: { backoff: { baseMs: 5, maxMs: 1_000 }, bucket: { qps: 1_000_000, burst: 1_000_000 } } });

/** Takes every key that is ready now, without waiting. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
  }
  return keys;
}

describe('WorkQueue de-duplication', () => {
  it.each([
    { adds: ['a', 'a', 'a'], expected: ['a'] },
    { adds: ['a', 'b', 'a', 'c', 'b'], expected: ['a', 'b', 'c'] },
    { adds: [], expected: [] },
  ])('adds $adds hand out $expected once each, in first-add order', async ({ adds, expected }) => {
    const queue = newQueue();
    for (const key of adds) queue.add(key);
    expect(queue.len()).toBe(expected.length);
    expect(await drain(queue)).toEqual(expected);
    expect(queue.metrics().adds).toBe(expected.length);
  });
});

describe('WorkQueue processing', () => {
  it('never hands a key being processed to a second worker, and requeues it once after done', async () => {
    const queue = newQueue();
    queue.add('a');
    const first = await queue.get();
    expect(first).toBe('a');

    queue.add('a');
    queue.add('a'); // de-duplicated with the previous add while processing
    const second = queue.get();
    let secondKey: string | undefined = 'not yet';
    void second.then((k) => (secondKey = k));
    await flushPromises();
    expect(secondKey).toBe('not yet');
    expect(queue.len()).toBe(0);

    queue.done('a');
    await expect(second).resolves.toBe('a');
    queue.done('a');
    expect(queue.len()).toBe(0);
    expect(queue.metrics()).toMatchObject({ depth: 0, processing: 0 });
  });

  it('does not requeue a key that was not added again while processing', async () => {
    const queue = newQueue();
    queue.add('a');
    queue.done((await queue.get()) ?? '');
    expect(queue.len()).toBe(0);
  });

  it('wakes waiting getters in order, one key each', async () => {
    const queue = newQueue();
    const getters = [queue.get(), queue.get()];
    queue.add('x');
    queue.add('y');
    await expect(Promise.all(getters)).resolves.toEqual(['x', 'y']);
  });
});

describe('WorkQueue delays', () => {
  it('addAfter adds the key only once the delay passed, keeping the earliest of repeated delays', () => {
    const clock = new FakeClock(0);
    const queue = newQueue(clock);
    queue.addAfter('a', 100);
    queue.addAfter('a', 50);
    queue.addAfter('a', 500);
    expect(queue.metrics().delayed).toBe(1);
    clock.advance(49);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(queue.len()).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('addRateLimited backs off exponentially per key up to the cap, and forget resets it', async () => {
    const clock = new FakeClock(0);
    const queue = newQueue(clock);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = clock.now();
      queue.addRateLimited('a');
      // Bounded, so a regression fails the test instead of hanging it.
      for (let waited = 0; queue.len() === 0 && waited < 10_000; waited++) clock.advance(1);
      delays.push(clock.now() - start);
      queue.done((await queue.get()) ?? '');
    }
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1_000, 1_000]);
    expect(queue.numRequeues('a')).toBe(10);
    expect(queue.metrics().retries).toBe(10);

    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    queue.addRateLimited('a');
    clock.advance(4);
    expect(queue.metrics().delayed).toBe(1);
    clock.advance(1);
    expect(queue.metrics().delayed).toBe(0);
  });

  it('retryBackingOffNow hands out the keys waiting out a failure at once, keeps their backoff, and leaves other delays alone', async () => {
    const clock = new FakeClock(0);
    const queue = newQueue(clock);
    // 'failed' fails 6 times (its next wait 320 ms); 'later' asked to be looked at in a minute.
    for (let i = 0; i < 6; i++) queue.addRateLimited('failed');
    queue.addAfter('later', 60_000);
    queue.retryBackingOffNow();
    expect(await drain(queue)).toEqual(['failed']);
    queue.done('failed');
    expect(queue.metrics().delayed).toBe(1);
    // Its backoff is kept: the next failure waits longer still.
    expect(queue.numRequeues('failed')).toBe(6);
    queue.addRateLimited('failed');
    clock.advance(319);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(await drain(queue)).toEqual(['failed']);
    queue.done('failed');
    // Only keys waiting out a failure now: not one that ran since, nor one that succeeded (forget).
    queue.addRateLimited('fixed');
    queue.forget('fixed');
    queue.retryBackingOffNow();
    expect(queue.len()).toBe(0);
    expect(queue.metrics().delayed).toBe(2); // 'later' and 'fixed' keep their time
  });

  it('applies the overall rate limit across keys once the burst is spent', () => {
    const clock = new FakeClock(0);
    const queue = new WorkQueue({ clock, rateLimits: { backoff: { baseMs: 1, maxMs: 1 }, bucket: { qps: 10, burst: 2 } } });
    for (const key of ['a', 'b', 'c', 'd']) queue.addRateLimited(key);
    clock.advance(1);
    expect(queue.len()).toBe(2); // a and b: burst
    clock.advance(99);
    expect(queue.len()).toBe(3); // c: 100 ms later
    clock.advance(100);
    expect(queue.len()).toBe(4); // d: 200 ms later
  });
});

describe('WorkQueue shutdown', () => {
  it('wakes waiting getters with undefined, cancels delays, and ignores later adds', async () => {
    const clock = new FakeClock(0);
    const queue = newQueue(clock);
    const waiting = [queue.get(), queue.get()];
    queue.addAfter('later', 100);
    queue.shutDown();
    await expect(Promise.all(waiting)).resolves.toEqual([undefined, undefined]);
    expect(clock.pending()).toBe(0);
    queue.add('a');
    queue.addRateLimited('b');
    expect(queue.len()).toBe(0);
    await expect(queue.get()).resolves.toBeUndefined();
    expect(queue.isShuttingDown()).toBe(true);
  });

  it('drops keys still waiting, since a stopped controller must not act', async () => {
    const queue = newQueue();
    queue.add('a');
    queue.shutDown();
    await expect(queue.get()).resolves.toBeUndefined();
  });
});
