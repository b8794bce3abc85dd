import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, WatchQuota } from './limits.js';

const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });

describe('nestsDeeperThan', () => {
  it.each<[string, unknown, number, boolean]>([
    ['a scalar', 'x', 0, false],
    ['an object at the limit', deep(3), 3, false],
    ['an object past the limit', deep(4), 3, true],
    ['arrays count as levels', [[[1]]], 2, true],
    ['width is not depth', { a: {}, b: {}, c: [{}] }, 3, false],
    ['the deepest branch decides', { a: 1, b: { c: { d: {} } } }, 3, true],
  ])('%s', (_name, value, max, expected) => {
    expect(nestsDeeperThan(value, max)).toBe(expected);
  });

  it('walks 100,000 levels without recursion', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(nestsDeeperThan(v, 100)).toBe(true);
  });
});

describe('WatchQuota', () => {
  it('counts per principal, and a release frees one slot once', () => {
    const quota = new WatchQuota(2);
    const first = quota.acquire('a');
    quota.acquire('a');
    quota.acquire('b');
    expect(() => quota.acquire('a')).toThrow(/a already has 2 watches open/);
    first();
    first();
    quota.acquire('a');
    expect(() => quota.acquire('a')).toThrow(/429|watches open/);
  });
});
