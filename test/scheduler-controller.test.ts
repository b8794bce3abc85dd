/**
 * The scheduler controller against a real (SQLite) store through LocalClient, under the kit's
 * Manager with the shared indexes, as `berth up` runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSharedIndexes } from '../controllers/conventions.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { schedulerController } from '../controllers/scheduler/controller.js';
import { addDefinition, addInstance, addTask, memoryByInstance, tasksOf } from './scheduler-support.js';

const CLUSTER = 'default';
const MEMORY = 256;

describe('scheduler controller', () => {
  let env: TestEnv;
  let stop: AbortController;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await new Promise((r) => setTimeout(r, 50)); // let in-flight writes settle before the store closes
    await env.stop();
  });

  const startScheduler = (elected = false) => {
    const election = elected ? { store: env.store, ttlSeconds: 2, identity: `scheduler-${Math.random()}` } : undefined;
    const manager = new Manager({ client: env.client, election });
    addSharedIndexes(manager);
    const running = manager.add(schedulerController({ retryUnplaceableMs: 200 })).run(stop.signal);
    return running;
  };

  it('binds within capacity, explains the rest, and binds them once an instance joins', async () => {
    const td = await addDefinition(env.client, CLUSTER, 'web', MEMORY);
    await addInstance(env.client, CLUSTER, 'a', 1024);
    await addInstance(env.client, CLUSTER, 'b', 1024);
    void startScheduler();
    for (let i = 0; i < 10; i++) await addTask(env.client, CLUSTER, `t${i}`, td);

    const pending = await eventually(
      async () => {
        const tasks = await tasksOf(env.client, CLUSTER);
        const unbound = tasks.filter((t) => !t.spec.containerInstance);
        return tasks.filter((t) => t.spec.containerInstance).length === 8 && unbound.every((t) => t.status?.pendingReason) && unbound;
      },
      10_000,
      '8 bound, 2 pending with a reason',
    );
    expect(pending.map((t) => t.status?.pendingReason)).toEqual(
      Array(2).fill(
        'no container instance met all of its requirements: 2 of 2 instances lacked MEMORY (the task needs 256 MiB; the most free on any is 0 MiB)',
      ),
    );
    expect(memoryByInstance(await tasksOf(env.client, CLUSTER), MEMORY)).toEqual({ a: 1024, b: 1024 });

    await addInstance(env.client, CLUSTER, 'c', 1024);
    const tasks = await eventually(
      async () => {
        const all = await tasksOf(env.client, CLUSTER);
        // The scheduler clears its reason once the task is bound (a second write, just after the bind).
        return all.every((t) => t.spec.containerInstance && t.status?.pendingReason === undefined) && all;
      },
      10_000,
      'all bound, no pending reasons left',
    );
    expect(memoryByInstance(tasks, MEMORY)).toEqual({ a: 1024, b: 1024, c: 512 });
  });

  it('reports an unbound task that is asked to stop as STOPPED, and never binds it', async () => {
    const td = await addDefinition(env.client, CLUSTER, 'web', MEMORY);
    await addTask(env.client, CLUSTER, 'early-stop', td);
    void startScheduler();
    await eventually(async () => (await env.client.get('Task', { name: 'early-stop' }))?.status?.pendingReason, 5000, 'pending reason');
    await env.client.mutate('Task', { name: 'early-stop' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
      t.spec.stopReason = 'scaled in';
    });
    const stopped = await eventually(
      async () => {
        const t = await env.client.get('Task', { name: 'early-stop' });
        return t?.status?.lastStatus === 'STOPPED' && t;
      },
      5000,
      'STOPPED',
    );
    expect(stopped.status?.stoppedReason).toBe('scaled in');
    expect(stopped.status?.stoppedAt).toBeDefined();
    await addInstance(env.client, CLUSTER, 'a', 1024);
    await new Promise((r) => setTimeout(r, 500));
    expect((await env.client.get('Task', { name: 'early-stop' }))?.spec.containerInstance).toBeUndefined();
  });

  // Both start on the same state, so they plan the same binds and collide on tasks (a CAS conflict
  // each), never on instances. Tasks arriving while two unelected schedulers run are another
  // matter (the race documented in controller.ts): that is what the elected case below covers.
  it('two schedulers racing without election never bind a task twice nor over-commit', async () => {
    const td = await addDefinition(env.client, CLUSTER, 'web', MEMORY);
    for (const name of ['a', 'b', 'c']) await addInstance(env.client, CLUSTER, name, 1024);
    for (let i = 0; i < 20; i++) await addTask(env.client, CLUSTER, `t${String(i).padStart(2, '0')}`, td);

    // Every instance a task was ever seen bound to, from the store's own change stream.
    const seen = new Map<string, Set<string>>();
    const watch = env.client.watch('Task', { cluster: CLUSTER });
    const watching = (async () => {
      for await (const batch of watch)
        for (const e of batch) {
          const on = e.object?.spec.containerInstance;
          if (e.object && on) (seen.get(e.object.metadata.name) ?? seen.set(e.object.metadata.name, new Set()).get(e.object.metadata.name))?.add(on);
        }
    })();

    void startScheduler();
    void startScheduler();
    const tasks = await eventually(
      async () => {
        const all = await tasksOf(env.client, CLUSTER);
        return all.filter((t) => t.spec.containerInstance).length === 12 && all.filter((t) => t.status?.pendingReason).length === 8 && all;
      },
      10_000,
      '12 bound, 8 pending',
    );
    await new Promise((r) => setTimeout(r, 600)); // a few more passes of both
    const after = await tasksOf(env.client, CLUSTER);
    expect(after.filter((t) => t.spec.containerInstance)).toHaveLength(12);
    expect(memoryByInstance(after, MEMORY)).toEqual({ a: 1024, b: 1024, c: 1024 });
    await watch.cancel();
    await watching;
    expect(seen.size).toBe(12);
    for (const [task, instances] of seen) expect([task, instances.size]).toEqual([task, 1]);
    expect(tasks).toHaveLength(20);
  });

  it('two elected schedulers with tasks arriving while they run: one acts, nothing is over-committed', async () => {
    const td = await addDefinition(env.client, CLUSTER, 'web', MEMORY);
    for (const name of ['a', 'b', 'c']) await addInstance(env.client, CLUSTER, name, 1024);
    void startScheduler(true);
    void startScheduler(true);
    await Promise.all(Array.from({ length: 20 }, (_, i) => addTask(env.client, CLUSTER, `t${i}`, td)));
    await eventually(
      async () => {
        const all = await tasksOf(env.client, CLUSTER);
        return all.filter((t) => t.spec.containerInstance).length === 12 && all.filter((t) => t.status?.pendingReason).length === 8;
      },
      10_000,
      '12 bound, 8 pending',
    );
    await new Promise((r) => setTimeout(r, 600));
    expect(memoryByInstance(await tasksOf(env.client, CLUSTER), MEMORY)).toEqual({ a: 1024, b: 1024, c: 1024 });
  });
});
