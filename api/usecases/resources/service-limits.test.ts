import { describe, expect, it } from 'vitest';
import { Service } from '../../v1/index.js';
import { InvalidError } from './errors.js';
import { checkServiceLimits } from './service-limits.js';

const service = (desiredCount: number) =>
  Service.parse({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web', cluster: 'prod' }, spec: { taskDefinition: 'web', desiredCount } });
const id = { kind: 'Service', cluster: 'prod', name: 'web' };

describe('checkServiceLimits', () => {
  it.each([
    ['within the default limit', 5_000, undefined, undefined, undefined],
    ['above the default limit', 5_001, undefined, undefined, 'desiredCount 5001 is above the limit of 5000 tasks per service of cluster prod'],
    ['within a raised limit', 20_000, undefined, 20_000, undefined],
    ['above a lowered limit', 11, undefined, 10, 'desiredCount 11 is above the limit of 10'],
    ['a write that does not raise the count is not checked', 50, 60, 10, undefined],
    ['a write that raises it is', 61, 60, 10, 'desiredCount 61 is above the limit of 10'],
  ])('%s', async (_, desired, before, limit, error) => {
    const check = checkServiceLimits(service(desired), before === undefined ? undefined : service(before), id, async () => limit);
    if (error === undefined) await expect(check).resolves.toBeUndefined();
    else {
      const err = await check.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidError);
      expect(err instanceof InvalidError && err.issues).toEqual([{ path: ['spec', 'desiredCount'], message: expect.stringContaining(error) }]);
    }
  });
});
