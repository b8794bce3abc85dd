import { describe, expect, it } from 'vitest';
import { Task, type TaskStatus } from '../../api/v1/task.js';
import { TaskDefinition } from '../../api/v1/task-definition.js';
import { rawContainer, rawTaskDefinition } from '../../api/v1/testing.js';
import type { ObservedContainer } from './observed.js';
import { hasEngineWork, planTask, type TaskPlanInput } from './plan.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const UID = 'aaaaaaaaaaaa-uid';

type Plain = Record<string, unknown>;

function def(containers: Plain[]) {
  return TaskDefinition.parse(rawTaskDefinition({ containerDefinitions: containers })).spec;
}

function task(status?: Partial<TaskStatus>, spec: Plain = {}) {
  return Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name: 't1', cluster: 'c', uid: UID, resourceVersion: '5' },
    spec: { taskDefinition: 'web:1', containerInstance: 'i-1', ...spec },
    ...(status ? { status } : {}),
  });
}

function container(name: string, state: ObservedContainer['state'], extra: Partial<ObservedContainer> = {}): ObservedContainer {
  const ran = state !== 'created';
  return {
    id: `id-${name}`,
    name,
    taskUid: UID,
    state,
    exitCode: 0,
    health: 'none',
    oomKilled: false,
    hostPorts: [],
    ...(ran ? { startedAt: NOW - 5000 } : {}),
    ...(state === 'exited' ? { finishedAt: NOW - 1000 } : {}),
    ...extra,
  };
}

const input = (partial: Partial<TaskPlanInput>): TaskPlanInput => ({ task: undefined, containers: [], now: NOW, retentionMs: 60_000, ...partial });

const one = def([rawContainer('app')]);
const withSidecar = def([rawContainer('app'), rawContainer('side', { essential: false })]);
const healthyDep = def([
  rawContainer('db', { healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5 } }),
  rawContainer('web', { dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }),
]);

describe('planTask', () => {
  it.each([
    {
      what: 'a new task starts its only container',
      in: input({ task: task(), definition: one }),
      start: ['app'],
    },
    {
      what: 'RUNNING once the essential container runs, with its docker id',
      in: input({ task: task({ lastStatus: 'PENDING' }), definition: one, containers: [container('app', 'running')] }),
      start: [],
      status: { lastStatus: 'RUNNING', startedAt: new Date(NOW).toISOString() },
    },
    {
      what: 'a non-essential container not started yet keeps the task PENDING (ECS: the least advanced container)',
      in: input({ task: task({ lastStatus: 'PENDING' }), definition: withSidecar, containers: [container('app', 'running')] }),
      start: ['side'],
      status: undefined,
    },
    {
      what: '…and so does one created but not started (it is started, the task still PENDING)',
      in: input({ task: task({ lastStatus: 'PENDING' }), definition: withSidecar, containers: [container('app', 'running'), container('side', 'created')] }),
      start: ['side'],
      status: undefined,
    },
    {
      what: 'RUNNING once every container has started, a non-essential one that exited since included',
      in: input({
        task: task({ lastStatus: 'PENDING' }),
        definition: withSidecar,
        containers: [container('app', 'running'), container('side', 'exited', { exitCode: 0 })],
      }),
      start: [],
      status: { lastStatus: 'RUNNING' },
    },
    {
      what: 'a dependent waits for HEALTHY',
      in: input({ task: task(), definition: healthyDep, containers: [container('db', 'running', { health: 'starting' })] }),
      start: [],
      status: { lastStatus: 'PENDING' },
    },
    {
      what: 'a dependent starts once its dependency is healthy',
      in: input({ task: task(), definition: healthyDep, containers: [container('db', 'running', { health: 'healthy' })] }),
      start: ['web'],
    },
    {
      what: 'HEALTHY can never come after the dependency exited',
      in: input({ task: task(), definition: healthyDep, containers: [container('db', 'exited', { exitCode: 1 })] }),
      start: [],
      status: { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' },
    },
    {
      what: 'an essential exit stops the rest (STOPPING first)',
      in: input({
        task: task({ lastStatus: 'RUNNING' }),
        definition: withSidecar,
        containers: [container('app', 'exited', { exitCode: 137 }), container('side', 'running')],
      }),
      stop: [['side']],
      status: { lastStatus: 'STOPPING', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' },
    },
    {
      what: 'a non-essential exit is only reported',
      in: input({
        task: task({ lastStatus: 'RUNNING' }),
        definition: withSidecar,
        containers: [container('app', 'running'), container('side', 'exited', { exitCode: 3 })],
      }),
      start: [],
    },
    {
      what: 'a launch failure ends the task',
      in: input({ task: task(), definition: one, failure: 'exec: "nope": not found' }),
      status: { lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'exec: "nope": not found' },
    },
    {
      what: 'desiredStatus STOPPED stops what runs',
      in: input({
        task: task({ lastStatus: 'RUNNING' }, { desiredStatus: 'STOPPED', stopReason: 'scaling down' }),
        definition: one,
        containers: [container('app', 'running')],
      }),
      stop: [['app']],
      status: { lastStatus: 'STOPPING', stopCode: 'UserInitiated', stoppedReason: 'scaling down' },
    },
    {
      what: 'desiredStatus STOPPED with nothing running reports STOPPED',
      in: input({
        task: task({ lastStatus: 'STOPPING' }, { desiredStatus: 'STOPPED' }),
        definition: one,
        containers: [container('app', 'exited', { exitCode: 143 })],
      }),
      status: { lastStatus: 'STOPPED', stopCode: 'UserInitiated' },
    },
    {
      what: 'a task marked STOPPED while its containers run (lost): stop and remove them now',
      in: input({
        task: task({ lastStatus: 'STOPPED', stoppedAt: new Date(NOW).toISOString() }, { desiredStatus: 'STOPPED' }),
        definition: one,
        containers: [container('app', 'running')],
      }),
      stop: [['app']],
      remove: ['id-app'],
    },
    {
      what: 'stopped containers of an ended task stay for the retention',
      in: input({
        task: task({ lastStatus: 'STOPPED', stoppedAt: new Date(NOW - 10_000).toISOString() }),
        definition: one,
        containers: [container('app', 'exited')],
      }),
      remove: [],
      requeueAfterMs: 50_000,
    },
    {
      what: '…and are removed after it',
      in: input({
        task: task({ lastStatus: 'STOPPED', stoppedAt: new Date(NOW - 61_000).toISOString() }),
        definition: one,
        containers: [container('app', 'exited')],
      }),
      remove: ['id-app'],
    },
    {
      what: 'a gone task: every container of it is stopped and removed',
      in: input({ containers: [container('app', 'running')] }),
      stop: [['app']],
      remove: ['id-app'],
    },
    {
      what: 'containers of an older task of the same name are removed',
      in: input({
        task: task({ lastStatus: 'RUNNING' }),
        definition: one,
        containers: [container('app', 'running'), container('app', 'running', { id: 'old', taskUid: 'other' })],
      }),
      remove: ['old'],
    },
    {
      what: "an essential container removed behind the agent's back ends the task, and is not recreated",
      in: input({
        task: task({
          lastStatus: 'RUNNING',
          containers: [{ name: 'app', dockerId: 'gone', lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', networkBindings: [] }],
        }),
        definition: one,
      }),
      start: [],
      status: {
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'app', dockerId: 'gone', lastStatus: 'STOPPED', reason: 'the container was removed from the Docker engine' }],
      },
    },
    {
      what: 'a vanished non-essential container is reported STOPPED, not recreated',
      in: input({
        task: task({
          lastStatus: 'RUNNING',
          containers: [
            { name: 'app', dockerId: 'id-app', lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', networkBindings: [] },
            { name: 'side', dockerId: 'gone', lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', networkBindings: [] },
          ],
        }),
        definition: withSidecar,
        containers: [container('app', 'running')],
      }),
      start: [],
      status: {
        containers: [
          { name: 'app', lastStatus: 'RUNNING' },
          { name: 'side', dockerId: 'gone', lastStatus: 'STOPPED' },
        ],
      },
    },
  ])('$what', (c) => {
    const plan = planTask(c.in);
    if (c.start) expect(plan.start).toEqual(c.start);
    if (c.stop) expect(plan.stopWaves.map((w) => w.map((s) => s.name))).toEqual(c.stop);
    if (c.remove) expect(plan.remove).toEqual(c.remove);
    if (c.requeueAfterMs) expect(plan.requeueAfterMs).toBe(c.requeueAfterMs);
    if (c.status) expect(plan.status).toMatchObject(c.status);
    if ('status' in c && c.status === undefined) expect(plan.status).toBeUndefined();
  });

  const ended = (ago: number) => task({ lastStatus: 'STOPPED', stoppedAt: new Date(NOW - ago).toISOString() });
  it.each([
    {
      what: 'a start failure: STOPPED, the never-started container removed at once, the network released',
      in: input({
        task: task(),
        definition: one,
        failure: 'failed to attach network',
        containers: [container('app', 'created', { error: 'failed to attach network' })],
      }),
      want: { remove: ['id-app'], releaseNetwork: true, removeTaskResources: false, status: { lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' } },
    },
    {
      what: 'an ended task: the network is released while its stopped containers stay for the retention',
      in: input({ task: ended(10_000), definition: one, containers: [container('app', 'exited')] }),
      want: { remove: [], releaseNetwork: true, removeTaskResources: false, requeueAfterMs: 50_000 },
    },
    {
      what: 'an ended task (after an agent restart): a container that never started is removed at once, one that ran stays',
      in: input({ task: ended(10_000), definition: withSidecar, containers: [container('app', 'exited'), container('side', 'created')] }),
      want: { remove: ['id-side'], releaseNetwork: true, requeueAfterMs: 50_000 },
    },
    {
      what: 'an ended task whose containers still run (lost): no network release before they stop',
      in: input({ task: ended(0), definition: one, containers: [container('app', 'running')] }),
      want: { remove: ['id-app'], releaseNetwork: false },
    },
    {
      what: 'desiredStatus STOPPED, still stopping: the network stays',
      in: input({ task: task({ lastStatus: 'RUNNING' }, { desiredStatus: 'STOPPED' }), definition: one, containers: [container('app', 'running')] }),
      want: { remove: [], releaseNetwork: false },
    },
    {
      what: 'stopped, nothing left on the engine: network and volumes',
      in: input({ task: ended(120_000), definition: one }),
      want: { remove: [], removeTaskResources: true },
    },
  ])('ended tasks: $what', (c) => {
    expect(planTask(c.in)).toMatchObject(c.want);
  });

  it('reports container statuses, exit codes and host ports', () => {
    const plan = planTask(
      input({
        task: task({ lastStatus: 'PENDING' }),
        definition: withSidecar,
        containers: [
          container('app', 'running', {
            hostPorts: [
              { containerPort: 80, hostPort: 50000, protocol: 'tcp', bindIP: '0.0.0.0' },
              { containerPort: 80, hostPort: 50000, protocol: 'tcp', bindIP: '::' },
            ],
          }),
          container('side', 'exited', { exitCode: 2 }),
        ],
      }),
    );
    expect(plan.status?.containers).toEqual([
      {
        name: 'app',
        dockerId: 'id-app',
        lastStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
        networkBindings: [{ containerPort: 80, hostPort: 50000, protocol: 'tcp', bindIP: '0.0.0.0' }],
      },
      { name: 'side', dockerId: 'id-side', lastStatus: 'STOPPED', exitCode: 2, healthStatus: 'UNKNOWN', networkBindings: [] },
    ]);
    expect(plan.status?.healthStatus).toBeUndefined(); // UNKNOWN already (schema default): nothing to write
  });

  it('writes no status before starting containers: the status after the starts says more', () => {
    const fresh = planTask(input({ task: task(), definition: one }));
    expect(fresh.start).toEqual(['app']);
    expect(fresh.status).toBeUndefined();
    const started = planTask(
      input({
        task: task(),
        definition: one,
        containers: [container('app', 'running')],
        pull: { startedAt: new Date(NOW - 100).toISOString(), stoppedAt: new Date(NOW - 50).toISOString() },
      }),
    );
    expect(started.status).toMatchObject({ lastStatus: 'RUNNING', connectivity: 'CONNECTED', pullStartedAt: new Date(NOW - 100).toISOString() });
    // A dependent waiting for its dependency: nothing to start, so the progress so far is written.
    const waiting = planTask(input({ task: task(), definition: healthyDep, containers: [container('db', 'running', { health: 'starting' })] }));
    expect(waiting.start).toEqual([]);
    expect(waiting.status).toMatchObject({ lastStatus: 'PENDING', connectivity: 'CONNECTED' });
  });

  it('writes nothing when the stored status already says it all', () => {
    const first = planTask(input({ task: task({ lastStatus: 'PENDING' }), definition: one, containers: [container('app', 'running')] }));
    const stored = task({ lastStatus: 'PENDING', ...first.status });
    const again = planTask(input({ task: stored, definition: one, containers: [container('app', 'running')], now: NOW + 5000 }));
    expect(again.status).toBeUndefined();
    expect(hasEngineWork(again)).toBe(false);
  });

  it('task health: HEALTHY once every essential container with a check is healthy', () => {
    const plan = planTask(
      input({ task: task(), definition: healthyDep, containers: [container('db', 'running', { health: 'healthy' }), container('web', 'running')] }),
    );
    expect(plan.status).toMatchObject({ lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
  });

  it('never moves lastStatus backwards', () => {
    const plan = planTask(input({ task: task({ lastStatus: 'RUNNING' }), definition: withSidecar, containers: [container('app', 'running')] }));
    expect(plan.start).toEqual(['side']);
    expect(plan.status?.lastStatus).toBeUndefined();
  });

  describe('a task waiting for a secret', () => {
    const waiting = { reason: 'waiting for secrets: containerDefinitions[0].secrets[0].valueFrom (db): secret db not found', retryAfterMs: 500 };
    it.each([
      {
        what: 'a new task: PENDING with the reason, nothing started, a look again later',
        task: task(),
        write: { lastStatus: 'PENDING', pendingReason: waiting.reason },
      },
      {
        what: 'already reported: nothing to write, still a look again later',
        task: task({
          lastStatus: 'PENDING',
          pendingReason: waiting.reason,
          connectivity: 'CONNECTED',
          containers: [{ name: 'app', lastStatus: 'PENDING', healthStatus: 'UNKNOWN', networkBindings: [] }],
        }),
        write: undefined,
      },
    ])('$what', (c) => {
      const plan = planTask(input({ task: c.task, definition: one, waiting }));
      expect(plan.start).toEqual([]);
      expect(hasEngineWork(plan)).toBe(false);
      expect(plan.requeueAfterMs).toBe(500);
      if (c.write) expect(plan.status).toMatchObject(c.write);
      else expect(plan.status).toBeUndefined();
    });

    it('once it runs, the reason is cleared', () => {
      const plan = planTask(
        input({ task: task({ lastStatus: 'PENDING', pendingReason: waiting.reason }), definition: one, containers: [container('app', 'running')] }),
      );
      expect(plan.status?.lastStatus).toBe('RUNNING');
      expect(plan.status && 'pendingReason' in plan.status && plan.status.pendingReason === undefined).toBe(true);
    });

    it('a failure still wins over the wait', () => {
      const plan = planTask(input({ task: task(), definition: one, waiting, failure: 'ResourceInitializationError: bad reference' }));
      expect(plan.status).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    });
  });
});

describe('planTask: restartPolicy and the awsvpc sandbox', () => {
  const restarting = (policy: Plain, essential = true) => def([rawContainer('app', { essential, restartPolicy: policy })]);
  const running = task({
    lastStatus: 'RUNNING',
    containers: [{ name: 'app', dockerId: 'id-app', lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', networkBindings: [] }],
  });
  // Ran from NOW - 120 s until it exited with code 3.
  const exitedAfter = (ranMs: number, exitCode = 3) => container('app', 'exited', { exitCode, startedAt: NOW - ranMs });
  const vpc = TaskDefinition.parse(
    rawTaskDefinition({ networkMode: 'awsvpc', containerDefinitions: [rawContainer('app', { portMappings: [{ containerPort: 8080 }] })] }),
  ).spec;
  const sandbox = (state: ObservedContainer['state']) =>
    container('sb', state, {
      id: 'sandbox-id-0123456789',
      name: 'berth-c-x.sandbox',
      sandbox: true,
      ipv4Address: '172.17.0.9',
      hostPorts: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', bindIP: '0.0.0.0' }],
    });

  it.each([
    {
      what: 'ran the period, exit code not ignored: restarted in place, one restart counted, the task keeps running',
      in: input({ task: running, definition: restarting({ enabled: true, restartAttemptPeriod: 60 }), containers: [exitedAfter(120_000)] }),
      want: { restart: [{ id: 'id-app', name: 'app' }], stopWaves: [], status: { containers: [{ name: 'app', lastStatus: 'RUNNING', restartCount: 1 }] } },
    },
    {
      what: 'exited before the period: not restarted, the essential container ends the task',
      in: input({ task: running, definition: restarting({ enabled: true, restartAttemptPeriod: 60 }), containers: [exitedAfter(30_000)] }),
      want: { restart: [], status: { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' } },
    },
    {
      what: 'the default period is 300 s',
      in: input({ task: running, definition: restarting({ enabled: true }), containers: [exitedAfter(200_000)] }),
      want: { restart: [], status: { stopCode: 'EssentialContainerExited' } },
    },
    {
      what: 'an ignored exit code is not restarted',
      in: input({
        task: running,
        definition: restarting({ enabled: true, restartAttemptPeriod: 60, ignoredExitCodes: [3] }),
        containers: [exitedAfter(120_000)],
      }),
      want: { restart: [], status: { stopCode: 'EssentialContainerExited' } },
    },
    {
      what: 'a disabled policy restarts nothing',
      in: input({ task: running, definition: restarting({ enabled: false }), containers: [exitedAfter(999_000)] }),
      want: { restart: [], status: { stopCode: 'EssentialContainerExited' } },
    },
    {
      what: 'a task being stopped restarts nothing',
      in: input({
        task: task({ lastStatus: 'RUNNING' }, { desiredStatus: 'STOPPED' }),
        definition: restarting({ enabled: true, restartAttemptPeriod: 60 }),
        containers: [exitedAfter(120_000)],
      }),
      want: { restart: [], status: { lastStatus: 'STOPPED', stopCode: 'UserInitiated' } },
    },
    {
      what: 'awsvpc: the container reports the sandbox’s port and interface, the task its attachment',
      in: input({ task: task({ lastStatus: 'PENDING' }), definition: vpc, containers: [container('app', 'running')], sandbox: sandbox('running') }),
      want: {
        status: {
          lastStatus: 'RUNNING',
          attachments: [
            {
              id: 'sandbox-id-0',
              type: 'ElasticNetworkInterface',
              status: 'ATTACHED',
              details: [
                { name: 'networkInterfaceId', value: 'berth-c-x.sandbox' },
                { name: 'privateIPv4Address', value: '172.17.0.9' },
              ],
            },
          ],
          containers: [
            {
              name: 'app',
              networkBindings: [{ containerPort: 8080, hostPort: 8080 }],
              networkInterfaces: [{ attachmentId: 'sandbox-id-0', privateIpv4Address: '172.17.0.9' }],
            },
          ],
        },
      },
    },
    {
      what: 'awsvpc: the sandbox exited, so the task’s network is gone: the task stops',
      in: input({ task: running, definition: vpc, containers: [container('app', 'running')], sandbox: sandbox('exited') }),
      want: { stopWaves: [[{ name: 'app' }]], status: { lastStatus: 'STOPPING', stopCode: 'EssentialContainerExited' } },
    },
    {
      what: 'pidMode task: the sandbox exited, and with it the PID namespace: the task stops',
      in: input({
        task: running,
        definition: TaskDefinition.parse(rawTaskDefinition({ pidMode: 'task', containerDefinitions: [rawContainer('app')] })).spec,
        containers: [container('app', 'running')],
        sandbox: sandbox('exited'),
      }),
      want: {
        stopWaves: [[{ name: 'app' }]],
        status: { lastStatus: 'STOPPING', stoppedReason: "the task's sandbox exited, and with it the namespaces its containers shared" },
      },
    },
  ])('$what', (c) => {
    expect(planTask(c.in)).toMatchObject(c.want);
  });
});
