import { describe, expect, it, vi } from 'vitest';
import { FakeClock, realClock } from './clock.js';

describe('FakeClock', () => {
  it('fires due timers in due order, ties in scheduling order, and leaves later ones pending', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.after(30, () => fired.push('c@30'));
    clock.after(10, () => fired.push('a@10'));
    clock.after(10, () => fired.push('b@10'));
    clock.after(50, () => fired.push('d@50'));
    clock.advance(30);
    expect(fired).toEqual(['a@10', 'b@10', 'c@30']);
    expect(clock.now()).toBe(30);
    expect(clock.pending()).toBe(1);
  });

  it('fires timers scheduled by fired timers within the same advance, at their own due time', () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const tick = () => {
      seen.push(clock.now());
      clock.after(10, tick);
    };
    clock.after(10, tick);
    clock.advance(35);
    expect(seen).toEqual([10, 20, 30]);
    expect(clock.now()).toBe(35);
    expect(clock.pending()).toBe(1);
  });

  it('does not fire cancelled timers', () => {
    const clock = new FakeClock(0);
    let fired = false;
    const cancel = clock.after(5, () => (fired = true));
    cancel();
    clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it.each([
    { name: 'time passes', abortAt: undefined, expected: true },
    { name: 'signal aborts first', abortAt: 5, expected: false },
  ])('sleep resolves $expected when $name', async ({ abortAt, expected }) => {
    const clock = new FakeClock(0);
    const ctl = new AbortController();
    const slept = clock.sleep(10, ctl.signal);
    if (abortAt !== undefined) {
      clock.advance(abortAt);
      ctl.abort();
    }
    await clock.advanceAsync(20);
    await expect(slept).resolves.toBe(expected);
    expect(clock.pending()).toBe(0);
  });

  it('advanceAsync lets async code woken by a timer schedule its next timer in the same window', async () => {
    const clock = new FakeClock(0);
    const woke: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        woke.push(clock.now());
      }
    })();
    await clock.advanceAsync(250);
    expect(woke).toEqual([100, 200]);
  });
});

describe('realClock', () => {
  it('does not fire a delay longer than setTimeout can hold at once', () => {
    vi.useFakeTimers();
    try {
      let fired = false;
      const month = 30 * 24 * 3600_000;
      realClock.after(month, () => (fired = true));
      vi.advanceTimersByTime(month - 1);
      expect(fired).toBe(false);
      vi.advanceTimersByTime(1);
      expect(fired).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
