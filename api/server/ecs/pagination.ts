/**
 * ECS's list pagination: `maxResults` (1-100; absent, up to 100 results) and an opaque `nextToken`
 * that continues after the last item returned. berth's token is the last item's sort key, so a page
 * stays right when items are added or removed between calls.
 */
import { invalidParameter } from './errors.js';

export const MAX_RESULTS = 100;

export function page<T>(items: readonly T[], keyOf: (item: T) => string, nextToken: string | undefined, maxResults: number | undefined) {
  if (maxResults !== undefined && (maxResults < 1 || maxResults > MAX_RESULTS)) throw invalidParameter(`maxResults must be 1-${MAX_RESULTS}`);
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let start = 0;
  if (nextToken !== undefined) {
    const after = decodeToken(nextToken);
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const size = maxResults ?? MAX_RESULTS;
  const slice = sorted.slice(start, start + size);
  const last = slice.at(-1);
  const more = start + size < sorted.length && last !== undefined;
  return { items: slice, ...(more ? { nextToken: Buffer.from(JSON.stringify({ after: keyOf(last) })).toString('base64url') } : {}) };
}

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'after' in parsed && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through: any token we did not make is refused alike
  }
  throw invalidParameter('nextToken is not one this API returned; start again without it');
}
