import { describe, expect, it } from 'vitest';
import { logContainers } from './log-container.js';

describe('logContainers', () => {
  it.each([
    ['the only container, even if not essential', [{ name: 'app', essential: false }], 'app'],
    ['the first essential one', [{ name: 'side', essential: false }, { name: 'app' }, { name: 'web', essential: true }], 'app'],
    ['essential is the default', [{ name: 'a' }, { name: 'b' }], 'a'],
    [
      'none essential: the first',
      [
        { name: 'x', essential: false },
        { name: 'y', essential: false },
      ],
      'x',
    ],
    ['no containers: none', [], undefined],
  ])('%s', (_what, containers, chosen) => {
    expect(logContainers(containers)).toEqual({ names: containers.map((c) => c.name), chosen });
  });
});
