import { describe, expect, it } from 'vitest';
import { jsonEqual } from './json-equal.js';

describe('jsonEqual', () => {
  // Each case is checked against what a JSON round trip says, so the table cannot drift from JSON.
  const cases: [string, unknown, unknown, boolean][] = [
    ['same primitives', 3, 3, true],
    ['different primitives', 3, 4, false],
    ['string vs number', '3', 3, false],
    ['key order does not matter', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    ['an undefined property counts as absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['absent on the left, defined on the right', { a: 1 }, { a: 1, b: 0 }, false],
    ['null is not absent', { a: null }, {}, false],
    ['array order matters', [1, 2], [2, 1], false],
    ['array lengths differ', [1], [1, 1], false],
    ['undefined in an array is null', [undefined, 1], [null, 1], true],
    ['an array is not an object', { 0: 'x' }, ['x'], false],
    ['nested difference', { d: [{ id: 'a', n: 1 }] }, { d: [{ id: 'a', n: 2 }] }, false],
    ['null vs object', null, {}, false],
  ];
  it.each(cases)('%s', (_name, a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected);
    expect(jsonEqual(b, a)).toBe(expected);
    const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown;
    expect(expected).toBe(JSON.stringify(sorted(roundTrip(a))) === JSON.stringify(sorted(roundTrip(b))));
  });
});

/** Keys sorted at every level: JSON text that ignores key order. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
  );
}
