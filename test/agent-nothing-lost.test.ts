/**
 * Nothing berth makes outlives its use (issue #21): a container whose start failed, the network of a
 * stopped task, what a crashed agent left half made. On the real Docker engine; every task keeps its
 * stopped containers for a minute (the harness's retention), so "removed" below is never the retention.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinition } from '../api/v1/task-definition.js';
import { toContainerSpec } from '../controllers/agent/runtime/container-spec.js';
import { DOCKER_LABELS, taskNetworkName } from '../controllers/agent/runtime/names.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually } from '../controllers/kit/test-env.js';
import { createTaskController } from '../controllers/task/index.js';
import { container, INSTANCE, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

let h: AgentEnv;
beforeEach(async () => (h = await startAgentEnv('lost')));
afterEach(async () => h.cleanup());

/** Tasks that need no network stay off Docker's default bridge. */
const NO_NETWORK = { networkMode: 'none' };
/** Waits for what the engine does: generous, as the engine is shared and may be busy. */
const SLOW = 20_000;
const linked = () => [container('server', sh('exec sleep 300')), container('client', { links: ['server'], ...sh('exec sleep 300') })];

describe('nothing lost', () => {
  it("a container whose start fails is removed at once, and the engine's words reach the task", async () => {
    await h.startAgent();
    // Without docker-init, which would start and then fail to exec it (an exit, not a failed start).
    await h.runTask(
      'bad-1',
      await h.taskDefinition('bad', [container('app', { command: ['/no/such/binary'], linuxParameters: { initProcessEnabled: false } })], NO_NETWORK),
    );
    const stopped = await h.waitForTask('bad-1', (t) => t.status?.lastStatus === 'STOPPED', SLOW);
    expect(stopped.status?.stopCode).toBe('TaskFailedToStart');
    // What the engine said, not advice about a daemon that answered.
    expect(stopped.status?.stoppedReason).toMatch(/no such file or directory/);
    expect(stopped.status?.stoppedReason).not.toMatch(/dockerd is running/);
    await eventually(async () => (await h.containers({ [DOCKER_LABELS.task]: 'bad-1' })).length === 0, 5000, 'the never-started container removed');
  });

  it("a stopped task's network is released at once, while its containers stay for the retention", async () => {
    await h.startAgent();
    await h.runTask('linked-1', await h.taskDefinition('linked', linked()));
    await h.waitForTask('linked-1', (t) => t.status?.lastStatus === 'RUNNING', SLOW);
    const ofTask = { [DOCKER_LABELS.cluster]: h.cluster, [DOCKER_LABELS.task]: 'linked-1' };
    expect(await h.runtime.listNetworks({ labels: ofTask })).toHaveLength(1);
    await h.client.mutate('Task', { cluster: h.cluster, name: 'linked-1' }, (t) => void (t.spec.desiredStatus = 'STOPPED'));
    await h.waitForTask('linked-1', (t) => t.status?.lastStatus === 'STOPPED', SLOW);
    await eventually(async () => (await h.runtime.listNetworks({ labels: ofTask })).length === 0, 3000, 'network released');
    expect(await h.containers({ [DOCKER_LABELS.task]: 'linked-1' })).toHaveLength(2);
  });

  it('what a crashed agent left half made is removed when the agent starts again', async () => {
    // The agent had created the container, then died; meanwhile the task was marked lost (STOPPED).
    const td = await h.taskDefinition('half', [container('app', sh('exec sleep 300'))], NO_NETWORK);
    const task = await h.runTask('half-1', td);
    const definition = TaskDefinition.parse(await h.client.mustGet('TaskDefinition', { cluster: h.cluster, name: td }));
    const app = definition.spec.containerDefinitions[0];
    if (!app) throw new Error('fixture has no container');
    const id = await h.runtime.createContainer(
      toContainerSpec({ task, taskDefinition: definition, containerDefinition: app, instance: INSTANCE, installation: await h.installation() }),
    );
    const at = new Date().toISOString();
    await h.client.patch(
      'Task',
      { cluster: h.cluster, name: 'half-1' },
      { status: { lastStatus: 'STOPPED', stoppedAt: at, stoppedReason: 'lost', connectivity: 'DISCONNECTED' } },
      { subresource: 'status' },
    );

    await h.startAgent();
    await eventually(async () => (await h.containers({ [DOCKER_LABELS.task]: 'half-1' })).length === 0, 5000, 'the half-made container removed');
    await expect(h.runtime.inspectContainer(id)).rejects.toThrow(/no container/);
  });

  it('a task that ended on its own ends with desiredStatus STOPPED (the task controller settles it), its stop code saying why', async () => {
    const stop = new AbortController();
    const manager = new Manager({ client: h.env.client }).add(createTaskController()).run(stop.signal);
    try {
      await h.startAgent();
      await h.runTask('exits-1', await h.taskDefinition('exits', [container('app', sh('exit 3'))], NO_NETWORK));
      await h.runTask(
        'bad-2',
        await h.taskDefinition('bad2', [container('app', { command: ['/no/such/binary'], linuxParameters: { initProcessEnabled: false } })], NO_NETWORK),
      );
      const exited = await h.waitForTask('exits-1', (t) => t.status?.lastStatus === 'STOPPED' && t.spec.desiredStatus === 'STOPPED', SLOW);
      expect(exited.status).toMatchObject({ stopCode: 'EssentialContainerExited', containers: [{ exitCode: 3 }] });
      const failed = await h.waitForTask('bad-2', (t) => t.status?.lastStatus === 'STOPPED' && t.spec.desiredStatus === 'STOPPED', SLOW);
      expect(failed.status?.stopCode).toBe('TaskFailedToStart');
    } finally {
      stop.abort();
      await manager;
    }
  });

  it("a network of the task's name that is not this agent's is never taken over: the task fails saying so", async () => {
    const task = await h.runTask('clash-1', await h.taskDefinition('clash', linked()));
    const name = taskNetworkName(h.cluster, { name: task.metadata.name, uid: task.metadata.uid ?? '' });
    await h.runtime.createTaskNetwork({ name, labels: {} }); // made by someone else, without berth's labels
    try {
      await h.startAgent();
      const stopped = await h.waitForTask('clash-1', (t) => t.status?.lastStatus === 'STOPPED', SLOW);
      expect(stopped.status?.stopCode).toBe('TaskFailedToStart');
      expect(stopped.status?.stoppedReason).toMatch(/ResourceInitializationError.*not this agent's/);
      expect(await h.runtime.listNetworks({ labels: {} }, name)).toHaveLength(1);
    } finally {
      await h.runtime.removeTaskNetwork(name);
    }
  });
});
