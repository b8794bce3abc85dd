/**
 * Property tests of label selectors: any text parses or fails with an InvalidLabelSelector that
 * names a column inside it (what the API answers with a 400); any list of requirements, written
 * with any of the accepted spellings and spacing, parses back to itself; and a selector matches
 * exactly when each of its terms does.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, fuzzTimeout } from '../../../test/support/fuzz.js';
import { LabelSelectorError, matchesLabels, parseLabelSelector, type LabelSelector, type Requirement } from './label-selector.js';

function parseOrLocate(selector: string): LabelSelector | LabelSelectorError {
  try {
    return parseLabelSelector(selector);
  } catch (e) {
    // Anything but the located error (a TypeError, a RangeError) fails the property.
    if (!(e instanceof LabelSelectorError)) throw e;
    return e;
  }
}

const KEYS = ['app', 'tier', 'env', 'app.kubernetes.io/name', 'a', 'x-1'];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._/-]{0,8}[A-Za-z0-9])?$/));
const value = fc.oneof(fc.constantFrom('web', 'db', 'prod', '1', ''), fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,8}[A-Za-z0-9])?$/));
const ws = fc.constantFrom('', ' ', '  ', '\t');

/** A requirement and one way of writing it. */
const requirement: fc.Arbitrary<{ req: Requirement; text: string }> = fc.oneof(
  fc.tuple(key, value, fc.constantFrom('=', '==', '!='), ws, ws).map(([k, v, op, a, b]) => ({
    req: { op: op === '!=' ? 'notin' : 'in', key: k, values: [v] } as Requirement,
    text: `${k}${a}${op}${b}${v}`,
  })),
  fc
    .tuple(
      key,
      fc.array(
        value.filter((v) => v !== ''),
        { minLength: 1, maxLength: 4 },
      ),
      fc.constantFrom('in', 'notin'),
      ws,
    )
    .map(([k, vs, op, a]) => ({
      req: { op, key: k, values: vs } as Requirement,
      text: `${k} ${op}${a}(${a}${vs.join(`${a},${a}`)}${a})`,
    })),
  key.map((k) => ({ req: { op: 'exists', key: k } as Requirement, text: k })),
  fc.tuple(key, ws).map(([k, a]) => ({ req: { op: 'notexists', key: k } as Requirement, text: `!${a}${k}` })),
);
const selector = fc.array(fc.tuple(requirement, ws), { maxLength: 5 }).map((parts) => ({
  reqs: parts.map(([r]) => r.req),
  text: parts.map(([r, a]) => `${a}${r.text}${a}`).join(','),
}));

const TOKENS = ['app', 'web', '=', '==', '!=', '!', ',', ' ', 'in', 'notin', '(', ')', '-', '.', '/', '_', 'a b', '=~', '\u00e9', '\u{1F600}'];
const anyText = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((t) => t.join('')),
  fc.string({ maxLength: 30 }),
  selector.chain(({ text }) =>
    fc.tuple(fc.nat(), fc.constantFrom('', ',', '(', ')', '!', '=', ' ', '#')).map(([at, ch]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + ch + text.slice(ch === '' ? i + 1 : i);
    }),
  ),
);

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom('web', 'db', 'prod', '1', ''), { maxKeys: 4 });

describe('label selectors (fuzz)', () => {
  it('parse any text or fail with an InvalidLabelSelector that names a column inside it', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseOrLocate(text);
        if (!(parsed instanceof LabelSelectorError)) return;
        expect(parsed.name).toBe('InvalidLabelSelector');
        expect(parsed.column).toBeGreaterThanOrEqual(1);
        expect(parsed.column).toBeLessThanOrEqual(text.length + 1);
        expect(parsed.message).toContain(`at column ${parsed.column}`);
      }),
      fuzzParams(1500),
    );
  });

  it('parse any requirements back from any of their spellings', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(selector, ({ reqs, text }) => {
        expect(parseLabelSelector(text)).toEqual(reqs);
      }),
      fuzzParams(800),
    );
  });

  it('match exactly when every term matches', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(selector, labels, ({ text }, objectLabels) => {
        const whole = parseLabelSelector(text);
        const each = whole.every((r) => matchesLabels([r], objectLabels));
        expect(matchesLabels(whole, objectLabels)).toBe(each);
        // A negative requirement is exactly the opposite of its positive form.
        for (const r of whole) {
          const opposite: Requirement =
            r.op === 'in'
              ? { ...r, op: 'notin' }
              : r.op === 'notin'
                ? { ...r, op: 'in' }
                : r.op === 'exists'
                  ? { op: 'notexists', key: r.key }
                  : { op: 'exists', key: r.key };
          expect(matchesLabels([opposite], objectLabels)).toBe(!matchesLabels([r], objectLabels));
        }
      }),
      fuzzParams(800),
    );
  });
});
