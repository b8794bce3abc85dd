/**
 * Property tests of JSON Merge Patch against RFC 7386's own definition: for any JSON target and
 * patch, applying never throws and never changes its inputs; a patch that is not an object replaces
 * the target; in an object patch `null` removes a member, any other value is merged into the
 * member recursively, and members the patch does not name are kept; and applying a patch twice
 * gives what applying it once does.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, fuzzTimeout } from '../test/support/fuzz.js';
import { applyMergePatch, isPlainObject } from './merge-patch.js';

/** Member names, few enough that target and patch often share them; `__proto__` and friends included. */
const KEYS = ['a', 'b', 'spec', 'metadata', 'labels', '', '__proto__', 'constructor', 'toString'];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 4 }));

/** JSON values as JSON.parse makes them (a `__proto__` member is an own property there too). */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, '', 'x'),
    fc.string({ maxLength: 6 }),
    fc.array(tie('json'), { maxLength: 3 }),
    fc
      .array(fc.tuple(key, tie('json')), { maxLength: 4 })
      .map((members) => JSON.parse(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as unknown),
  ),
}));

const own = (value: Record<string, unknown>, k: string) => (Object.hasOwn(value, k) ? value[k] : undefined);

describe('applyMergePatch (fuzz)', () => {
  it('follows RFC 7386 member by member, for any target and patch', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(json, json, (target, patch) => {
        const targetBefore = JSON.stringify(target);
        const patchBefore = JSON.stringify(patch);
        const result = applyMergePatch(target, patch);
        expect(JSON.stringify(target)).toBe(targetBefore);
        expect(JSON.stringify(patch)).toBe(patchBefore);
        if (!isPlainObject(patch)) {
          expect(result).toBe(patch);
          return;
        }
        expect(isPlainObject(result)).toBe(true);
        if (!isPlainObject(result)) return;
        // A result is plain data: no member may have become its prototype instead (`__proto__`).
        expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
        const base = isPlainObject(target) ? target : {};
        const names = new Set([...Object.keys(base), ...Object.keys(patch)]);
        for (const name of names) {
          const change = own(patch, name);
          if (change === null) expect(Object.hasOwn(result, name)).toBe(false);
          else if (change === undefined) expect(own(result, name)).toBe(own(base, name));
          else expect(own(result, name)).toEqual(applyMergePatch(own(base, name), change));
        }
        expect(Object.keys(result).every((name) => names.has(name))).toBe(true);
      }),
      fuzzParams(2000),
    );
  });

  it('gives the same result when applied twice', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(json, json, (target, patch) => {
        const once = applyMergePatch(target, patch);
        expect(JSON.stringify(applyMergePatch(once, patch))).toBe(JSON.stringify(once));
      }),
      fuzzParams(1500),
    );
  });

  it('turns a target into any other JSON object with the patch that names the difference', { timeout: fuzzTimeout(30_000) }, () => {
    /** The smallest merge patch from `from` to `to` (objects only; arrays and scalars are replaced). */
    const diff = (from: unknown, to: unknown): unknown => {
      if (!isPlainObject(from) || !isPlainObject(to)) return to;
      const patch: Record<string, unknown> = {};
      for (const name of Object.keys(from))
        if (!Object.hasOwn(to, name)) Object.defineProperty(patch, name, { value: null, enumerable: true, writable: true, configurable: true });
      for (const [name, value] of Object.entries(to))
        Object.defineProperty(patch, name, {
          value: Object.hasOwn(from, name) ? diff(from[name], value) : value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return patch;
    };
    // Objects without nulls in them: RFC 7386 cannot set a member to null.
    const noNulls = json.filter((v) => !JSON.stringify(v).includes('null'));
    fc.assert(
      fc.property(noNulls, noNulls, (from, to) => {
        expect(applyMergePatch(from, diff(from, to))).toEqual(to);
      }),
      fuzzParams(1500),
    );
  });
});
