/**
 * The cluster status controller against a real store (SQLite test env): a Cluster's counts of
 * registered instances, active services and running/pending tasks follow the objects of that
 * cluster only, and a burst of task changes is written as a few coalesced status writes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { objectKey } from '../api/keys.js';
import { createClusterStatusController } from '../controllers/cluster/index.js';
import { Manager } from '../controllers/kit/manager.js';
import type { ObjectOf } from '../controllers/kit/types.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';

const INTERVAL_MS = 300;
type LastStatus = NonNullable<ObjectOf<'Task'>['status']>['lastStatus'];

describe('cluster status controller', () => {
  let env: TestEnv;
  let stop: AbortController;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
    await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'prod' }, spec: {} });
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web', cluster: 'prod' },
      spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 64 }] },
    });
  });
  afterEach(async () => {
    stop.abort();
    await env.stop();
  });

  let manager: Manager;
  const start = () => {
    manager = new Manager({ client: env.client }).add(createClusterStatusController({ writeIntervalMs: INTERVAL_MS }));
    void manager.run(stop.signal);
  };
  const reconciles = () => manager.health().controllers.find((c) => c.name === 'cluster-status')?.stats.reconciles ?? 0;
  const instance = (cluster: string, name: string) =>
    env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name, cluster },
      spec: { registeredResources: { cpu: 1024, memory: 1024 } },
      status: { agentConnected: true, lastHeartbeat: new Date().toISOString() },
    });
  const task = (cluster: string, name: string, lastStatus: LastStatus) =>
    env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name, cluster },
      spec: { taskDefinition: 'web:1' },
      status: { lastStatus, healthStatus: 'UNKNOWN' },
    });
  const setLastStatus = (name: string, lastStatus: LastStatus) =>
    env.client.mutate('Task', { cluster: 'prod', name }, (t) => void (t.status && (t.status.lastStatus = lastStatus)), { subresource: 'status' });
  const status = async (name: string) => (await env.client.mustGet('Cluster', { cluster: name, name })).status;
  const reaches = (name: string, want: Record<string, number>) =>
    eventually(
      async () => {
        const s = await status(name);
        return Object.entries(want).every(([k, v]) => (s as Record<string, unknown> | undefined)?.[k] === v) && s;
      },
      5000,
      `${name} counts ${JSON.stringify(want)}`,
    );

  it("counts each cluster's own instances, services and tasks, and follows their changes", async () => {
    await instance('prod', 'i-1');
    await instance('prod', 'i-2');
    await instance('default', 'i-x');
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web', cluster: 'prod' },
      spec: { taskDefinition: 'web', desiredCount: 2 },
    });
    await task('prod', 't-1', 'RUNNING');
    await task('prod', 't-2', 'PENDING');
    await task('prod', 't-3', 'STOPPED');
    await task('default', 't-x', 'RUNNING');
    start();
    await reaches('prod', { registeredContainerInstancesCount: 2, activeServicesCount: 1, runningTasksCount: 1, pendingTasksCount: 1 });
    await reaches('default', { registeredContainerInstancesCount: 1, activeServicesCount: 0, runningTasksCount: 1, pendingTasksCount: 0 });

    await setLastStatus('t-2', 'RUNNING');
    await reaches('prod', { runningTasksCount: 2, pendingTasksCount: 0 });
    await setLastStatus('t-1', 'STOPPED');
    await env.client.delete('ContainerInstance', { cluster: 'prod', name: 'i-2' });
    await env.client.delete('Service', { cluster: 'prod', name: 'web' });
    await reaches('prod', { registeredContainerInstancesCount: 1, activeServicesCount: 0, runningTasksCount: 1, pendingTasksCount: 0 });
    expect(await status('default')).toMatchObject({ registeredContainerInstancesCount: 1, runningTasksCount: 1 });
  });

  it('coalesces a burst of task changes into a few counts and status writes, ending on the right counts', async () => {
    start();
    await reaches('prod', { runningTasksCount: 0 });
    let writes = 0;
    const watch = env.store.watch(objectKey({ kind: 'Cluster', cluster: 'prod', name: 'prod' }));
    void (async () => {
      for await (const batch of watch) writes += batch.events.length;
    })();
    const startedAt = Date.now();
    const reconcilesBefore = reconciles();
    for (let i = 0; i < 60; i++) await task('prod', `b-${i}`, 'PENDING');
    for (let i = 0; i < 60; i++) await setLastStatus(`b-${i}`, 'RUNNING');
    await reaches('prod', { runningTasksCount: 60, pendingTasksCount: 0 });
    const elapsed = Date.now() - startedAt;
    await watch.cancel();
    // 120 changes: at most one write per interval (plus the first, unpaced).
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL_MS) + 1);
    expect(writes).toBeLessThan(120);
    // Each count reads every task of the cache: it is not redone for each of the 120 changes.
    expect(reconciles() - reconcilesBefore).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL_MS) + 5);
  });
});
