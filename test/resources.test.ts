/**
 * The typed resource layer against both real backends: identity and versions, optimistic
 * concurrency, status/spec separation, finalizers, and atomic task-definition revisions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError } from '../api/usecases/resources/errors.js';
import { listRevisions, newestActiveRevision } from '../api/usecases/resources/task-definition-revisions.js';
import { testStoreBackends, type TestStore, keysSnapshot } from './support/stores.js';
import { delegate } from './support/delegate.js';
import { deepFreeze } from '../controllers/kit/cache.js';
import { isOfKind } from '../api/usecases/resources/codec.js';
import type { RangeOptions } from '../api/store/types.js';
import { objectKey } from '../api/keys.js';

const service = (name: string, extra: { labels?: Record<string, string>; desiredCount?: number } = {}) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service',
  metadata: { name, labels: extra.labels },
  spec: { taskDefinition: 'web', desiredCount: extra.desiredCount ?? 2 },
});

const taskDefinition = (family: string, command: string[] = ['sleep', '60']) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition',
  metadata: { name: family },
  spec: { containerDefinitions: [{ name: 'main', image: 'berth.local/busybox:1', memory: 32, command }] },
});

describe.each(testStoreBackends)('ResourceStore on %s', (_name, open) => {
  let backend: TestStore;
  let resources: ResourceStore;
  beforeEach(async () => {
    backend = await open();
    resources = new ResourceStore(backend.store);
  });
  afterEach(() => backend.dispose());

  it('creates with uid, timestamp, generation 1 and resourceVersion = store revision', async () => {
    const created = await resources.create(service('web'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.generation).toBe(1);
    expect(Date.parse(created.metadata.creationTimestamp ?? '')).toBeGreaterThan(0);
    expect(created.metadata.resourceVersion).toBe(String((await backend.store.get(resources.keyOf('Service', { name: 'web' })))?.modRevision));
    expect(await resources.get('Service', { name: 'web' })).toEqual(created);
    await expect(resources.create(service('web'))).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('rejects invalid objects with every field path and stores nothing', async () => {
    const bad = { ...service('web'), spec: { taskDefinition: 'web', desiredCount: -1, bogus: true } };
    const err = await resources.create(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    const paths = err instanceof InvalidError ? err.issues.map((i) => i.path.join('.')) : [];
    expect(paths).toEqual(expect.arrayContaining(['spec.desiredCount', 'spec.bogus']));
    expect(await resources.get('Service', { name: 'web' })).toBeUndefined();
  });

  it('dry-run create validates and stores nothing', async () => {
    const before = await keysSnapshot(backend.store);
    const out = await resources.create(service('web'), { dryRun: true });
    expect(out.metadata.name).toBe('web');
    expect(await resources.get('Service', { name: 'web' })).toBeUndefined();
    expect(await keysSnapshot(backend.store)).toBe(before);
  });

  it('refuses an update with a stale resourceVersion', async () => {
    const v1 = await resources.create(service('web'));
    const v2 = await resources.update({ ...v1, spec: { ...v1.spec, desiredCount: 5 } });
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    await expect(resources.update({ ...v1, spec: { ...v1.spec, desiredCount: 7 } })).rejects.toBeInstanceOf(ConflictError);
    expect((await resources.mustGet('Service', { name: 'web' })).spec.desiredCount).toBe(5);
  });

  it('bumps generation only when spec changes, and writes nothing when nothing changed', async () => {
    const v1 = await resources.create(service('web'));
    const relabelled = await resources.update({ ...v1, metadata: { ...v1.metadata, labels: { team: 'a' } } });
    expect(relabelled.metadata.generation).toBe(1);
    const rescaled = await resources.update({ ...relabelled, spec: { ...relabelled.spec, desiredCount: 3 } });
    expect(rescaled.metadata.generation).toBe(2);
    const same = await resources.update(rescaled);
    expect(same.metadata.resourceVersion).toBe(rescaled.metadata.resourceVersion);
  });

  it('keeps status out of update and spec out of updateStatus', async () => {
    const v1 = await resources.create(service('web'));
    const withStatus = await resources.updateStatus({ ...v1, spec: { ...v1.spec, desiredCount: 9 }, status: { runningCount: 2, pendingCount: 0 } });
    expect(withStatus.spec).toMatchObject({ desiredCount: 2 });
    expect(withStatus.metadata.generation).toBe(1);
    const specOnly = await resources.update({ ...withStatus, spec: { ...withStatus.spec, desiredCount: 4 }, status: undefined });
    expect(specOnly.status).toMatchObject({ runningCount: 2 });
    expect(specOnly.spec).toMatchObject({ desiredCount: 4 });
  });

  it('mutate re-reads and retries on conflict: concurrent increments all land', async () => {
    await resources.create(service('web', { desiredCount: 0 }));
    await Promise.all(Array.from({ length: 10 }, () => resources.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount += 1))));
    const final = await resources.mustGet('Service', { name: 'web' });
    expect(final.spec.desiredCount).toBe(10);
    expect(final.metadata.generation).toBe(11);
  });

  it('a patch lands while another writer rewrites the same object back to back (no starvation on conflict)', async () => {
    // As an agent's heartbeat against the instance controller's bookkeeping during a burst of task
    // changes: the other writer always has its next write queued by the time the patch retries.
    await resources.create(service('web', { desiredCount: 0 }));
    let busy = true;
    const rewriter = (async () => {
      for (let n = 0; busy && n < 5_000; n++) await resources.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = n % 7));
    })();
    try {
      for (let i = 0; i < 5; i++) await resources.patch('Service', { name: 'web' }, { metadata: { labels: { beat: String(i) } } });
    } finally {
      busy = false;
      await rewriter;
    }
    expect((await resources.mustGet('Service', { name: 'web' })).metadata.labels).toEqual({ beat: '4' });
  });

  it('honours finalizers: deletionTimestamp first, gone when the last finalizer is removed', async () => {
    const created = await resources.create({ ...service('web'), metadata: { name: 'web', finalizers: ['berth.dev/tasks'] } });
    const first = await resources.delete('Service', { name: 'web' });
    expect(first.deleted).toBe(false);
    const marked = await resources.mustGet('Service', { name: 'web' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.uid).toBe(created.metadata.uid);
    await resources.mutate('Service', { name: 'web' }, (s) => void (s.metadata.finalizers = []));
    expect(await resources.get('Service', { name: 'web' })).toBeUndefined();
    await expect(resources.delete('Service', { name: 'web' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an unconditional delete survives a concurrent write (reads again); one with a stale resourceVersion conflicts', async () => {
    const created = await resources.create({ ...service('web'), metadata: { name: 'web', finalizers: ['berth.dev/tasks'] } });
    // The first read of the object is followed at once by another writer's status write, so the
    // delete's compare-and-swap on what it read loses once.
    let raced = false;
    const store = backend.store;
    const racing = delegate(store, {
      get: async (key: string) => {
        const kv = await store.get(key);
        if (!raced) {
          raced = true;
          await resources.mutate(
            'Service',
            { name: 'web' },
            (s) => void (s.status = { runningCount: 1, pendingCount: 0, desiredCount: 2, deployments: [], history: [], events: [] }),
            { subresource: 'status' },
          );
        }
        return kv;
      },
    });
    const deleting = new ResourceStore(racing);
    expect((await deleting.delete('Service', { name: 'web' })).deleted).toBe(false);
    expect(raced).toBe(true);
    const marked = await resources.mustGet('Service', { name: 'web' });
    expect([marked.metadata.deletionTimestamp !== undefined, marked.status?.runningCount]).toEqual([true, 1]);
    await expect(resources.delete('Service', { name: 'web' }, { resourceVersion: created.metadata.resourceVersion })).rejects.toBeInstanceOf(ConflictError);
  });

  it('lists by cluster with label selectors and consistent pages', async () => {
    for (const [i, app] of ['a', 'b', 'a', 'c', 'a'].entries()) await resources.create(service(`svc-${i}`, { labels: { app } }));
    await resources.create({ ...service('elsewhere'), metadata: { name: 'elsewhere', cluster: 'other' } });
    expect((await resources.list('Service', { cluster: 'default' })).items).toHaveLength(5);
    expect((await resources.list('Service')).items).toHaveLength(6);
    expect((await resources.list('Service', { labelSelector: 'app=a' })).items.map((s) => s.metadata.name)).toEqual(['svc-0', 'svc-2', 'svc-4']);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await resources.list('Service', { cluster: 'default', limit: 2, continue: token });
      names.push(...page.items.map((s) => s.metadata.name));
      token = page.continue;
      if (token) await resources.create(service(`late-${names.length}`)); // written after the first page: not seen
    } while (token);
    expect(names).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4']);
  });

  it('listJson shows each item as list does, decoding only for a selector, a filter or a view', async () => {
    for (const [i, app] of ['a', 'b', 'a'].entries()) await resources.create(service(`svc-${i}`, { labels: { app } }));
    const parsed = async (options: Parameters<ResourceStore['listJson']>[1]) =>
      (await resources.listJson('Service', options)).itemJson.map((j) => JSON.parse(j) as unknown);
    const listed = (await resources.list('Service', { cluster: 'default' })).items;
    expect(await parsed({ cluster: 'default' })).toEqual(listed);
    expect(await parsed({ cluster: 'default', labelSelector: 'app=a' })).toEqual(listed.filter((s) => s.metadata.labels?.app === 'a'));
    expect(await parsed({ cluster: 'default', filter: (o) => o.metadata.name !== 'svc-1' })).toEqual(listed.filter((s) => s.metadata.name !== 'svc-1'));
    const named = await parsed({ cluster: 'default', view: (o) => ({ ...o, metadata: { ...o.metadata, labels: { shown: 'yes' } } }) });
    expect(named.map((o) => (o as { metadata: { labels: unknown } }).metadata.labels)).toEqual([{ shown: 'yes' }, { shown: 'yes' }, { shown: 'yes' }]);
    const first = await resources.listJson('Service', { cluster: 'default', limit: 2 });
    expect(first.itemJson).toHaveLength(2);
    const rest = await resources.listJson('Service', { cluster: 'default', limit: 2, continue: first.continue });
    expect(rest.itemJson.map((j) => (JSON.parse(j) as { metadata: { name: string } }).metadata.name)).toEqual(['svc-2']);
    expect(rest.continue).toBeUndefined();
  });

  it('registers task-definition revisions atomically, consecutively, never reusing a number', async () => {
    const registered = await Promise.all(Array.from({ length: 8 }, (_, i) => resources.create(taskDefinition('web', ['sleep', String(i)]))));
    const numbers = registered.map((td) => td.metadata.name).sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1]));
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => `web:${i + 1}`));
    await resources.patch('TaskDefinition', { name: 'web:8' }, { status: { status: 'INACTIVE' } }, { subresource: 'status' });
    await resources.delete('TaskDefinition', { name: 'web:8' });
    const next = await resources.create(taskDefinition('web'));
    expect(next.metadata.name).toBe('web:9');
    expect((await listRevisions(backend.store, 'web')).map((td) => td.status?.revision)).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
  });

  it('refuses a service named like a task definition revision (web:3), naming the field, and writes nothing', async () => {
    const before = await keysSnapshot(backend.store);
    const refused = await resources.create(service('web:3')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidError);
    expect(refused).toMatchObject({ issues: [{ path: ['metadata', 'name'], message: expect.stringMatching(/letters, digits, hyphens or underscores/) }] });
    expect(await keysSnapshot(backend.store)).toBe(before);
  });

  it('deletes only INACTIVE task definition revisions, as ECS does: an ACTIVE one is refused and stays', async () => {
    const td = await resources.create(taskDefinition('kept'));
    const before = await keysSnapshot(backend.store);
    const refused = await resources.delete('TaskDefinition', { name: td.metadata.name }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidError);
    expect(refused).toMatchObject({
      issues: [
        {
          path: ['status', 'status'],
          message: expect.stringMatching(/ACTIVE task definition cannot be deleted.*deregister it first: berth deregister taskdefinition kept:1/),
        },
      ],
    });
    expect(await keysSnapshot(backend.store)).toBe(before);
    await resources.patch('TaskDefinition', { name: 'kept:1' }, { status: { status: 'INACTIVE' } }, { subresource: 'status' });
    expect((await resources.delete('TaskDefinition', { name: 'kept:1' })).deleted).toBe(true);
  });

  it('keeps revisions immutable; deregistered revisions are skipped by "newest"', async () => {
    const r1 = await resources.create(taskDefinition('api'));
    await resources.create(taskDefinition('api', ['sleep', '1']));
    await expect(resources.update({ ...r1, spec: { ...r1.spec, cpu: 512 } })).rejects.toThrow(/immutable/);
    await resources.mutate('TaskDefinition', { name: 'api:2' }, (td) => void (td.status = { ...td.status, status: 'INACTIVE' }), { subresource: 'status' });
    expect((await newestActiveRevision(backend.store, 'api'))?.metadata.name).toBe('api:1');
    await expect(resources.create({ ...taskDefinition('api'), metadata: { name: 'api:7' } })).rejects.toThrow(/register task definitions by family/);
  });

  describe('watch', () => {
    it('replays ADDED, MODIFIED and DELETED (with the last state) from a list revision, in order', async () => {
      await resources.create(service('before'));
      const listed = await resources.list('Service');
      const created = await resources.create(service('web'));
      await resources.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 4));
      await resources.create(taskDefinition('other-kind'));
      await resources.delete('Service', { name: 'web' });
      const watch = resources.watch('Service', { fromRevision: Number(listed.resourceVersion) + 1 });
      const seen: string[] = [];
      for await (const batch of watch) {
        for (const e of batch) seen.push(`${e.type} ${e.ref.name} ${e.object?.spec.desiredCount} ${e.object?.metadata.uid === created.metadata.uid}`);
        if (seen.length >= 3) await watch.cancel();
      }
      expect(seen).toEqual(['ADDED web 2 true', 'MODIFIED web 4 true', 'DELETED web 4 true']);
    });
  });

  describe('patch', () => {
    it('merges into spec and metadata, removes fields with null, and keeps status untouched', async () => {
      const created = await resources.create(service('web', { labels: { app: 'web', old: 'x' } }));
      await resources.updateStatus({ ...created, status: { runningCount: 1, pendingCount: 0 } });
      const patched = await resources.patch(
        'Service',
        { name: 'web' },
        { metadata: { labels: { old: null, team: 'a' } }, spec: { desiredCount: 6 }, status: { runningCount: 99 } },
      );
      expect(patched.metadata.labels).toEqual({ app: 'web', team: 'a' });
      expect(patched.spec.desiredCount).toBe(6);
      expect(patched.status).toMatchObject({ runningCount: 1 });
      const status = await resources.patch('Service', { name: 'web' }, { status: { runningCount: 3 } }, { subresource: 'status' });
      expect(status.status).toMatchObject({ runningCount: 3, pendingCount: 0 });
    });

    it('is conditional when the patch carries a resourceVersion', async () => {
      const created = await resources.create(service('web'));
      await resources.patch('Service', { name: 'web' }, { spec: { desiredCount: 3 } });
      await expect(
        resources.patch('Service', { name: 'web' }, { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { desiredCount: 4 } }),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('patch and mutate read the stored object once per write (a CAS on that read), and cannot rename it', async () => {
      await resources.create(service('web'));
      let reads = 0;
      const store = backend.store;
      // Reads of the service itself: raising desiredCount also reads its Cluster's limit (service-limits.ts).
      const ownKey = objectKey({ kind: 'Service', cluster: 'default', name: 'web' });
      const counted = delegate(store, { get: (key: string) => (key === ownKey && reads++, store.get(key)) });
      const counting = new ResourceStore(counted);
      await counting.patch('Service', { name: 'web' }, { spec: { desiredCount: 3 } });
      await counting.mutate('Service', { name: 'web' }, (s) => void (s.metadata.labels = { team: 'a' }));
      expect(reads).toBe(2);
      const stored = await resources.mustGet('Service', { name: 'web' });
      expect([stored.spec.desiredCount, stored.metadata.labels]).toEqual([3, { team: 'a' }]);
      await expect(resources.patch('Service', { name: 'web' }, { metadata: { name: 'other' } })).rejects.toBeInstanceOf(InvalidError);
      await expect(resources.mutate('Service', { name: 'web' }, (s) => void (s.metadata.name = 'other'))).rejects.toBeInstanceOf(InvalidError);
      expect(await resources.get('Service', { name: 'other' })).toBeUndefined();
    });

    it('updateFrom writes over the given copy without reading the object, in one compare-and-swap', async () => {
      await resources.create(service('web'));
      const v1 = await resources.mustGet('Service', { name: 'web' });
      let reads = 0;
      const store = backend.store;
      // Reads of services: raising desiredCount also reads its Cluster's limit (service-limits.ts).
      const servicePrefix = objectKey({ kind: 'Service', cluster: 'default', name: '' });
      const counted = delegate(store, {
        get: (key: string) => (key.startsWith(servicePrefix) && reads++, store.get(key)),
        range: (prefix: string, options?: RangeOptions) => (prefix.startsWith(servicePrefix) && reads++, store.range(prefix, options)),
      });
      const counting = new ResourceStore(counted);
      const next = structuredClone(v1);
      next.spec.desiredCount = 4;
      next.status = { runningCount: 1, pendingCount: 0, desiredCount: 4, deployments: [], history: [], events: [] };
      const v2 = await counting.updateFrom(v1, next);
      expect(reads).toBe(0);
      expect([v2.metadata.generation, Number(v2.metadata.resourceVersion) > Number(v1.metadata.resourceVersion)]).toEqual([2, true]);
      expect(await resources.mustGet('Service', { name: 'web' })).toEqual(v2);
      // Unchanged: nothing written. Stale copy, another name, or no version: refused, nothing written.
      expect((await counting.updateFrom(v2, structuredClone(v2))).metadata.resourceVersion).toBe(v2.metadata.resourceVersion);
      await expect(counting.updateFrom(v1, next)).rejects.toBeInstanceOf(ConflictError);
      await expect(counting.updateFrom(v2, { ...structuredClone(v2), metadata: { ...v2.metadata, name: 'other' } })).rejects.toBeInstanceOf(InvalidError);
      await expect(counting.updateFrom({ ...v2, metadata: { ...v2.metadata, resourceVersion: undefined } }, next)).rejects.toBeInstanceOf(InvalidError);
      expect(await resources.mustGet('Service', { name: 'web' })).toEqual(v2);
    });

    it('updateFrom works over a deep-frozen cached copy and a shallow copy of it, and changes neither', async () => {
      await resources.create(service('web'));
      const cached = deepFreeze(await resources.mustGet('Service', { name: 'web' }));
      const before = structuredClone(cached);
      // What the agents and the scheduler pass: the cache's frozen object, and a shallow copy with new parts.
      const next = { ...cached, spec: { ...cached.spec, desiredCount: 5 } };
      const written = await resources.updateFrom(cached, next);
      if (!isOfKind(written, 'Service')) throw new Error(`updateFrom returned a ${written.kind}`);
      expect(cached).toEqual(before);
      expect(next.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
      expect([written.spec.desiredCount, written.metadata.generation]).toEqual([5, 2]);
      expect(await resources.mustGet('Service', { name: 'web' })).toEqual(written);
      // What changed is new; the metadata is always the result's own (its resourceVersion is set on it).
      expect([Object.isFrozen(written.metadata), Object.isFrozen(written.spec)]).toEqual([false, false]);
    });

    it('rejects a patch that makes the object invalid, leaving it unchanged', async () => {
      await resources.create(service('web'));
      await expect(resources.patch('Service', { name: 'web' }, { spec: { desiredCount: 'many' } })).rejects.toBeInstanceOf(InvalidError);
      expect((await resources.mustGet('Service', { name: 'web' })).spec.desiredCount).toBe(2);
    });
  });
});
