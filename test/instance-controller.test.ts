/**
 * The instance controller against a real store (SQLite test env) with a FakeClock: heartbeat
 * expiry marks the instance disconnected and its tasks lost, a returning agent is connected again,
 * counts and remaining resources are written, and a DRAINING instance's service tasks are stopped
 * only as replacements run elsewhere.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSharedIndexes } from '../controllers/conventions.js';
import { createInstanceController } from '../controllers/instance/index.js';
import { FakeClock } from '../controllers/kit/clock.js';
import { eventRecorder } from '../controllers/kit/events.js';
import type { CacheReader } from '../controllers/kit/informer-set.js';
import { Manager } from '../controllers/kit/manager.js';
import type { ObjectOf } from '../controllers/kit/types.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';

const EXPIRE_MS = 2_000;

describe('instance controller', () => {
  let env: TestEnv;
  let stop: AbortController;
  let clock: FakeClock;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
    clock = new FakeClock(Date.now());
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web' },
      spec: {
        containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', cpu: 256, memory: 128, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
      },
    });
  });
  afterEach(async () => {
    stop.abort();
    await env.stop();
  });

  const iso = () => new Date(clock.now()).toISOString();
  const start = (controller = createInstanceController({ heartbeatExpireMs: EXPIRE_MS, drainRecheckMs: 200, holdRecheckMs: 200 }), signal = stop.signal) => {
    const manager = new Manager({ client: env.client, clock }).add(controller);
    addSharedIndexes(manager);
    return manager.run(signal);
  };
  const instance = (name: string, draining = false, lastHeartbeat = iso()) =>
    env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name },
      spec: { status: draining ? 'DRAINING' : 'ACTIVE', registeredResources: { cpu: 1024, memory: 1024, ports: [22] } },
      status: { agentConnected: true, lastHeartbeat, registeredAt: lastHeartbeat },
    });
  const heartbeat = (name: string) =>
    env.client.mutate(
      'ContainerInstance',
      { name },
      (ci) => {
        ci.status = { runningTasksCount: 0, pendingTasksCount: 0, ...ci.status, agentConnected: true, lastHeartbeat: iso() };
      },
      { subresource: 'status' },
    );
  const task = (name: string, containerInstance: string, lastStatus = 'RUNNING', extra: Record<string, unknown> = {}) =>
    env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name },
      spec: { taskDefinition: 'web:1', containerInstance, ...extra },
      status: { lastStatus, healthStatus: 'HEALTHY', createdAt: iso() },
    });
  const getInstance = (name: string) => env.client.mustGet('ContainerInstance', { name });
  const getTask = (name: string) => env.client.mustGet('Task', { name });

  it('writes counts and remaining resources, and keeps them current', async () => {
    await instance('i-1');
    await task('web-a', 'i-1');
    await task('web-b', 'i-1', 'PENDING');
    start();
    const status = await eventually(
      async () => {
        const s = (await getInstance('i-1')).status;
        return s?.runningTasksCount === 1 && s;
      },
      5000,
      'counts written',
    );
    expect(status).toMatchObject({
      runningTasksCount: 1,
      pendingTasksCount: 1,
      remainingResources: { cpu: 512, memory: 768, portsTcp: [22, 8080], portsUdp: [] },
    });
    await env.client.mutate(
      'Task',
      { name: 'web-a' },
      (t) => {
        if (t.status) t.status.lastStatus = 'STOPPED';
      },
      { subresource: 'status' },
    );
    // Written at most once a second per instance: on the fake clock, the stop waits for that second.
    await new Promise((r) => setTimeout(r, 300));
    expect((await getInstance('i-1')).status?.runningTasksCount).toBe(1);
    await clock.advanceAsync(1_000);
    await eventually(async () => (await getInstance('i-1')).status?.runningTasksCount === 0, 5000, 'count follows the stop');
    expect((await getInstance('i-1')).status?.remainingResources?.cpu).toBe(768);
  });

  it('marks a silent instance disconnected and its tasks lost; a returning agent is connected again', async () => {
    await instance('i-1');
    await instance('i-2');
    await task('web-a', 'i-1');
    await task('web-b', 'i-1', 'PENDING');
    await task('web-c', 'i-2');
    start();
    await eventually(async () => (await getInstance('i-1')).status?.runningTasksCount === 1, 5000, 'first reconcile');

    // i-2 keeps heartbeating; i-1 falls silent. No store event happens for i-1: only its timer.
    await clock.advanceAsync(1_000);
    await heartbeat('i-2');
    await clock.advanceAsync(1_100);
    await heartbeat('i-2');
    await eventually(async () => (await getInstance('i-1')).status?.agentConnected === false, 5000, 'i-1 disconnected');
    for (const name of ['web-a', 'web-b']) {
      const lost = await eventually(
        async () => {
          const t = await getTask(name);
          return t.status?.lastStatus === 'STOPPED' && t;
        },
        5000,
        `${name} lost`,
      );
      expect(lost.spec).toMatchObject({ desiredStatus: 'STOPPED' });
      expect(lost.status).toMatchObject({ connectivity: 'DISCONNECTED', stoppedAt: expect.any(String) });
      expect(lost.status?.stoppedReason).toMatch(/^Container instance i-1 lost contact with the agent \(no heartbeat since .+\)$/);
    }
    expect((await getInstance('i-2')).status?.agentConnected).toBe(true);
    expect((await getTask('web-c')).status?.lastStatus).toBe('RUNNING');

    // The agent comes back: its heartbeat says connected, and the controller leaves it so.
    await heartbeat('i-1');
    await clock.advanceAsync(1_000);
    await new Promise((r) => setTimeout(r, 200));
    expect((await getInstance('i-1')).status).toMatchObject({ agentConnected: true, runningTasksCount: 0, pendingTasksCount: 0 });
    // ...until it falls silent again (while i-2 keeps heartbeating).
    await heartbeat('i-2');
    await clock.advanceAsync(1_100);
    await heartbeat('i-2');
    await eventually(async () => (await getInstance('i-1')).status?.agentConnected === false, 5000, 'i-1 disconnected again');
  });

  const settle = () => new Promise((r) => setTimeout(r, 300));
  const lastStatuses = async (...names: string[]) => Promise.all(names.map(async (n) => (await getTask(n)).status?.lastStatus));

  it('after a control-plane outage longer than the expiry, agents get a whole period to be seen again: nothing is lost', async () => {
    // Two healthy agents whose last heartbeats are from before an outage of ten expiry periods.
    const beforeOutage = new Date(clock.now() - 10 * EXPIRE_MS).toISOString();
    await instance('i-1', false, beforeOutage);
    await instance('i-2', false, beforeOutage);
    await task('web-a', 'i-1');
    await task('web-b', 'i-2');
    const controller = createInstanceController({ heartbeatExpireMs: EXPIRE_MS, holdRecheckMs: 200 });
    const first = new AbortController();
    const firstRun = start(controller, first.signal);
    await eventually(async () => (await getInstance('i-1')).status?.runningTasksCount === 1, 5000, 'first reconcile');
    await settle();
    expect(await lastStatuses('web-a', 'web-b')).toEqual(['RUNNING', 'RUNNING']);
    await clock.advanceAsync(EXPIRE_MS / 2);
    await heartbeat('i-1');
    await heartbeat('i-2');

    // The controller loses leadership, and regains it after another long gap: the same definition,
    // a new leadership, with heartbeats that are stale again when it comes back.
    first.abort();
    await firstRun;
    await clock.advanceAsync(10 * EXPIRE_MS);
    void start(controller);
    await settle();
    await clock.advanceAsync(EXPIRE_MS / 2);
    await heartbeat('i-1');
    await heartbeat('i-2');
    await clock.advanceAsync(EXPIRE_MS / 2 + 100);
    await settle();
    expect(await lastStatuses('web-a', 'web-b')).toEqual(['RUNNING', 'RUNNING']);
    expect((await getInstance('i-1')).status?.agentConnected).toBe(true);
    expect((await getInstance('i-2')).status?.agentConnected).toBe(true);

    // An agent that really stays silent is still found, one period after it was last seen.
    await heartbeat('i-2');
    await clock.advanceAsync(EXPIRE_MS / 2);
    await heartbeat('i-2');
    await clock.advanceAsync(EXPIRE_MS / 2 + 100);
    await eventually(async () => (await getTask('web-a')).status?.lastStatus === 'STOPPED', 5000, 'the silent agent is found');
    expect((await getTask('web-b')).status?.lastStatus).toBe('RUNNING');
  });

  it('holds a cluster whose agents all go silent at once, ends nothing, and resumes judging once they are seen again', async () => {
    for (const name of ['i-1', 'i-2', 'i-3']) await instance(name);
    await task('web-a', 'i-1');
    await task('web-b', 'i-2');
    await task('web-c', 'i-3');
    start();
    await eventually(async () => (await getInstance('i-3')).status?.runningTasksCount === 1, 5000, 'first reconcile');

    // No heartbeat reaches the controller for five periods (its store is down, say).
    for (let i = 0; i < 10; i++) await clock.advanceAsync(EXPIRE_MS / 2);
    await settle();
    expect(await lastStatuses('web-a', 'web-b', 'web-c')).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    for (const name of ['i-1', 'i-2', 'i-3']) expect((await getInstance(name)).status?.agentConnected).toBe(true);

    // Two are seen again; the third is still catching up and gets a period from the end of the hold.
    await heartbeat('i-1');
    await heartbeat('i-2');
    await clock.advanceAsync(300);
    await settle();
    await clock.advanceAsync(EXPIRE_MS / 2);
    await heartbeat('i-1');
    await heartbeat('i-2');
    await heartbeat('i-3');
    await settle();
    expect(await lastStatuses('web-a', 'web-b', 'web-c')).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);

    // Now one of three falls silent: that is an agent gone, not a partition.
    for (let i = 0; i < 3; i++) {
      await clock.advanceAsync(EXPIRE_MS / 2);
      await heartbeat('i-1');
      await heartbeat('i-2');
    }
    await eventually(async () => (await getTask('web-c')).status?.lastStatus === 'STOPPED', 5000, 'web-c lost');
    expect((await getInstance('i-3')).status?.agentConnected).toBe(false);
    expect(await lastStatuses('web-a', 'web-b')).toEqual(['RUNNING', 'RUNNING']);
  });

  it('ends the tasks of an instance deleted under them', async () => {
    await instance('i-1');
    await task('web-a', 'i-1');
    start();
    await eventually(async () => (await getInstance('i-1')).status?.runningTasksCount === 1, 5000, 'first reconcile');
    await env.client.delete('ContainerInstance', { name: 'i-1' });
    const t = await eventually(
      async () => {
        const got = await getTask('web-a');
        return got.status?.lastStatus === 'STOPPED' && got;
      },
      5000,
      'task of the deleted instance stopped',
    );
    expect(t.spec.desiredStatus).toBe('STOPPED');
    expect(t.status?.stoppedReason).toBe('Container instance i-1 was deregistered');
  });

  it('drains service tasks only as replacements run elsewhere, and leaves one-off tasks', async () => {
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { taskDefinition: 'web', desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } },
    });
    await instance('i-drain', true);
    await instance('i-2');
    await task('web-a', 'i-drain', 'RUNNING', { group: 'service:web' });
    await task('web-b', 'i-drain', 'RUNNING', { group: 'service:web' });
    await task('oneoff', 'i-drain', 'RUNNING', { group: 'family:web' });
    start();
    await eventually(async () => (await getInstance('i-drain')).status?.runningTasksCount === 3, 5000, 'first reconcile');
    await new Promise((r) => setTimeout(r, 300));
    const desired = async (name: string) => (await getTask(name)).spec.desiredStatus;
    expect([await desired('web-a'), await desired('web-b')]).toEqual(['RUNNING', 'RUNNING']);

    // One replacement runs elsewhere (as the service controller would start it, within maximumPercent): one may go.
    await task('web-c', 'i-2', 'RUNNING', { group: 'service:web' });
    // The drain's re-check timer runs on the fake clock; the agents keep heartbeating meanwhile.
    const tick = async () => {
      await heartbeat('i-drain');
      await heartbeat('i-2');
      await clock.advanceAsync(250);
    };
    const stoppedOne = await eventually(
      async () => {
        await tick();
        const states = await Promise.all(['web-a', 'web-b'].map(desired));
        return states.filter((s) => s === 'STOPPED').length === 1 && states;
      },
      5000,
      'one drained task stopped',
    );
    expect(stoppedOne).toContain('RUNNING');
    expect(
      (await getTask('web-a')).spec.desiredStatus === 'STOPPED' ? (await getTask('web-a')).spec.stopReason : (await getTask('web-b')).spec.stopReason,
    ).toContain('i-drain is DRAINING');
    for (let i = 0; i < 4; i++) await tick();
    await new Promise((r) => setTimeout(r, 200));
    expect((await Promise.all(['web-a', 'web-b'].map(desired))).filter((s) => s === 'STOPPED')).toHaveLength(1);

    // The second replacement runs: the last one goes (found by the drain's re-check: the task event wakes i-2 only).
    await task('web-d', 'i-2', 'PENDING', { group: 'service:web' });
    await env.client.mutate(
      'Task',
      { name: 'web-d' },
      (t) => {
        if (t.status) t.status.lastStatus = 'RUNNING';
      },
      { subresource: 'status' },
    );
    await eventually(
      async () => {
        await tick();
        return (await Promise.all(['web-a', 'web-b'].map(desired))).every((s) => s === 'STOPPED');
      },
      5000,
      'both drained',
    );
    expect(await desired('oneoff')).toBe('RUNNING');
    expect(await desired('web-c')).toBe('RUNNING');
  });

  it('drains a task behind a target group by deregistering it, once its replacement is healthy in the group', async () => {
    await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'TargetGroup', metadata: { name: 'web' }, spec: { deregistrationDelay: 2 } });
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        taskDefinition: 'web',
        desiredCount: 1,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
        loadBalancers: [{ targetGroupName: 'web', containerName: 'app', containerPort: 80 }],
      },
    });
    await instance('i-drain', true);
    await instance('i-2');
    await task('web-a', 'i-drain', 'RUNNING', { group: 'service:web' });
    // The replacement runs, container-healthy, but the proxy has not passed it yet.
    await task('web-c', 'i-2', 'RUNNING', { group: 'service:web' });
    const targets = (replacement: 'initial' | 'healthy') =>
      env.client.mutate(
        'TargetGroup',
        { name: 'web' },
        (g) => {
          const target = (task: string, port: number, health: 'initial' | 'healthy') => ({
            task,
            containerName: 'app',
            containerPort: 80,
            id: '127.0.0.1',
            port,
            service: 'web',
            health,
          });
          g.status = { targets: [target('web-a', 8080, 'healthy'), target('web-c', 8081, replacement)], healthReports: [] };
        },
        { subresource: 'status' },
      );
    await targets('initial');
    start();
    const tick = async () => {
      await heartbeat('i-drain');
      await heartbeat('i-2');
      await clock.advanceAsync(250);
    };
    for (let i = 0; i < 6; i++) await tick();
    await new Promise((r) => setTimeout(r, 300));
    const a = await getTask('web-a');
    expect([a.spec.desiredStatus, a.metadata.annotations?.['berth.dev/deregister']]).toEqual(['RUNNING', undefined]);

    await targets('healthy');
    const deregistered = await eventually(
      async () => {
        await tick();
        const t = await getTask('web-a');
        return t.metadata.annotations?.['berth.dev/deregister'] !== undefined && t;
      },
      5000,
      'web-a deregistered',
    );
    // Stopped by the target-group controller after the deregistration delay, not here.
    expect(deregistered.spec.desiredStatus).toBe('RUNNING');
    expect(deregistered.metadata.annotations?.['berth.dev/deregister']).toContain('i-drain is DRAINING');
  });
  // The reconcile reads the instance from the informer cache; a cache that lags the store must
  // never end tasks (nor may a miss), only bookkeeping is written from it.
  describe('with a cache that lags the store', () => {
    let controller: ReturnType<typeof createInstanceController>;
    beforeEach(() => {
      controller = createInstanceController({ heartbeatExpireMs: EXPIRE_MS });
    });
    /** One reconcile of i-1 with `cachedInstance` in the cache (and `peers`, other cached instances of its cluster). */
    const reconcileWith = async (
      cachedInstance: ObjectOf<'ContainerInstance'> | undefined,
      tasks: readonly ObjectOf<'Task'>[],
      peers: readonly ObjectOf<'ContainerInstance'>[] = [],
    ) => {
      const instances: readonly ObjectOf<'ContainerInstance'>[] = [...(cachedInstance ? [cachedInstance] : []), ...peers];
      const cache: CacheReader = {
        get: <K extends Parameters<CacheReader['get']>[0]>(kind: K) => (kind === 'ContainerInstance' ? cachedInstance : undefined) as ObjectOf<K> | undefined,
        list: <K extends Parameters<CacheReader['list']>[0]>(kind: K) => (kind === 'ContainerInstance' ? instances : []) as readonly ObjectOf<K>[],
        byIndex: <K extends Parameters<CacheReader['byIndex']>[0]>(kind: K) => (kind === 'Task' ? tasks : []) as readonly ObjectOf<K>[],
      };
      await controller.reconcile(
        { key: { kind: 'ContainerInstance', cluster: 'default', name: 'i-1' } },
        { client: env.client, cache, clock, log: pino({ level: 'silent' }), signal: stop.signal, events: eventRecorder(env.client, clock) },
      );
    };

    it('a stale cached copy that looks expired does not mark tasks lost when the store has a fresh heartbeat', async () => {
      const stored = await instance('i-1');
      const bound = await task('web-a', 'i-1');
      await reconcileWith(stored, [bound]);
      clock.advance(EXPIRE_MS + 1);
      await heartbeat('i-1');
      await reconcileWith(stored, [bound], [await instance('i-2')]);
      expect((await getTask('web-a')).status?.lastStatus).toBe('RUNNING');
      expect((await getInstance('i-1')).status).toMatchObject({ agentConnected: true, runningTasksCount: 1 });
    });

    it('a cache miss reads the store: bookkeeping is written and nothing is marked lost', async () => {
      await instance('i-1');
      const bound = await task('web-a', 'i-1');
      await reconcileWith(undefined, [bound]);
      expect((await getTask('web-a')).status?.lastStatus).toBe('RUNNING');
      expect((await getInstance('i-1')).status).toMatchObject({ agentConnected: true, runningTasksCount: 1 });
    });

    it('an instance seen silent for a whole period, expired in the store too, has its tasks marked lost', async () => {
      const stored = await instance('i-1');
      const bound = await task('web-a', 'i-1');
      await reconcileWith(stored, [bound]);
      clock.advance(EXPIRE_MS + 1);
      // A peer that heartbeats: one silent instance of two is a lost agent, not a partition.
      await reconcileWith(stored, [bound], [await instance('i-2')]);
      expect((await getTask('web-a')).spec.desiredStatus).toBe('STOPPED');
      expect((await getInstance('i-1')).status?.agentConnected).toBe(false);
    });

    it('a lone instance that goes silent is held, not ended: there is nowhere to move its tasks, and the likelier cause is ours', async () => {
      const stored = await instance('i-1');
      const bound = await task('web-a', 'i-1');
      await reconcileWith(stored, [bound]);
      clock.advance(EXPIRE_MS + 1);
      await reconcileWith(stored, [bound]);
      expect((await getTask('web-a')).spec.desiredStatus).toBe('RUNNING');
      expect((await getInstance('i-1')).status?.agentConnected).toBe(true);
    });
  });
});
