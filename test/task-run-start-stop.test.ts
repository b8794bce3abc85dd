/**
 * runTask / startTask / stopTask over a real client and store: what they create, and every input
 * mistake rejected with a TaskRequestError that names the field, before anything is created.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTask, startTask, stopTask, TaskRequestError, taskName } from '../api/usecases/tasks/index.js';
import { startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { placementCheck } from '../controllers/scheduler/feasibility.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('run-task, start-task, stop-task', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await startTestEnv();
    for (const memory of [64, 128])
      // web:1 and web:2
      await env.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition',
        metadata: { name: 'web' },
        spec: {
          containerDefinitions: [
            { name: 'app', image: 'berth.local/busybox:1', memory },
            { name: 'sidecar', image: 'berth.local/busybox:1', memory: 32 },
          ],
        },
      });
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'batch' },
      spec: { containerDefinitions: [{ name: 'job', image: 'berth.local/busybox:1', memory: 32 }] },
    });
    for (const [name, status, connected] of [
      ['i-1', 'ACTIVE', true],
      ['i-2', 'ACTIVE', true],
      ['i-drain', 'DRAINING', true],
      ['i-gone', 'ACTIVE', false],
    ] as const)
      await env.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'ContainerInstance',
        metadata: { name },
        spec: { status, registeredResources: { cpu: 1024, memory: 1024 } },
        status: { agentConnected: connected, lastHeartbeat: NOW.toISOString() },
      });
  });
  afterEach(async () => {
    await env.stop();
  });

  const tasks = async () => (await env.client.list('Task')).items;
  const options = { now: () => NOW };

  it('runTask: the newest ACTIVE revision by family, count unbound PENDING tasks with what was asked', async () => {
    const { tasks: created, failures } = await runTask(
      env.client,
      {
        taskDefinition: 'web',
        count: 3,
        startedBy: 'nightly-report',
        overrides: { containerOverrides: [{ name: 'app', command: ['echo', 'hi'] }] },
        placementConstraints: [{ type: 'distinctInstance' }],
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      },
      options,
    );
    expect(failures).toEqual([]);
    expect(created).toHaveLength(3);
    expect(new Set(created.map((t) => t.metadata.name)).size).toBe(3);
    for (const t of created) {
      expect(t.metadata.name).toMatch(/^web-[0-9a-f]{10}$/);
      expect(t.spec).toMatchObject({
        taskDefinition: 'web:2',
        desiredStatus: 'RUNNING',
        group: 'family:web',
        startedBy: 'nightly-report',
        overrides: { containerOverrides: [{ name: 'app', command: ['echo', 'hi'] }] },
        placementConstraints: [{ type: 'distinctInstance' }],
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      });
      expect(t.spec.containerInstance).toBeUndefined();
      expect(t.status).toMatchObject({ lastStatus: 'PENDING', createdAt: NOW.toISOString() });
    }
    expect(await tasks()).toHaveLength(3);
  });

  it.each<[string, number, number, RegExp]>([
    ['no instance has the memory', 4096, 0, /no container instance met all of its requirements: 2 of 2 instances lacked MEMORY \(the task needs 4096 MiB/],
    ['two instances take one each', 600, 2, /lacked MEMORY \(the task needs 600 MiB; the most free on any is 424 MiB\)/],
  ])("runTask with the scheduler's placement check: %s, so only what fits now is created and the rest reported", async (_name, memory, fits, reason) => {
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'big' },
      spec: { containerDefinitions: [{ name: 'job', image: 'berth.local/busybox:1', memory }] },
    });
    const { tasks: created, failures } = await runTask(env.client, { taskDefinition: 'big', count: 3 }, { ...options, placement: placementCheck(env.client) });
    expect(created).toHaveLength(fits);
    expect(failures).toHaveLength(3 - fits);
    for (const f of failures) expect(f.reason).toMatch(reason);
    expect((await tasks()).filter((t) => t.spec.taskDefinition === 'big:1')).toHaveLength(fits);
  });

  it('runTask: a pinned revision, a custom group, count defaults to 1', async () => {
    const { tasks: created } = await runTask(env.client, { taskDefinition: 'web:1', group: 'reports' });
    expect(created).toHaveLength(1);
    expect(created[0]?.spec).toMatchObject({ taskDefinition: 'web:1', group: 'reports' });
  });

  it('runTask: follows deregistration to the newest revision still ACTIVE', async () => {
    await env.client.mutate(
      'TaskDefinition',
      { name: 'web:2' },
      (td) => {
        if (td.status) td.status.status = 'INACTIVE';
      },
      { subresource: 'status' },
    );
    const { tasks: created } = await runTask(env.client, { taskDefinition: 'web' });
    expect(created[0]?.spec.taskDefinition).toBe('web:1');
  });

  it.each([
    ['an unknown family', { taskDefinition: 'nope' }, 'taskDefinition', /family nope not found in cluster default/],
    ['an unknown revision', { taskDefinition: 'web:9' }, 'taskDefinition', /web:9 not found/],
    ['a malformed reference', { taskDefinition: 'web:x' }, 'taskDefinition', /family/],
    ['count 0', { taskDefinition: 'web', count: 0 }, 'count', /count must be 1-10/],
    ['count 11', { taskDefinition: 'web', count: 11 }, 'count', /count must be 1-10/],
    ['a fractional count', { taskDefinition: 'web', count: 1.5 }, 'count', /./],
    [
      'an override of a container not in the definition',
      { taskDefinition: 'web', overrides: { containerOverrides: [{ name: 'db' }] } },
      'overrides.containerOverrides.0.name',
      /container "db" is not in task definition web:2 \(its containers: app, sidecar\)/,
    ],
    ['a service group', { taskDefinition: 'web', group: 'service:web' }, 'group', /reserved for tasks a service starts/],
    ['an unknown field', { taskDefinition: 'web', cont: 2 }, 'cont', /unknown field "cont"/],
  ])('runTask rejects %s', async (_, input, field, message) => {
    const err: unknown = await runTask(env.client, input as Parameters<typeof runTask>[1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskRequestError);
    expect(err).toMatchObject({ name: 'InvalidTaskRequest', retriable: false, field });
    expect((err as Error).message).toMatch(message);
    expect(await tasks()).toEqual([]);
  });

  it('runTask rejects an INACTIVE revision', async () => {
    await env.client.mutate(
      'TaskDefinition',
      { name: 'web:1' },
      (td) => {
        if (td.status) td.status.status = 'INACTIVE';
      },
      { subresource: 'status' },
    );
    await expect(runTask(env.client, { taskDefinition: 'web:1' })).rejects.toMatchObject({
      field: 'taskDefinition',
      ecsCode: 'ClientException',
      message: expect.stringMatching(/web:1 is INACTIVE/),
    });
  });

  it('startTask: one task per named instance, created already bound', async () => {
    const { tasks: created, failures } = await startTask(
      env.client,
      { taskDefinition: 'batch', containerInstances: ['i-1', 'i-2'], startedBy: 'my-scheduler' },
      options,
    );
    expect(failures).toEqual([]);
    expect(created.map((t) => t.spec.containerInstance)).toEqual(['i-1', 'i-2']);
    for (const t of created) {
      expect(t.metadata.name).toMatch(/^batch-[0-9a-f]{10}$/);
      expect(t.spec).toMatchObject({ taskDefinition: 'batch:1', startedBy: 'my-scheduler', group: 'family:batch' });
      expect(t.status?.lastStatus).toBe('PENDING');
    }
  });

  it.each([
    ['an unknown instance', ['i-1', 'i-9'], 'containerInstances.1', /container instance i-9 not found/],
    ['a DRAINING instance', ['i-drain'], 'containerInstances.0', /i-drain is DRAINING; tasks can only be started on ACTIVE instances/],
    ['an instance without a connected agent', ['i-gone'], 'containerInstances.0', /i-gone has no connected agent/],
    ['no instances', [], 'containerInstances', /name 1-10 container instances/],
  ])('startTask rejects %s, creating nothing', async (_, containerInstances, field, message) => {
    const err: unknown = await startTask(env.client, { taskDefinition: 'batch', containerInstances }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidTaskRequest', field });
    expect((err as Error).message).toMatch(message);
    expect(await tasks()).toEqual([]);
  });

  it('stopTask: desiredStatus STOPPED with the reason; a second stop keeps the first reason', async () => {
    const {
      tasks: [task],
    } = await runTask(env.client, { taskDefinition: 'web' });
    const name = task?.metadata.name ?? '';
    const stopped = await stopTask(env.client, { task: name, reason: 'report no longer needed' });
    expect(stopped.spec).toMatchObject({ desiredStatus: 'STOPPED', stopReason: 'report no longer needed' });
    const again = await stopTask(env.client, { task: name, reason: 'other' });
    expect(again.spec.stopReason).toBe('report no longer needed');
    const {
      tasks: [other],
    } = await runTask(env.client, { taskDefinition: 'web' });
    expect((await stopTask(env.client, { task: other?.metadata.name ?? '' })).spec.stopReason).toBe('Task stopped by the user');
  });

  it('stopTask: an unknown task is a clear error', async () => {
    await expect(stopTask(env.client, { task: 'web-0000000000' })).rejects.toMatchObject({
      name: 'InvalidTaskRequest',
      field: 'task',
      message: 'task: task web-0000000000 not found in cluster default',
    });
  });

  it.each([
    ['web', 'abc', 'web-abc'],
    ['-web', 'abc', 'web-abc'],
    ['x'.repeat(300), '0123456789', `${'x'.repeat(244)}-0123456789`],
  ])('taskName(%s)', (family, suffix, want) => {
    expect(taskName(family, suffix)).toBe(want);
  });
});
