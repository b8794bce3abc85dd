/**
 * One contract for both BerthClient implementations: LocalClient (in-process, over ResourceStore)
 * and HttpClient (over a real API server on 127.0.0.1), each on real etcd and on SQLite. Whatever
 * a controller sees through one client it must see through the other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalClient } from '../api/client/local-client.js';
import type { BerthClient } from '../api/client/types.js';
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError } from '../api/usecases/resources/errors.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { CompactedError } from '../api/store/errors.js';
import type { Store } from '../api/store/types.js';
import { service, startApi, task, takeEvents, type RunningApi } from './api-harness.js';
import { testStoreBackends, type TestStore, keysSnapshot } from './support/stores.js';

interface Subject {
  client: BerthClient;
  store: Store;
  dispose(): Promise<void>;
}

const clients: [string, (backend: TestStore) => Promise<Subject>][] = [
  ['LocalClient', async (backend) => ({ client: new LocalClient(new ResourceStore(backend.store)), store: backend.store, dispose: async () => undefined })],
  [
    'HttpClient',
    async (backend) => {
      const api: RunningApi = await startApi(backend);
      return { client: api.client(), store: backend.store, dispose: () => api.stop() };
    },
  ],
];

const combos = testStoreBackends.flatMap(([storeName, open]) =>
  clients.map(([clientName, make]) => [`${clientName} on ${storeName}`, storeName, open, make] as const),
);

describe.each(combos)('%s', (_title, storeName, open, make) => {
  let backend: TestStore;
  let subject: Subject;
  let client: BerthClient;
  beforeEach(async () => {
    backend = await open();
    subject = await make(backend);
    client = subject.client;
  });
  afterEach(async () => {
    await subject.dispose();
    await backend.dispose();
  });

  it('creates, reads, updates and deletes, with the resource layer errors', async () => {
    const created = await client.create(service('web'));
    expect(created.metadata).toMatchObject({ name: 'web', cluster: 'default', generation: 1 });
    expect(await client.get('Service', { name: 'web' })).toEqual(created);
    await expect(client.create(service('web'))).rejects.toBeInstanceOf(AlreadyExistsError);
    const updated = await client.update({ ...created, spec: { ...created.spec, desiredCount: 5 } });
    expect(updated.spec.desiredCount).toBe(5);
    expect(updated.metadata.generation).toBe(2);
    const { deleted, object } = await client.delete('Service', { name: 'web' });
    expect({ deleted, name: object.metadata.name }).toEqual({ deleted: true, name: 'web' });
    expect(await client.get('Service', { name: 'web' })).toBeUndefined();
    await expect(client.mustGet('Service', { name: 'web' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.delete('Service', { name: 'web' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps spec and status apart: updateStatus and status patches touch status only', async () => {
    const created = await client.create(task('t1'));
    const withStatus = await client.updateStatus({ ...created, spec: { ...created.spec, desiredStatus: 'STOPPED' }, status: { lastStatus: 'PENDING' } });
    expect(withStatus.status?.lastStatus).toBe('PENDING');
    expect(withStatus.spec.desiredStatus).toBe('RUNNING');
    const patched = await client.patch('Task', { name: 't1' }, { status: { lastStatus: 'RUNNING' } }, { subresource: 'status' });
    expect(patched.status?.lastStatus).toBe('RUNNING');
    const specUpdate = await client.update({ ...patched, status: undefined, spec: { ...patched.spec, desiredStatus: 'STOPPED' } });
    expect(specUpdate.status?.lastStatus).toBe('RUNNING');
    expect(specUpdate.spec.desiredStatus).toBe('STOPPED');
  });

  it('updateFrom writes spec and status over the copy it was made from, and conflicts once that copy is stale', async () => {
    const created = await client.create(task('t1'));
    const next = structuredClone(created);
    next.spec.containerInstance = 'i-1';
    next.status = { lastStatus: 'PENDING', containers: [], healthStatus: 'UNKNOWN' };
    const written = await client.updateFrom(created, next);
    expect(written.spec.containerInstance).toBe('i-1');
    expect(written.status?.lastStatus).toBe('PENDING');
    expect(written.metadata).toMatchObject({ uid: created.metadata.uid, generation: 2 });
    expect(await client.get('Task', { name: 't1' })).toEqual(written);
    // `created` is now stale: nothing of this write lands.
    const late = structuredClone(created);
    late.spec.containerInstance = 'i-2';
    late.status = { lastStatus: 'STOPPED', containers: [], healthStatus: 'UNKNOWN' };
    await expect(client.updateFrom(created, late)).rejects.toBeInstanceOf(ConflictError);
    expect(await client.get('Task', { name: 't1' })).toEqual(written);
  });

  it('merge-patches spec, and a patch pinned to a stale resourceVersion conflicts', async () => {
    const created = await client.create(service('web', { labels: { app: 'web', tier: 'front' } }));
    const patched = await client.patch('Service', { name: 'web' }, { metadata: { labels: { tier: null } }, spec: { desiredCount: 7 } });
    expect(patched.spec.desiredCount).toBe(7);
    expect(patched.metadata.labels).toEqual({ app: 'web' });
    const stale = client.patch('Service', { name: 'web' }, { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { desiredCount: 1 } });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses an update carrying a stale resourceVersion (Conflict) and keeps the newer write', async () => {
    const v1 = await client.create(service('web'));
    await client.update({ ...v1, spec: { ...v1.spec, desiredCount: 5 } });
    await expect(client.update({ ...v1, spec: { ...v1.spec, desiredCount: 9 } })).rejects.toBeInstanceOf(ConflictError);
    await expect(client.delete('Service', { name: 'web' }, { resourceVersion: v1.metadata.resourceVersion })).rejects.toBeInstanceOf(ConflictError);
    expect((await client.mustGet('Service', { name: 'web' })).spec.desiredCount).toBe(5);
  });

  it('deletion waits for finalizers: marked first (deleted: false), gone when they are removed', async () => {
    await client.create({ ...service('web'), metadata: { name: 'web', finalizers: ['berth.dev/drain'] } });
    const marked = await client.delete('Service', { name: 'web' });
    expect(marked.deleted).toBe(false);
    expect(marked.object.metadata.deletionTimestamp).toBeDefined();
    await client.patch('Service', { name: 'web' }, { metadata: { finalizers: null } });
    expect(await client.get('Service', { name: 'web' })).toBeUndefined();
  });

  it('mutate re-reads and retries on conflict, so concurrent increments all land', async () => {
    await client.create(service('web', { desiredCount: 0 }));
    await Promise.all(Array.from({ length: 6 }, () => client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount += 1))));
    expect((await client.mustGet('Service', { name: 'web' })).spec.desiredCount).toBe(6);
  });

  it('mutate says whether it changed anything, and writes nothing when it did not', async () => {
    const created = await client.create(service('web', { desiredCount: 2 }));
    const same = await client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 2));
    expect(same).toMatchObject({ changed: false, object: { metadata: { resourceVersion: created.metadata.resourceVersion } } });
    const scaled = await client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 3));
    expect(scaled.changed).toBe(true);
    expect(scaled.object.spec.desiredCount).toBe(3);
    expect(Number(scaled.object.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const labels = (s: { metadata: { labels?: Record<string, string> } }) => void (s.metadata.labels = { ...s.metadata.labels, team: 'a' });
    expect((await client.mutate('Service', { name: 'web' }, labels)).changed).toBe(true);
    expect((await client.mutate('Service', { name: 'web' }, labels)).changed).toBe(false);
  });

  it('reports every invalid field (Invalid, with paths) and stores nothing', async () => {
    const before = await keysSnapshot(subject.store);
    const bad = { ...service('web'), spec: { taskDefinition: 'web', desiredCount: -1, bogus: true } };
    const err = await client.create(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    const paths = err instanceof InvalidError ? err.issues.map((i) => i.path.join('.')) : [];
    expect(paths).toEqual(expect.arrayContaining(['spec.desiredCount', 'spec.bogus']));
    expect(await keysSnapshot(subject.store)).toBe(before);
  });

  it('dry-run writes validate and return the result but store nothing', async () => {
    const live = await client.create(service('live'));
    const before = await keysSnapshot(subject.store);
    const created = await client.create(service('web'), { dryRun: true });
    expect(created.metadata.name).toBe('web');
    const updated = await client.update({ ...live, spec: { ...live.spec, desiredCount: 9 } }, { dryRun: true });
    expect(updated.spec.desiredCount).toBe(9);
    const patched = await client.patch('Service', { name: 'live' }, { spec: { desiredCount: 8 } }, { dryRun: true });
    expect(patched.spec.desiredCount).toBe(8);
    expect((await client.delete('Service', { name: 'live' }, { dryRun: true })).deleted).toBe(true);
    expect(await keysSnapshot(subject.store)).toBe(before);
    expect(await client.mustGet('Service', { name: 'live' })).toEqual(live);
    expect(await client.get('Service', { name: 'web' })).toBeUndefined();
  });

  it('lists by label selector and pages consistently with limit/continue', async () => {
    for (const [name, tier] of [
      ['a', 'front'],
      ['b', 'back'],
      ['c', 'front'],
      ['d', 'back'],
      ['e', 'front'],
    ] as const)
      await client.create(service(name, { labels: { tier } }));
    const front = await client.list('Service', { labelSelector: 'tier=front' });
    expect(front.items.map((s) => s.metadata.name)).toEqual(['a', 'c', 'e']);
    const notFront = await client.list('Service', { labelSelector: 'tier notin (front)' });
    expect(notFront.items.map((s) => s.metadata.name)).toEqual(['b', 'd']);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.list('Service', { limit: 2, continue: token });
      names.push(...page.items.map((s) => s.metadata.name));
      token = page.continue;
      pages++;
      if (pages === 1) await client.create(service('f')); // written after the first page: not in this listing
    } while (token);
    expect({ names, pages }).toEqual({ names: ['a', 'b', 'c', 'd', 'e'], pages: 3 });
  });

  it('lists across clusters and within one', async () => {
    for (const name of ['blue', 'green']) await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name }, spec: {} });
    await client.create(service('web', { cluster: 'blue' }));
    await client.create(service('api', { cluster: 'green' }));
    expect((await client.list('Service')).items.map((s) => `${s.metadata.cluster}/${s.metadata.name}`)).toEqual(['blue/web', 'green/api']);
    expect((await client.list('Service', { cluster: 'green' })).items.map((s) => s.metadata.name)).toEqual(['api']);
  });

  it('filters tasks by containerInstance', async () => {
    await client.create(task('t1', 'i-1'));
    await client.create(task('t2', 'i-2'));
    await client.create(task('t3'));
    expect((await client.list('Task', { containerInstance: 'i-1' })).items.map((t) => t.metadata.name)).toEqual(['t1']);
  });

  it('a watch from a list resourceVersion sees exactly the later changes, in order', async () => {
    const a = await client.create(service('a'));
    const listed = await client.list('Service');
    const watch = client.watch('Service', { fromRevision: Number(listed.resourceVersion) + 1 });
    const events = watch[Symbol.asyncIterator]();
    await client.create(service('b'));
    await client.update({ ...a, spec: { ...a.spec, desiredCount: 4 } });
    await client.delete('Service', { name: 'b' });
    const seen = await takeEvents(events, 3);
    await watch.cancel();
    expect(seen.map((e) => `${e.type} ${e.ref.name}`)).toEqual(['ADDED b', 'MODIFIED a', 'DELETED b']);
    const versions = seen.map((e) => Number(e.resourceVersion));
    expect(versions.every((v, i) => v > Number(listed.resourceVersion) && (i === 0 || v > (versions[i - 1] ?? 0)))).toBe(true);
    expect(seen[1]?.object?.spec.desiredCount).toBe(4);
  });

  it.runIf(storeName === 'sqlite')('a watch from a compacted revision fails with Compacted', async () => {
    await client.create(service('a'));
    const old = Number((await client.list('Service')).resourceVersion);
    await client.create(service('b'));
    await client.create(service('c'));
    await subject.store.compact(await subject.store.currentRevision());
    const watch = client.watch('Service', { fromRevision: old });
    const err = await takeEvents(watch[Symbol.asyncIterator](), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    expect(err).toMatchObject({ name: 'Compacted' });
  });
});
