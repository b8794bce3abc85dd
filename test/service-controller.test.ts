/**
 * The service controller against a real (SQLite) store through the kit's Manager. The test plays
 * scheduler and agent (fake-agent below): it binds PENDING tasks and reports them RUNNING, and
 * reports tasks asked to stop as STOPPED.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TASK_LABELS, isLive } from '../controllers/conventions.js';
import { LocalClient } from '../api/client/local-client.js';
import type { Ref, SubresourceOptions } from '../api/client/types.js';
import type { KindName } from '../api/keys.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import type { ObjectOf } from '../controllers/kit/types.js';
import { SERVICE_FINALIZER } from '../controllers/service/index.js';
import { startServiceEnv, type ServiceEnv } from './support/service-env.js';

type Task = ObjectOf<'Task'>;
const SETTLE_MS = 150;

const taskDefinition = (command: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: 'web' },
  spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 32, command: ['sleep', command] }] },
});
const service = (spec: Record<string, unknown>, name = 'web') => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name },
  spec: { taskDefinition: 'web', ...spec },
});

/** Binds and starts PENDING tasks, stops tasks asked to stop: what scheduler and agent would do. */
function fakeAgent(env: TestEnv, signal: AbortSignal, crashes: (t: Task) => boolean = () => false) {
  const state = { paused: false };
  void (async () => {
    while (!signal.aborted) {
      if (!state.paused) {
        const { items } = await env.client.list('Task');
        for (const t of items) {
          const ref = { name: t.metadata.name };
          if (t.spec.desiredStatus === 'STOPPED' && t.status?.lastStatus !== 'STOPPED') {
            await env.client.mutate('Task', ref, (x) => void (x.status = { ...x.status!, lastStatus: 'STOPPED', stoppedAt: new Date().toISOString() }), {
              subresource: 'status',
            });
          } else if (t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus === 'RUNNING' && crashes(t)) {
            await env.client.mutate('Task', ref, (x) => void (x.status = { ...x.status!, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' }), {
              subresource: 'status',
            });
          } else if (t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus === 'PENDING') {
            await env.client.mutate('Task', ref, (x) => void (x.spec.containerInstance = 'i-1'));
            await env.client.mutate('Task', ref, (x) => void (x.status = { ...x.status!, lastStatus: 'RUNNING', startedAt: new Date().toISOString() }), {
              subresource: 'status',
            });
          }
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })().catch(() => undefined);
  return state;
}

describe('service controller', () => {
  let harness: ServiceEnv;
  let env: TestEnv;
  beforeEach(async () => {
    harness = await startServiceEnv({ settleMs: SETTLE_MS });
    env = harness.env;
  });
  afterEach(() => harness.stop());

  const tasks = async () => (await env.client.list('Task')).items;
  const live = async () => (await tasks()).filter(isLive);
  const svc = async (name = 'web') => env.client.mustGet('Service', { name });
  const steady = async (n: number, revision: string, name = 'web') => {
    const s = await svc(name);
    const running = (await live()).filter((t) => t.status?.lastStatus === 'RUNNING' && t.spec.taskDefinition === revision);
    return (
      s.status?.runningCount === n &&
      running.length === n &&
      s.status.deployments.length === 1 &&
      s.status.deployments[0]?.rolloutState === 'COMPLETED' &&
      s.status.events[0]?.message === `(service ${name}) has reached a steady state.` &&
      s
    );
  };

  it('converges to desiredCount tasks, says so once, and then writes nothing', async () => {
    fakeAgent(env, harness.signal);
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 3 }));
    const s = await eventually(() => steady(3, 'web:1'), 10_000, '3 tasks running and steady');

    expect(s.metadata.finalizers).toContain(SERVICE_FINALIZER);
    expect(s.status).toMatchObject({ desiredCount: 3, pendingCount: 0, taskDefinition: 'web:1', observedGeneration: 1 });
    const deployment = s.status?.deployments[0];
    expect(deployment).toMatchObject({ status: 'PRIMARY', taskDefinition: 'web:1', runningCount: 3, desiredCount: 3 });
    expect(deployment?.id).toMatch(/^ecs-svc\/\d{19}$/);
    const messages = s.status?.events.map((e) => e.message) ?? [];
    expect(
      messages.some((m) => /^\(service web\) has started 3 tasks: \(task web-[0-9a-f]{12}\) \(task web-[0-9a-f]{12}\) \(task web-[0-9a-f]{12}\)\.$/.test(m)),
    ).toBe(true);
    expect(messages).toContain(`(service web) (deployment ${deployment?.id}) deployment completed.`);

    const t = (await tasks())[0] as Task;
    expect(t.spec).toMatchObject({ taskDefinition: 'web:1', group: 'service:web', startedBy: deployment?.id, desiredStatus: 'RUNNING' });
    expect(t.metadata.labels).toEqual({ [TASK_LABELS.service]: 'web', [TASK_LABELS.deployment]: deployment?.id });
    expect(t.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Service', name: 'web', uid: s.metadata.uid, controller: true })]);

    // No churn: the steady service is not rewritten.
    await new Promise((r) => setTimeout(r, 600));
    expect((await svc()).metadata.resourceVersion).toBe(s.metadata.resourceVersion);
    expect(await tasks()).toHaveLength(3);
  });

  it('replaces a task that stopped, and scales in by stopping the surplus', async () => {
    fakeAgent(env, harness.signal);
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 3 }));
    await eventually(() => steady(3, 'web:1'), 10_000, 'steady at 3');

    const [crashed] = await live();
    await env.client.mutate(
      'Task',
      { name: crashed!.metadata.name },
      (t) => void (t.status = { ...t.status!, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' }),
      { subresource: 'status' },
    );
    await eventually(async () => (await live()).length === 3 && !(await live()).some((t) => t.metadata.name === crashed!.metadata.name), 5000, 'replacement');
    await eventually(() => steady(3, 'web:1'), 10_000, 'steady again');

    await env.client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 1));
    const s = await eventually(() => steady(1, 'web:1'), 10_000, 'steady at 1');
    const stoppedByScaling = (await tasks()).filter((t) => t.spec.desiredStatus === 'STOPPED');
    expect(stoppedByScaling).toHaveLength(2);
    expect(stoppedByScaling[0]?.spec.stopReason).toBe(`Scaling activity initiated by (deployment ${s.status?.deployments[0]?.id})`);
    expect(s.status?.events.some((e) => /has stopped 2 running tasks: \(task \S+\) \(task \S+\)\./.test(e.message))).toBe(true);
  });

  it.each([
    [100, 200, 3, 6, 3],
    [50, 100, 4, 4, 2],
  ])('a new revision at %i/%i rolls all %i tasks within the bounds (at most %i tasks, at least %i healthy)', async (min, max, n, most, least) => {
    fakeAgent(env, harness.signal);
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: n, deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max } }));
    const before = await eventually(() => steady(n, 'web:1'), 10_000, 'steady on web:1');
    // Past the settle time every task that has run that long is healthy: count those as the sampler sees them.
    let peak = 0;
    let trough = Infinity;
    const sampler = new AbortController();
    const sampling = (async () => {
      while (!sampler.signal.aborted) {
        const all = await tasks();
        peak = Math.max(peak, all.filter((t) => t.status?.lastStatus !== 'STOPPED').length);
        const healthy = all.filter((t) => isLive(t) && t.status?.lastStatus === 'RUNNING' && Date.now() - Date.parse(t.status.startedAt ?? '') >= SETTLE_MS);
        trough = Math.min(trough, healthy.length);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await env.client.create(taskDefinition('7200'));
    const after = await eventually(() => steady(n, 'web:2'), 20_000, 'steady on web:2');
    sampler.abort();
    await sampling;
    expect(peak).toBeLessThanOrEqual(most);
    expect(trough).toBeGreaterThanOrEqual(least);
    expect(after.status?.taskDefinition).toBe('web:2');
    expect(after.status?.deployments[0]?.id).not.toBe(before.status?.deployments[0]?.id);
    expect(after.status?.events.some((e) => e.message === `(service web) (deployment ${after.status?.deployments[0]?.id}) deployment completed.`)).toBe(true);
  });

  it('a revision whose tasks crash trips the circuit breaker and rolls back to the last completed deployment', async () => {
    fakeAgent(env, harness.signal, (t) => t.spec.taskDefinition === 'web:2');
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 2, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }));
    const before = await eventually(() => steady(2, 'web:1'), 10_000, 'steady on web:1');
    await env.client.create(taskDefinition('7200'));
    await eventually(async () => (await svc()).status?.events.some((e) => e.message.includes('deployment failed')), 20_000, 'breaker tripped');
    const after = await eventually(() => steady(2, 'web:1'), 20_000, 'rolled back and steady on web:1');
    const messages = after.status?.events.map((e) => e.message) ?? [];
    expect(messages.some((m) => /deployment failed: ECS deployment circuit breaker/.test(m))).toBe(true);
    expect(messages).toContain(`(service web) rolling back to deployment ${before.status?.deployments[0]?.id} (task definition web:1).`);
    expect(after.status?.deployments[0]?.id).toBe(before.status?.deployments[0]?.id);
    expect(after.status?.taskDefinition).toBe('web:1'); // what runs: the revision rolled back to
    expect(after.status?.resolvedTaskDefinition).toBe('web:2'); // what the spec resolves to: not retried until it changes
    // clamp(0.5 × 2, 3, 200) = 3 crashes trip it; tasks started alongside the third are stopped too.
    const tried = (await tasks()).filter((t) => t.spec.taskDefinition === 'web:2');
    expect(tried.filter((t) => t.status?.stopCode === 'EssentialContainerExited').length).toBeGreaterThanOrEqual(3);
    expect(tried.filter(isLive)).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect((await tasks()).filter((t) => t.spec.taskDefinition === 'web:2')).toHaveLength(tried.length); // not retried
  });

  it('a pinned revision that does not exist: an event says so and nothing starts', async () => {
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ taskDefinition: 'web:7' }));
    const s = await eventually(async () => ((await svc()).status?.events.length ?? 0) > 0 && svc(), 5000, 'an event');
    expect(s.status?.events[0]?.message).toMatch(/^\(service web\) cannot start tasks: task definition web:7 does not exist/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await tasks()).toEqual([]);
  });

  it('deleting a service stops its tasks, then the service disappears; STOPPED tasks stay for the task GC', async () => {
    fakeAgent(env, harness.signal);
    await env.client.create(taskDefinition('3600'));
    await env.client.create(service({ desiredCount: 2 }));
    await eventually(() => steady(2, 'web:1'), 10_000, 'steady');
    await env.client.delete('Service', { name: 'web' });
    await eventually(async () => (await env.client.get('Service', { name: 'web' })) === undefined, 10_000, 'service gone');
    const left = await tasks();
    expect(left).toHaveLength(2);
    expect(left.every((t) => t.spec.desiredStatus === 'STOPPED')).toBe(true);
  });
});

/** The controller's client, on which asking one task (the first it tries) to stop always fails. */
class OneBrokenStop extends LocalClient {
  broken: string | undefined;
  override mutate<K extends KindName>(kind: K, ref: Ref, change: (obj: ObjectOf<K>) => void, options?: SubresourceOptions) {
    if (kind === 'Task' && options?.subresource === undefined) {
      this.broken ??= ref.name;
      if (ref.name === this.broken) return Promise.reject(new Error(`injected: cannot stop ${ref.name}`));
    }
    return super.mutate(kind, ref, change, options);
  }
}

describe('service controller stopping many tasks', () => {
  it('asks every task of a scale-in to stop, even while asking one of them keeps failing', async () => {
    const env = await startTestEnv();
    const client = new OneBrokenStop(env.resources);
    const harness = await startServiceEnv({ settleMs: SETTLE_MS }, { env, client });
    try {
      fakeAgent(env, harness.signal);
      await env.client.create(taskDefinition('3600'));
      await env.client.create(service({ desiredCount: 4 }));
      await eventually(async () => (await env.client.list('Task')).items.filter((t) => t.status?.lastStatus === 'RUNNING').length === 4, 10_000, '4 running');

      await env.client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 1));
      // Stops were asked one after another, the first failure ending the pass: the broken one kept
      // every later one from being asked, on every retry.
      const stopped = await eventually(
        async () => {
          const asked = (await env.client.list('Task')).items.filter((t) => t.spec.desiredStatus === 'STOPPED');
          return asked.length === 2 && asked;
        },
        10_000,
        'the two stops that can be asked',
      );
      expect(client.broken).toBeDefined();
      expect(stopped.map((t) => t.metadata.name)).not.toContain(client.broken);
    } finally {
      await harness.stop();
    }
  });
});
