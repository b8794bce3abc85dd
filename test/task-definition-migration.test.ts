/**
 * Task definitions stored per cluster (before they belonged to the account) move to the account on
 * start, on both real stores: identical revisions become one, a revision number two clusters hold
 * with different content keeps both (one renumbered, its services and tasks repointed, an event on
 * the service), a service following the family is pinned where the merge would roll it out, and a
 * migration interrupted midway resumes to the same end state. A second run changes nothing.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindPrefix, objectKey, sysKeys } from '../api/keys.js';
import { encodeObject } from '../api/usecases/resources/codec.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { migrateTaskDefinitionsToAccount } from '../api/usecases/resources/task-definition-migration.js';
import type { Store } from '../api/store/types.js';
import { Service, Task, TaskDefinition } from '../api/v1/index.js';
import { delegate } from './support/delegate.js';
import { keysSnapshot, testStoreBackends, type TestStore } from './support/stores.js';

const log = pino({ level: 'silent' });
const legacyKey = (cluster: string, name: string) => `/berth/v1/taskdefinitions/${cluster}/${name}`;

async function putLegacyDefinition(store: Store, cluster: string, revision: number, command: string, registeredAt: string) {
  const td = TaskDefinition.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: `web:${revision}`, cluster },
    spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 16, command: [command] }] },
    status: { status: 'ACTIVE', revision, registeredAt },
  });
  await store.put(legacyKey(cluster, td.metadata.name), encodeObject(td));
}

async function putService(store: Store, cluster: string, name: string, taskDefinition: string, running?: string) {
  const service = Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name, cluster, generation: 1 },
    spec: { taskDefinition },
    ...(running
      ? { status: { taskDefinition: running, resolvedTaskDefinition: running, deployments: [{ id: 'd1', status: 'PRIMARY', taskDefinition: running }] } }
      : {}),
  });
  await store.put(objectKey({ kind: 'Service', cluster, name }), encodeObject(service));
}

/** staging and prod agree on web:1 and disagree on web:2; prod's counter remembers a deleted web:3. */
async function seedLegacy(store: Store) {
  await putLegacyDefinition(store, 'staging', 1, 'one', '2026-01-01T00:00:00Z');
  await putLegacyDefinition(store, 'prod', 1, 'one', '2026-01-02T00:00:00Z');
  await putLegacyDefinition(store, 'staging', 2, 'staging-two', '2026-02-01T00:00:00Z');
  await putLegacyDefinition(store, 'prod', 2, 'prod-two', '2026-02-02T00:00:00Z');
  await store.put(sysKeys.legacyFamilyCounter('staging', 'web'), '2');
  await store.put(sysKeys.legacyFamilyCounter('prod', 'web'), '3');
  await putService(store, 'prod', 'pinned', 'web:2', 'web:2');
  await putService(store, 'prod', 'follows', 'web', 'web:2');
  await putService(store, 'staging', 'follows', 'web', 'web:2');
  const task = Task.parse({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 't1', cluster: 'prod' }, spec: { taskDefinition: 'web:2' } });
  await store.put(objectKey({ kind: 'Task', cluster: 'prod', name: 't1' }), encodeObject(task));
}

/** What the migration must leave, read through the typed layer as the API would. */
async function endState(store: Store) {
  const resources = new ResourceStore(store);
  const tds = (await resources.list('TaskDefinition')).items;
  const service = async (cluster: string, name: string) => resources.mustGet('Service', { cluster, name });
  return {
    definitions: Object.fromEntries(
      tds.map((td) => [td.metadata.name, `${td.metadata.cluster}:${td.spec.containerDefinitions[0]?.command?.[0]}:${td.status?.revision}`]),
    ),
    prodPinned: (await service('prod', 'pinned')).spec.taskDefinition,
    prodPinnedDeployment: (await service('prod', 'pinned')).status?.deployments[0]?.taskDefinition,
    prodFollows: (await service('prod', 'follows')).spec.taskDefinition,
    stagingFollows: (await service('staging', 'follows')).spec.taskDefinition,
    task: (await resources.mustGet('Task', { cluster: 'prod', name: 't1' })).spec.taskDefinition,
    legacyKeys: (await store.range(kindPrefix('TaskDefinition'))).items.filter((kv) => kv.key.split('/').length > 5).length,
    legacyCounters: (await store.range('/berth/v1/_sys/families/')).items.length,
  };
}

const EXPECTED = {
  definitions: { 'web:1': 'default:one:1', 'web:2': 'default:staging-two:2', 'web:4': 'default:prod-two:4' },
  prodPinned: 'web:4',
  prodPinnedDeployment: 'web:4',
  prodFollows: 'web',
  stagingFollows: 'web:2',
  task: 'web:4',
  legacyKeys: 0,
  legacyCounters: 0,
};

describe.each(testStoreBackends)('task definitions move to the account (%s)', (_name, open) => {
  let backend: TestStore;
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('keeps every content: one web:1, staging keeps web:2, prod’s web:2 becomes web:4 (above its counter), users repointed, a follower pinned', async () => {
    await seedLegacy(backend.store);
    const report = await migrateTaskDefinitionsToAccount(backend.store, log);
    expect(report).toMatchObject({ moved: 4, renumbered: { 'prod/web:2': 'web:4' }, pinned: ['staging/follows'] });
    expect(await endState(backend.store)).toEqual(EXPECTED);
    const resources = new ResourceStore(backend.store);
    const pinned = await resources.mustGet('Service', { cluster: 'prod', name: 'pinned' });
    expect(pinned.status?.events[0]?.message).toContain('web:2 of cluster prod is now web:4');
    const follower = await resources.mustGet('Service', { cluster: 'staging', name: 'follows' });
    expect(follower.status?.events[0]?.message).toContain('pinned to task definition web:2');
    // The account counter reserved what the clusters had used: the next registration is web:5.
    const next = await resources.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web' },
      spec: { containerDefinitions: [{ name: 'app', image: 'x', memory: 16 }] },
    });
    expect(next.metadata.name).toBe('web:5');
  });

  it('is idempotent: a second start changes nothing', async () => {
    await seedLegacy(backend.store);
    await migrateTaskDefinitionsToAccount(backend.store, log);
    const before = await keysSnapshot(backend.store);
    expect(await migrateTaskDefinitionsToAccount(backend.store, log)).toEqual({ moved: 0, renumbered: {}, pinned: [] });
    expect(await keysSnapshot(backend.store)).toBe(before);
  });

  it.each([1, 2, 3])('a migration that dies after %i deletes of old keys resumes to the same end state', async (deletesBeforeCrash) => {
    await seedLegacy(backend.store);
    let deletes = 0;
    const crashing = delegate(backend.store, {
      async delete(key, options) {
        if (key.startsWith('/berth/v1/taskdefinitions/') && ++deletes > deletesBeforeCrash) throw new Error('killed');
        return backend.store.delete(key, options);
      },
    });
    await expect(migrateTaskDefinitionsToAccount(crashing, log)).rejects.toThrow('killed');
    expect((await endState(backend.store)).legacyKeys).toBe(4 - deletesBeforeCrash);
    await migrateTaskDefinitionsToAccount(backend.store, log);
    expect(await endState(backend.store)).toEqual(EXPECTED);
    const pinned = await new ResourceStore(backend.store).mustGet('Service', { cluster: 'prod', name: 'pinned' });
    expect(pinned.status?.events.filter((e) => e.message.includes('is now web:4'))).toHaveLength(1);
  });

  it('does nothing to a store with no per-cluster task definitions', async () => {
    const before = await keysSnapshot(backend.store);
    expect(await migrateTaskDefinitionsToAccount(backend.store, log)).toEqual({ moved: 0, renumbered: {}, pinned: [] });
    expect(await keysSnapshot(backend.store)).toBe(before);
  });
});
