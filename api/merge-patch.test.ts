import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.js';

// The examples of RFC 7386, appendix A.
describe('applyMergePatch (RFC 7386 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('does not modify its inputs', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

// Found by merge-patch.fuzz.test.ts: a member named "__proto__" (an ordinary member in JSON, and an
// own property once JSON.parse or the yaml package has read it) was assigned, which set the result's
// prototype instead: the member was lost, and an object under it showed through as inherited fields.
describe('applyMergePatch: a member named __proto__ is a member like any other', () => {
  it('is added as an own member, not made the prototype', () => {
    const result = applyMergePatch({ spec: {} }, JSON.parse('{"spec": {"__proto__": {"desiredCount": 9}}}'));
    const spec = (result as { spec: Record<string, unknown> }).spec;
    expect(Object.getPrototypeOf(spec)).toBe(Object.prototype);
    expect(Object.hasOwn(spec, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(spec, '__proto__')?.value).toEqual({ desiredCount: 9 });
    expect(spec.desiredCount).toBeUndefined();
  });

  it('is kept, merged into and removed', () => {
    const target = JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as unknown;
    const merged = applyMergePatch(target, JSON.parse('{"__proto__": {"c": 3}}')) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toEqual({ a: 1, c: 3 });
    expect(applyMergePatch(null, JSON.parse('{"__proto__": -1}'))).toEqual(JSON.parse('{"__proto__": -1}'));
    expect(Object.hasOwn(applyMergePatch(target, JSON.parse('{"__proto__": null}')) as object, '__proto__')).toBe(false);
  });
});
