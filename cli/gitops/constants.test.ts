/** Set names as the watch command takes them. */
import { describe, expect, it } from 'vitest';
import { setName } from './constants.js';

describe('setName', () => {
  it.each([
    ['/srv/site', undefined, 'site'],
    ['/srv/My Manifests!', undefined, 'my-manifests'],
    ['/srv/_x_', undefined, 'x'],
    ['/srv/site', 'prod.web', 'prod.web'],
  ])('%s --name %s → %s', (dir, explicit, want) => expect(setName(dir, explicit)).toBe(want));

  it.each([
    ['/srv/site', 'Bad Name'],
    ['/srv/site', '-x'],
    ['/srv/___', undefined],
  ])('%s --name %s is refused', (dir, explicit) => expect(() => setName(dir, explicit)).toThrow(/name/));
});
