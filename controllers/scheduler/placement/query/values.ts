/**
 * How the cluster query language compares an instance's value with an expression's argument:
 * `*` wildcards, full-match regular expressions, dates and version-aware ordering.
 */

const REGEX_SPECIALS = /[.+?^${}()|[\]\\]/g;

export function hasWildcard(text: string): boolean {
  return text.includes('*');
}

/** `t2.*` as a wildcard pattern: `*` is any run of characters, everything else literal. */
export function wildcardRegExp(text: string): RegExp {
  const body = text
    .split('*')
    .map((part) => part.replace(REGEX_SPECIALS, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

/**
 * A `matches` argument as a RegExp that must match the whole value, as Java's `String.matches`
 * (which ECS documents) does: `=~ t2` does not match `t2.micro`, `=~ t2.*` does.
 * Throws SyntaxError when the pattern is not a valid regular expression.
 */
export function fullMatchRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 's');
}

/** One string test for `==`: exact, or wildcard when the argument has a `*`. */
export function equalityTest(argument: string): (value: string) => boolean {
  if (!hasWildcard(argument)) return (value) => value === argument;
  const re = wildcardRegExp(argument);
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
