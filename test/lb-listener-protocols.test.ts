/**
 * A listener and the target groups it forwards to share a protocol, checked on both real store
 * backends whichever side is written: a TCP listener forwarding to an HTTP group (or a group turned
 * to another protocol under its listeners) is refused with the field and what to do, and nothing is
 * stored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { rawObject } from '../api/v1/testing.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const group = (name: string, protocol: 'HTTP' | 'TCP') => rawObject('TargetGroup', { protocol }, name);
const balancer = (name: string, protocol: 'HTTP' | 'TCP', targetGroupName: string) =>
  rawObject('LoadBalancer', { listeners: [{ port: 5432, protocol, defaultActions: [{ type: 'forward', targetGroupName }] }] }, name);

describe.each(testStoreBackends)('listener and target group protocols on %s', (_name, open) => {
  let backend: TestStore;
  let resources: ResourceStore;
  beforeEach(async () => {
    backend = await open();
    resources = new ResourceStore(backend.store);
    await resources.create(group('web', 'HTTP'));
  });
  afterEach(() => backend.dispose());

  it('refuses a TCP listener forwarding to an HTTP group, and stores nothing', async () => {
    await expect(resources.create(balancer('db', 'TCP', 'web'))).rejects.toThrow(
      /spec\.listeners\[0\]\.defaultActions\[0\]\.targetGroupName: listener 5432 is TCP but target group "web" is HTTP.*make the listener HTTP/,
    );
    expect(await resources.get('LoadBalancer', { name: 'db' })).toBeUndefined();
  });

  it('refuses an update of a listener to TCP, keeping the stored one', async () => {
    const stored = await resources.create(balancer('front', 'HTTP', 'web'));
    if (stored.kind !== 'LoadBalancer') throw new Error('not stored');
    const listener = { ...stored.spec.listeners[0], protocol: 'TCP' };
    await expect(resources.update({ ...stored, spec: { listeners: [listener] } })).rejects.toThrow(/listener 5432 is TCP/);
    const after = await resources.get('LoadBalancer', { name: 'front' });
    expect(after?.kind === 'LoadBalancer' && after.spec.listeners[0]?.protocol).toBe('HTTP');
  });

  it('refuses a target group created or changed to another protocol than the listeners naming it', async () => {
    await resources.create(balancer('db', 'TCP', 'pg'));
    await expect(resources.create(group('pg', 'HTTP'))).rejects.toThrow(
      /spec\.protocol: load balancer db listener 5432 \(TCP\) forwards to this target group.*keep protocol TCP/,
    );
    expect(await resources.get('TargetGroup', { name: 'pg' })).toBeUndefined();
    await resources.create(group('pg', 'TCP'));
    await expect(resources.mutate('TargetGroup', { name: 'pg' }, (g) => void (g.spec.protocol = 'HTTP'))).rejects.toThrow(/keep protocol TCP/);
    const after = await resources.get('TargetGroup', { name: 'pg' });
    expect(after?.kind === 'TargetGroup' && after.spec.protocol).toBe('TCP');
  });
});
