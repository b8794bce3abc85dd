/**
 * Big deletes are batched into store transactions (#21, defect 13): deleting N objects costs about
 * N / MAX_TXN_OPS store writes, not N — seen in the store's revision, which every write moves by one
 * (a transaction, however many keys it deletes, by one too). On both backends; and the task
 * controller clears a service's STOPPED tasks beyond its bound that way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalClient } from '../api/client/local-client.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { objectKey } from '../api/keys.js';
import { MAX_TXN_OPS } from '../api/store/types.js';
import { addSharedIndexes } from '../controllers/conventions.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually } from '../controllers/kit/test-env.js';
import { createTaskController } from '../controllers/task/index.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const COUNT = 300;
const batches = Math.ceil(COUNT / MAX_TXN_OPS);

describe.each(testStoreBackends)('deleteMany on %s', (_name, open) => {
  let backend: TestStore;
  let client: LocalClient;
  beforeEach(async () => {
    backend = await open();
    client = new LocalClient(new ResourceStore(backend.store));
    await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'default' }, spec: {} });
  });
  afterEach(() => backend.dispose());

  const stoppedTasks = async (count: number, extra: Record<string, unknown> = {}) => {
    const names = Array.from({ length: count }, (_, i) => `t-${String(i).padStart(4, '0')}`);
    await backend.store.putMany(
      names.map((name, i) => ({
        key: objectKey({ kind: 'Task', cluster: 'default', name }),
        value: JSON.stringify({
          apiVersion: 'berth.dev/v1',
          kind: 'Task',
          metadata: { name, cluster: 'default', uid: `uid-${name}`, ...extra },
          spec: { taskDefinition: 'web:1', desiredStatus: 'STOPPED', containerInstance: 'i-1', group: 'service:web' },
          status: { lastStatus: 'STOPPED', stoppedAt: new Date(Date.now() - 60_000 + i).toISOString() },
        }),
      })),
    );
    return names;
  };

  it(`deletes ${COUNT} objects in ${batches} store writes`, async () => {
    const names = await stoppedTasks(COUNT);
    const before = await backend.store.currentRevision();
    const { deleted } = await client.deleteMany(
      'Task',
      names.map((name) => ({ name })),
    );
    expect(deleted).toHaveLength(COUNT);
    expect((await client.list('Task')).items).toHaveLength(0);
    expect((await backend.store.currentRevision()) - before).toBe(batches);
  });

  it('skips objects already gone, and an object changed meanwhile is still deleted (its batch one by one)', async () => {
    const names = await stoppedTasks(5);
    await client.delete('Task', { name: 't-0001' });
    const { deleted } = await client.deleteMany(
      'Task',
      [...names, 'never-was'].map((name) => ({ name })),
    );
    expect(deleted.sort()).toEqual(names.filter((n) => n !== 't-0001'));
    expect((await client.list('Task')).items).toHaveLength(0);
  });

  it('only marks objects whose finalizers hold them', async () => {
    const names = await stoppedTasks(3, { finalizers: ['example.com/hold'] });
    const { deleted } = await client.deleteMany(
      'Task',
      names.map((name) => ({ name })),
    );
    expect(deleted).toEqual([]);
    const left = (await client.list('Task')).items;
    expect(left).toHaveLength(3);
    expect(left.every((t) => t.metadata.deletionTimestamp !== undefined)).toBe(true);
  });

  it(`the task controller deletes a service's ${COUNT} STOPPED tasks beyond its bound in a few transactions`, async () => {
    const keep = 10;
    await stoppedTasks(COUNT);
    const before = await backend.store.currentRevision();
    const stop = new AbortController();
    const manager = new Manager({ client }).add(createTaskController({ maxStoppedTasksPerService: keep }));
    addSharedIndexes(manager);
    void manager.run(stop.signal);
    try {
      await eventually(async () => (await client.list('Task')).items.length === keep, 20_000, `${COUNT - keep} tasks deleted`);
      // One write per task before: COUNT - keep revisions. Batched: a few per pass, and a few passes
      // (each STOPPED task wakes the controller; the first pass deletes the lot).
      expect((await backend.store.currentRevision()) - before).toBeLessThan(COUNT / 4);
    } finally {
      stop.abort();
    }
  });
});
