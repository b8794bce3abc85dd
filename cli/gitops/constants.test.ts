/** Set names and durations as the watch command takes them. */
import { describe, expect, it } from 'vitest';
import { setName } from './constants.js';
import { parseDuration } from './duration.js';

describe('setName', () => {
  it.each([
    ['/srv/site', undefined, 'site'],
    ['/srv/My Manifests!', undefined, 'my-manifests'],
    ['/srv/_x_', undefined, 'x'],
    ['/srv/site', 'prod.web', 'prod.web'],
  ])('%s --name %s → %s', (dir, explicit, want) => expect(setName(dir, explicit)).toBe(want));

  it.each([['/srv/site', 'Bad Name'], ['/srv/site', '-x'], ['/srv/___', undefined]])('%s --name %s is refused', (dir, explicit) =>
    expect(() => setName(dir, explicit)).toThrow(/name/));
});

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
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text, '--interval')).toBe(ms));

  it.each(['', 'soon', '5 parsecs', '10x', 's'])('"%s" is refused, naming the flag', (text) => expect(() => parseDuration(text, '--interval')).toThrow(/--interval/));
});
