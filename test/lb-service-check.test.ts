/**
 * A Service's loadBalancers are checked against its task definition when the service is written,
 * on both real store backends: an unknown container or an unmapped port is refused with the field
 * and what to do, and nothing is stored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { rawObject, rawTaskDefinition } from '../api/v1/testing.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const td = rawTaskDefinition({
  containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 32, portMappings: [{ containerPort: 80 }] }],
});
const service = (name: string, lb: Record<string, unknown>) =>
  rawObject('Service', { taskDefinition: 'web', loadBalancers: [{ targetGroupName: 'web', ...lb }] }, name);

describe.each(testStoreBackends)("a Service's loadBalancers against its task definition on %s", (_name, open) => {
  let backend: TestStore;
  let resources: ResourceStore;
  beforeEach(async () => {
    backend = await open();
    resources = new ResourceStore(backend.store);
    await resources.create(td);
  });
  afterEach(() => backend.dispose());

  it('stores a service whose container maps the port', async () => {
    const created = await resources.create(service('ok', { containerName: 'app', containerPort: 80 }));
    expect(created.kind === 'Service' && created.spec.loadBalancers).toEqual([{ targetGroupName: 'web', containerName: 'app', containerPort: 80 }]);
  });

  it.each([
    ['an unknown container', { containerName: 'web', containerPort: 80 }, /spec\.loadBalancers\[0\]\.containerName|containerName.*no container "web"/],
    ['an unmapped port', { containerName: 'app', containerPort: 8080 }, /maps no containerPort 8080.*add the port/],
  ])('refuses %s and stores nothing', async (_what, lb, message) => {
    await expect(resources.create(service('bad', lb))).rejects.toThrow(message);
    expect(await resources.get('Service', { name: 'bad' })).toBeUndefined();
  });

  it('refuses an update that moves to an unmapped port, keeping the stored service', async () => {
    await resources.create(service('s', { containerName: 'app', containerPort: 80 }));
    const stored = await resources.get('Service', { name: 's' });
    if (stored?.kind !== 'Service') throw new Error('not stored');
    const next = { ...stored, spec: { ...stored.spec, loadBalancers: [{ targetGroupName: 'web', containerName: 'app', containerPort: 81 }] } };
    await expect(resources.update(next)).rejects.toThrow(/maps no containerPort 81/);
    const after = await resources.get('Service', { name: 's' });
    expect(after?.kind === 'Service' && after.spec.loadBalancers?.[0]?.containerPort).toBe(80);
  });
});
