/**
 * The informer over the real API client and the real stores (etcd under a unique namespace, and
 * SQLite): what a controller sees when objects are created, changed and deleted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalClient } from '../api/client/local-client.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { testStoreBackends, type TestStore } from './support/stores.js';
import { realClock } from '../controllers/kit/clock.js';
import { clientListWatch } from '../controllers/kit/client-list-watch.js';
import { Informer } from '../controllers/kit/informer.js';
import { requestKey, type ObjectOf } from '../controllers/kit/types.js';

const service = (name: string, desiredCount = 2) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name },
  spec: { taskDefinition: 'web', desiredCount },
});
const keyOf = (name: string) => requestKey({ kind: 'Service', cluster: 'default', name });

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(testStoreBackends)('clientListWatch on %s', (backendName, open) => {
  let backend: TestStore;
  let client: LocalClient;
  let informer: Informer<ObjectOf<'Service'>> | undefined;
  beforeEach(async () => {
    backend = await open();
    client = new LocalClient(new ResourceStore(backend.store));
  });
  afterEach(async () => {
    informer?.stop();
    await backend.dispose();
  });

  it('keeps an informer in step with creates, updates and deletes', async () => {
    await client.create(service('a'));
    const events: string[] = [];
    informer = new Informer({ source: clientListWatch(client, 'Service'), clock: realClock });
    informer.addEventHandler({
      onAdd: (o) => events.push(`add ${o.metadata.name}`),
      onUpdate: (_old, o) => events.push(`update ${o.metadata.name} ${o.spec.desiredCount}`),
      onDelete: (o) => events.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    await expect(informer.waitForSync()).resolves.toBe(true);
    expect(events).toEqual(['add a']);

    await client.create(service('b'));
    await client.mutate('Service', { name: 'a' }, (s) => {
      s.spec.desiredCount = 5;
    });
    // Other test files write to the same etcd, so revisions are compared as bounds, not equal.
    const beforeDelete = await backend.store.currentRevision();
    await client.delete('Service', { name: 'b' });
    await waitFor(() => events.length === 4, 'three watched events');
    expect(events).toEqual(['add a', 'add b', 'update a 5', 'delete b']);
    expect(informer.get(keyOf('a'))?.spec.desiredCount).toBe(5);
    expect(informer.get(keyOf('b'))).toBeUndefined();
    expect(informer.lastRevision()).toBeGreaterThan(beforeDelete);
    expect(informer.lastRevision()).toBeLessThanOrEqual(await backend.store.currentRevision());
  });

  it('pages through a long list at one revision', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await client.create(service(name));
    const last = await client.create(service('e'));
    let pages = 0;
    const counting = { watch: client.watch.bind(client), list: ((kind, options) => (pages++, client.list(kind, options))) as LocalClient['list'] };
    const listed = await clientListWatch(counting, 'Service', { pageSize: 2 }).list();
    expect(pages).toBe(3);
    expect(listed.items.map((s) => s.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(listed.revision).toBeGreaterThanOrEqual(Number(last.metadata.resourceVersion));
  });

  // Compacting the shared etcd would break other test files' watches: compaction runs on SQLite only.
  it.runIf(backendName === 'sqlite')('passes a compacted watch revision on as a Compacted error', async () => {
    await client.create(service('a'));
    const start = await backend.store.currentRevision();
    await client.create(service('b'));
    await client.create(service('c'));
    await backend.store.compact(await backend.store.currentRevision());
    const error = await new Promise<Error>((resolve) => {
      clientListWatch(client, 'Service').watch(start, () => {}, resolve);
    });
    expect(error.name).toBe('Compacted');
  });
});
