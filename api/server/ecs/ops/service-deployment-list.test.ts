import { describe, expect, it } from 'vitest';
import { newestFirstKey } from './service-deployment-list.js';

describe('newestFirstKey', () => {
  it.each([
    ['5 ms apart in one second', 1796660434.5, 1796660434.505],
    ['across a second', 1796660434.999, 1796660435.001],
    ['a whole second against a fraction', 1796660434, 1796660434.25],
    ['years apart', 1000, 1796660434.5],
  ])('sorts the later deployment first: %s', (_what, earlier, later) => {
    const keys = [newestFirstKey(earlier, 'arn:a'), newestFirstKey(later, 'arn:b')].sort();
    expect(keys[0]).toBe(newestFirstKey(later, 'arn:b'));
  });

  it('sorts deployments created in the same millisecond by ARN', () => {
    expect([newestFirstKey(1796660434.5, 'arn:b'), newestFirstKey(1796660434.5, 'arn:a')].sort()[0]).toContain('arn:a');
  });
});
