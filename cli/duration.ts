/** Durations as flags take them: `60s`, `2m`, `1m30s`, `500ms`, `1h`; a bare number is seconds. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

export class DurationError extends Error {
  override readonly name = 'DurationError';
  readonly retriable = false;
}

export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  let total = 0;
  PART.lastIndex = 0;
  let matched = 0;
  for (let m = PART.exec(trimmed); m; m = PART.exec(trimmed)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    matched = PART.lastIndex;
  }
  if (trimmed === '' || matched !== trimmed.length) throw new DurationError(`invalid ${flag} "${text}": use a duration such as 60s, 2m, 1m30s or 500ms`);
  return Math.round(total);
}
