/**
 * A service's placement applies to its pending tasks as it is now: the scheduler and the service
 * controller on a real (SQLite) store under the kit's Manager, instances with a connected agent
 * (written by the test). A task left unplaceable says why, in its status and in the service's events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSharedIndexes } from '../controllers/conventions.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { schedulerController } from '../controllers/scheduler/controller.js';
import { serviceController } from '../controllers/service/index.js';
import { addDefinition, addInstance, tasksOf } from './scheduler-support.js';

const CLUSTER = 'default';

describe('a service whose placement changes', () => {
  let env: TestEnv;
  let stop: AbortController;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await new Promise((r) => setTimeout(r, 50));
    await env.stop();
  });

  it('places its pending tasks by the new constraints at once, after saying why the old ones placed nothing', async () => {
    await addDefinition(env.client, CLUSTER, 'web', 64);
    for (const [name, zone] of [
      ['a', 'x'],
      ['b', 'y'],
    ] as const) {
      await addInstance(env.client, CLUSTER, name, 1024);
      await env.client.mutate('ContainerInstance', { cluster: CLUSTER, name }, (ci) => void (ci.spec.attributes = { zone }));
    }
    // Unplaceable tasks are looked at again only every 60 s: what places them must be the change itself.
    const manager = new Manager({ client: env.client })
      .add(schedulerController({ retryUnplaceableMs: 60_000 }))
      .add(serviceController({ settings: { settleMs: 100 } }));
    addSharedIndexes(manager);
    void manager.run(stop.signal);

    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web', cluster: CLUSTER },
      spec: { taskDefinition: 'web', desiredCount: 2, placementConstraints: [{ type: 'memberOf', expression: 'attribute:zone == z' }] },
    });
    const pending = await eventually(
      async () => {
        const tasks = await tasksOf(env.client, CLUSTER);
        return tasks.length === 2 && tasks.every((t) => t.status?.pendingReason !== undefined) && tasks;
      },
      10_000,
      'two tasks pending with a reason',
    );
    expect(pending[0]?.status?.pendingReason).toMatch(/^no container instance met all of its requirements: /);
    const event = await eventually(
      async () => {
        const s = await env.client.mustGet('Service', { cluster: CLUSTER, name: 'web' });
        return s.status?.events.find((e) => e.message.includes('was unable to place a task'))?.message;
      },
      10_000,
      'a service event',
    );
    expect(event).toMatch(
      /^\(service web\) was unable to place a task because no container instance met all of its requirements\. Reason: (?!no container instance)/,
    );

    await env.client.mutate(
      'Service',
      { cluster: CLUSTER, name: 'web' },
      (s) => void (s.spec.placementConstraints = [{ type: 'memberOf', expression: 'attribute:zone == y' }]),
    );
    const placed = await eventually(
      async () => {
        const tasks = await tasksOf(env.client, CLUSTER);
        return tasks.every((t) => t.spec.containerInstance !== undefined) && tasks;
      },
      5_000,
      'both tasks placed by the new constraint',
    );
    expect(placed.map((t) => t.spec.containerInstance)).toEqual(['b', 'b']);
    expect(placed.map((t) => t.metadata.name).sort()).toEqual(pending.map((t) => t.metadata.name).sort());
  });
});
