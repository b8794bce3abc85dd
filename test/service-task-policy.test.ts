/**
 * A task policy tightened after a service was written: the service controller refuses its next
 * launches, with an event naming the field and the policy, and leaves its running tasks running;
 * loosened again, the service launches at once. Real (SQLite) store, the real controller through
 * the kit's Manager; the test plays scheduler and agent for the tasks it launches.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLive } from '../controllers/conventions.js';
import { eventually, type TestEnv } from '../controllers/kit/test-env.js';
import { startServiceEnv, type ServiceEnv } from './support/service-env.js';

/** Binds and starts PENDING tasks: what scheduler and agent would do. */
function runPending(env: TestEnv, signal: AbortSignal): void {
  void (async () => {
    while (!signal.aborted) {
      for (const t of (await env.client.list('Task')).items) {
        if (t.spec.desiredStatus !== 'RUNNING' || t.status?.lastStatus !== 'PENDING') continue;
        const ref = { name: t.metadata.name };
        await env.client.mutate('Task', ref, (x) => void (x.spec.containerInstance = 'i-1'));
        await env.client.mutate(
          'Task',
          ref,
          (x) => {
            if (x.status) x.status = { ...x.status, lastStatus: 'RUNNING', startedAt: new Date().toISOString() };
          },
          { subresource: 'status' },
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })().catch(() => undefined);
}

describe('service launches under a tightened task policy', () => {
  let harness: ServiceEnv;
  let env: TestEnv;
  beforeEach(async () => {
    harness = await startServiceEnv({ settleMs: 150 });
    env = harness.env;
    runPending(env, harness.signal);
  });
  afterEach(() => harness.stop());

  const setPolicy = (taskPolicy: { level: 'restricted'; allow?: 'privileged'[] } | undefined) =>
    env.client.mutate('Cluster', { name: 'default' }, (c) => {
      c.spec.taskPolicy = taskPolicy;
    });
  const running = async () => (await env.client.list('Task')).items.filter((t) => isLive(t) && t.status?.lastStatus === 'RUNNING');

  it('refuses the next launches with an event naming the field and the policy; running tasks keep running; a loosened policy lets it launch', async () => {
    await setPolicy({ level: 'restricted', allow: ['privileged'] });
    // Written while the policy allowed it (this client is in-process, as the API would have admitted it then).
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'root' },
      spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 32, privileged: true }] },
    });
    await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'root' }, spec: { taskDefinition: 'root', desiredCount: 1 } });
    await eventually(async () => (await running()).length === 1, 10_000, 'one task running');

    await setPolicy(undefined); // back to restricted
    await env.client.mutate('Service', { name: 'root' }, (s) => {
      s.spec.desiredCount = 2;
    });
    const refusal = await eventually(
      async () => (await env.client.mustGet('Service', { name: 'root' })).status?.events.find((e) => e.message.includes('unable to launch')),
      10_000,
      'the refusal event',
    );
    expect(refusal.message).toMatch(
      /task definition root:1 is refused by the task policy of cluster default: spec\.containerDefinitions\[0\]\.privileged: .*refuses "privileged"/,
    );
    expect(refusal.message).toMatch(/Running tasks are left running/);
    await new Promise((r) => setTimeout(r, 500));
    const live = (await env.client.list('Task')).items.filter(isLive);
    expect(live).toHaveLength(1);
    expect(live[0]?.status?.lastStatus).toBe('RUNNING');

    await setPolicy({ level: 'restricted', allow: ['privileged'] });
    await eventually(async () => (await running()).length === 2, 10_000, 'the second task launched once the policy allows it');
  });
});
