/**
 * The service controller keeps a service at its count through failures (issue #21), on a real
 * (SQLite) store through the kit's Manager. The test plays scheduler and agent: it binds PENDING
 * tasks, reports them RUNNING, reports tasks asked to stop STOPPED, and crashes the tasks it is told to.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLive } from '../controllers/conventions.js';
import { eventually, type TestEnv } from '../controllers/kit/test-env.js';
import type { ObjectOf } from '../controllers/kit/types.js';
import { addInstance } from './scheduler-support.js';
import { startServiceEnv, type ServiceEnv } from './support/service-env.js';

type Task = ObjectOf<'Task'>;
const SETTLE_MS = 150;

const taskDefinition = (command: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: 'web' },
  spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 32, command: ['sleep', command] }] },
});
const service = (spec: Record<string, unknown>) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name: 'web' },
  spec: { taskDefinition: 'web', ...spec },
});

/** Binds (to `instance()`) and starts PENDING tasks, stops tasks asked to stop, crashes RUNNING tasks `crashes` picks. */
function fakeAgent(env: TestEnv, signal: AbortSignal, crashes: (t: Task) => boolean = () => false, instance: () => string = () => 'i-1') {
  void (async () => {
    while (!signal.aborted) {
      const { items } = await env.client.list('Task');
      for (const t of items) {
        const ref = { name: t.metadata.name };
        const now = new Date().toISOString();
        if (t.spec.desiredStatus === 'STOPPED' && t.status?.lastStatus !== 'STOPPED') {
          await env.client.mutate('Task', ref, (x) => void (x.status = { ...x.status!, lastStatus: 'STOPPED', stoppedAt: now }), { subresource: 'status' });
        } else if (t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus === 'RUNNING' && crashes(t)) {
          await crash(env, t);
        } else if (t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus === 'PENDING') {
          await env.client.mutate('Task', ref, (x) => void (x.spec.containerInstance = instance()));
          await env.client.mutate('Task', ref, (x) => void (x.status = { ...x.status!, lastStatus: 'RUNNING', startedAt: now }), { subresource: 'status' });
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })().catch(() => undefined);
}

/** The task's essential container exited: STOPPED on its own, still desired RUNNING. */
const crash = (env: TestEnv, t: Task) =>
  env.client.mutate(
    'Task',
    { name: t.metadata.name },
    (x) => void (x.status = { ...x.status!, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedAt: new Date().toISOString() }),
    { subresource: 'status' },
  );

describe('service controller: nothing lost', () => {
  let harness: ServiceEnv;
  let env: TestEnv;
  beforeEach(async () => {
    harness = await startServiceEnv({ settleMs: SETTLE_MS });
    env = harness.env;
  });
  afterEach(() => harness.stop());

  const tasks = async () => (await env.client.list('Task')).items;
  const live = async () => (await tasks()).filter(isLive);
  const svc = async () => env.client.mustGet('Service', { name: 'web' });
  const running = async (revision: string) => (await live()).filter((t) => t.status?.lastStatus === 'RUNNING' && t.spec.taskDefinition === revision);
  const completedOn = async (n: number, revision: string) => {
    const s = await svc();
    const primary = s.status?.deployments.find((d) => d.status === 'PRIMARY');
    return primary?.taskDefinition === revision && primary.rolloutState === 'COMPLETED' && (await running(revision)).length === n && s;
  };

  it('a rollback is a new rollout: failures of the revision before it do not fail it, and it keeps replacing lost tasks', async () => {
    fakeAgent(env, harness.signal, (t) => t.spec.taskDefinition === 'web:2');
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 6, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }));
    await eventually(() => completedOn(6, 'web:1'), 10_000, '6 tasks of web:1');

    // 3 of 6 die (their containers killed) and are replaced.
    for (const t of (await running('web:1')).slice(0, 3)) await crash(env, t);
    await eventually(() => completedOn(6, 'web:1'), 10_000, 'the 3 lost tasks replaced');

    // web:2 exits at once: the breaker fails it and returns to web:1, which must not fail at once.
    await env.client.create(taskDefinition('7200'));
    await eventually(async () => (await svc()).status?.events.some((e) => e.message.includes('deployment failed')), 20_000, 'breaker tripped');
    const back = await eventually(() => completedOn(6, 'web:1'), 20_000, 'rolled back to web:1 and COMPLETED');
    const primary = back.status?.deployments.find((d) => d.status === 'PRIMARY');
    expect(back.status?.events.some((e) => e.message.includes(`(deployment ${primary?.id}) deployment failed`))).toBe(false);
    expect(back.status?.history.find((r) => r.taskDefinition === 'web:1' && r.rollbackFrom !== undefined)).toMatchObject({ state: 'COMPLETED' });
    // It shows the revision it runs, and remembers what the spec resolved to (so web:2 is not retried).
    expect(back.status?.taskDefinition).toBe('web:1');
    expect(back.status?.resolvedTaskDefinition).toBe('web:2');

    // Lost tasks are still replaced.
    const lost = (await running('web:1')).slice(0, 2);
    for (const t of lost) await crash(env, t);
    await eventually(
      async () => (await running('web:1')).length === 6 && !(await running('web:1')).some((t) => lost.some((l) => l.metadata.name === t.metadata.name)),
      10_000,
      'the 2 lost tasks replaced after the rollback',
    );
    expect((await live()).filter((t) => t.spec.taskDefinition === 'web:2')).toEqual([]);
  });

  it('an instance set DRAINING has its tasks replaced elsewhere at once, with an event', async () => {
    await addInstance(env.client, 'default', 'i-1', 4096);
    await addInstance(env.client, 'default', 'i-2', 4096);
    let bindTo = 'i-1';
    fakeAgent(
      env,
      harness.signal,
      () => false,
      () => bindTo,
    );
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 3 }));
    await eventually(() => completedOn(3, 'web:1'), 10_000, '3 tasks on i-1');

    bindTo = 'i-2';
    const drainedAt = Date.now();
    await env.client.mutate('ContainerInstance', { name: 'i-1' }, (ci) => void (ci.spec.status = 'DRAINING'));
    // Replacements start within the deployment bounds (maximumPercent 200: all 3 at once); the
    // drained tasks are the instance controller's to stop once these run.
    const replaced = await eventually(
      async () => {
        const onI2 = (await running('web:1')).filter((t) => t.spec.containerInstance === 'i-2');
        return onI2.length === 3 && onI2;
      },
      5_000,
      '3 replacements running on i-2',
    );
    expect(Date.parse(replaced[0]?.status?.createdAt ?? '')).toBeLessThan(drainedAt + 2_000);
    expect((await live()).length).toBe(6);
    const s = await svc();
    expect(
      s.status?.events.some(
        (e) =>
          e.message ===
          '(service web) is replacing its tasks on DRAINING container instance(s) i-1: replacements start elsewhere, then the drained tasks stop.',
      ),
    ).toBe(true);
  });

  it('tasks that keep failing are relaunched with backoff, and an event says so', async () => {
    fakeAgent(env, harness.signal, () => true);
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 2 }));
    await eventually(async () => (await tasks()).some((t) => t.status?.lastStatus === 'STOPPED'), 5_000, 'a first failure');
    await new Promise((r) => setTimeout(r, 4_000));
    // Relaunched at once, the fake agent's 20 ms loop made this hundreds of tasks; with a backoff of
    // 1 s, 2 s, 4 s after the third failure it is a handful.
    const all = await tasks();
    expect(all.length).toBeLessThanOrEqual(12);
    const messages = (await svc()).status?.events.map((e) => e.message) ?? [];
    expect(messages.filter((m) => m.startsWith('(service web) is unable to consistently start tasks successfully'))).toHaveLength(1);
  });

  it('desiredCount is bounded by the cluster: refused above it, naming the field; a lowered limit runs the limit', async () => {
    await env.client.create(taskDefinition('3600'));
    await expect(env.client.create(service({ desiredCount: 50_000_000 }))).rejects.toThrow(/spec\.desiredCount/);
    await expect(env.client.create(service({ desiredCount: 5_001 }))).rejects.toThrow(
      /spec\.desiredCount: desiredCount 5001 is above the limit of 5000 tasks per service of cluster default; .*spec\.maxTasksPerService/,
    );
    expect(await env.client.get('Service', { name: 'web' })).toBeUndefined();

    fakeAgent(env, harness.signal);
    await env.client.create(service({ desiredCount: 4 }));
    await eventually(() => completedOn(4, 'web:1'), 10_000, '4 running');
    await env.client.mutate('Cluster', { name: 'default' }, (c) => void (c.spec.maxTasksPerService = 2));
    await expect(env.client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 5))).rejects.toThrow(
      /above the limit of 2 tasks per service/,
    );
    const limited = (e: { message: string }) => e.message.includes("desiredCount 4 is above its cluster's limit of 2 tasks per service");
    // The event may land in a status write after the one that shows the scale-in done.
    await eventually(
      async () => {
        const s = await completedOn(2, 'web:1');
        return s && s.status?.events.some(limited);
      },
      10_000,
      'scaled in to the new limit, and said why',
    );
    expect((await live()).length).toBe(2);
  });
});
