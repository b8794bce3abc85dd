import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolate } from './interpolate.js';

const env: Record<string, string> = { USER: 'ann', EMPTY: '', PORT: '8080' };
const lookup = (name: string) => env[name];

describe('interpolate', () => {
  it.each([
    ['plain', 'plain', []],
    ['$USER', 'ann', []],
    ['${USER}-x', 'ann-x', []],
    ['$$USER', '$USER', []],
    ['cost: $$5', 'cost: $5', []],
    ['${MISSING}', '', ['MISSING']],
    ['${MISSING:-dflt}', 'dflt', []],
    ['${EMPTY:-dflt}', 'dflt', []],
    ['${EMPTY-dflt}', '', []],
    ['${MISSING-${PORT}}', '8080', []],
    ['${USER:+yes}', 'yes', []],
    ['${EMPTY:+yes}', '', []],
    ['${EMPTY+yes}', 'yes', []],
    ['http://localhost:${PORT:-80}/', 'http://localhost:8080/', []],
  ])('%s → %s', (text, value, unset) => {
    expect(interpolate(text, lookup)).toEqual({ value, unset });
  });

  it.each([
    ['${MISSING:?set MISSING first}', /required variable MISSING is missing a value: set MISSING first/],
    ['${EMPTY:?}', /required variable EMPTY/],
    ['${USER', /no closing/],
    ['${1abc}', /does not start with a variable name/],
    ['${USER*x}', /unknown operator/],
    ['a $ b', /write "\$\$"/],
  ])('%s is an error', (text, message) => {
    expect(() => interpolate(text, lookup)).toThrow(InterpolationError);
    expect(() => interpolate(text, lookup)).toThrow(message);
  });
});
