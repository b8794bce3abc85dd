import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['60s', 60_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['0', 0],
    ['2', 2000],
    ['1.5s', 1500],
    ['90s', 90_000],
    ['5m', 300_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text, '--interval')).toBe(ms));

  it.each(['', 'soon', '5 parsecs', '10x', 's'])('"%s" is refused, naming the flag', (text) =>
    expect(() => parseDuration(text, '--interval')).toThrow(/--interval/),
  );
});
