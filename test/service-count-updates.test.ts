/**
 * The service controller writes a change of task counts alone at most once per
 * countUpdateIntervalMs (controllers/service/count-updates.ts), and the last count always lands.
 * The test plays scheduler and agent: it reports the service's tasks RUNNING one after another.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { eventually, type TestEnv } from '../controllers/kit/test-env.js';
import { startServiceEnv, type ServiceEnv } from './support/service-env.js';

const INTERVAL_MS = 400;
const TASKS = 6;

let harness: ServiceEnv;
let env: TestEnv;
beforeEach(async () => {
  // A long settle: no deployment completes during the test, so the RUNNING reports change counts only.
  harness = await startServiceEnv({ settleMs: 60_000, countUpdateIntervalMs: INTERVAL_MS });
  env = harness.env;
});
afterEach(() => harness.stop());

it('tasks turning RUNNING one after another are counted in fewer status writes, ending at the full count', async () => {
  await env.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: 'web' },
    spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 32 }] },
  });
  await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web' }, spec: { taskDefinition: 'web', desiredCount: TASKS } });
  const pending = await eventually(
    async () => {
      const s = await env.client.get('Service', { name: 'web' });
      return s?.status?.pendingCount === TASKS && (await env.client.list('Task')).items;
    },
    10_000,
    `${TASKS} tasks PENDING in the service's status`,
  );
  await new Promise((r) => setTimeout(r, INTERVAL_MS)); // no earlier write holds the first count back

  const listed = await env.client.list('Service');
  const watch = env.client.watch('Service', { fromRevision: Number(listed.resourceVersion) + 1 });
  const written: number[] = [];
  void (async () => {
    for await (const batch of watch) for (const e of batch) if (e.type === 'MODIFIED' && e.object?.status) written.push(e.object.status.runningCount);
  })().catch(() => undefined);

  const burstStart = Date.now();
  for (const t of pending) {
    await env.client.mutate('Task', { name: t.metadata.name }, (x) => void (x.spec.containerInstance = 'i-1'));
    await env.client.mutate(
      'Task',
      { name: t.metadata.name },
      (x) => void (x.status = { ...x.status!, lastStatus: 'RUNNING', startedAt: new Date().toISOString() }),
      { subresource: 'status' },
    );
    await new Promise((r) => setTimeout(r, 30));
  }
  const burstMs = Date.now() - burstStart;
  await eventually(async () => (await env.client.get('Service', { name: 'web' }))?.status?.runningCount === TASKS, 5_000, `runningCount ${TASKS} written`);
  await eventually(async () => written.at(-1) === TASKS, 2_000, 'the watch to show the last write');
  await watch.cancel();

  // The first change is written at once; the ones after it wait for the interval and land together:
  // one write per interval the burst lasted, and the last.
  expect(written[0]).toBeGreaterThanOrEqual(1);
  expect(written.length).toBeLessThan(TASKS);
  expect(written.length).toBeLessThanOrEqual(2 + Math.floor(burstMs / INTERVAL_MS));
  expect(written).toEqual([...written].sort((a, b) => a - b));
});
