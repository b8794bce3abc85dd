/**
 * How the cluster query language compares an instance's value with an expression's argument:
 * `*` wildcards, full-match regular expressions, dates and version-aware ordering.
 *
 * Patterns come from users and run in the process that serves the API, so they run on re2js
 * (RE2's linear-time automaton, pure JavaScript): a pattern such as `(a+)+b` takes time linear in
 * the value instead of backtracking for minutes with the event loop blocked. RE2's syntax is the
 * one Go and etcd users know; it lacks backreferences and lookaround, which such a pattern refuses
 * with a clear error at validation.
 */
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';
import { loadOnce } from '../load-once.js';

/** re2js is loaded with the first pattern: most clusters' queries have none, and every process that places tasks imports this. */
const RE2 = loadOnce(() => (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS);

/** A compiled pattern that must match the whole value. */
export interface FullMatch {
  test(value: string): boolean;
}

export function hasWildcard(text: string): boolean {
  return text.includes('*');
}

/** `t2.*` as a wildcard pattern: `*` is any run of characters, everything else literal. */
export function wildcardPattern(text: string): FullMatch {
  return fullMatchPattern(
    text
      .split('*')
      .map((part) => RE2().quote(part))
      .join('.*'),
  );
}

/**
 * A `matches` argument as a pattern that must match the whole value, as Java's `String.matches`
 * (which ECS documents) does: `=~ t2` does not match `t2.micro`, `=~ t2.*` does.
 * Throws (re2js's RE2JSSyntaxException, naming the problem) when the pattern is not valid RE2.
 */
export function fullMatchPattern(pattern: string): FullMatch {
  const re = RE2().compile(pattern, RE2().DOTALL);
  return { test: (value) => re.matches(value) };
}

/** One string test for `==`: exact, or wildcard when the argument has a `*`. */
export function equalityTest(argument: string): (value: string) => boolean {
  if (!hasWildcard(argument)) return (value) => value === argument;
  const re = wildcardPattern(argument);
  return (value) => re.test(value);
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * The date formats ECS documents for `registeredAt`: 2018-06-18T22:28:28+00:00,
 * 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 and 2018-06-18 (no offset means UTC).
 * Returns epoch milliseconds, or undefined when the text is not such a date.
 */
export function parseQueryDate(text: string): number | undefined {
  if (!DATE_TEXT.test(text)) return undefined;
  const hasOffset = /(?:Z|[+-]\d{2}:\d{2})$/.test(text) && text.includes('T');
  const iso = text.includes('T') ? (hasOffset ? text : `${text}Z`) : `${text}T00:00:00Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

const NUMBER_TEXT = /^-?\d+(?:\.\d+)?$/;
const SEGMENT_SPLIT = /[.\-+_]/;

/**
 * Orders two values: numerically when both are numbers ("10" > "9"), otherwise segment by segment
 * so versions order as people expect ("1.10.0" > "1.9.2"), numeric segments numerically.
 */
export function compareValues(a: string, b: string): number {
  if (NUMBER_TEXT.test(a) && NUMBER_TEXT.test(b)) return Math.sign(Number(a) - Number(b));
  const left = a.split(SEGMENT_SPLIT);
  const right = b.split(SEGMENT_SPLIT);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Math.sign(Number(x) - Number(y)) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}
