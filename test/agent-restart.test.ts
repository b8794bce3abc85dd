/**
 * The agent after a restart, on the real engine: running containers are adopted (same docker ids, no
 * twins), a container created just before a crash is adopted through its name conflict, containers
 * no task owns are removed, and a task marked STOPPED while the agent was away loses its container.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskDefinition } from '../api/v1/task-definition.js';
import { toContainerSpec } from '../controllers/agent/runtime/container-spec.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, IMAGE, INSTANCE, startAgentEnv, type AgentEnv } from './agent-harness.js';

let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('ag-restart');
});
afterAll(async () => h?.cleanup());

const sleeper = () => [container('app', { command: ['sleep', '300'] })];
const dockerIdOf = async (name: string) => (await h.getTask(name))?.status?.containers[0]?.dockerId;

describe('berth agent restart', () => {
  it('re-adopts, adopts half-made containers, removes orphans and containers of tasks marked lost', async () => {
    const td = await h.taskDefinition('sleeper', sleeper());
    const first = await h.startAgent();
    await h.runTask('keep-1', td);
    await h.runTask('lost-1', td);
    await h.waitForTask('keep-1', (t) => t.status?.lastStatus === 'RUNNING');
    await h.waitForTask('lost-1', (t) => t.status?.lastStatus === 'RUNNING');
    const keepId = await dockerIdOf('keep-1');
    await first.stop();

    // While the agent is away: the instance controller marks lost-1 lost …
    await h.client.mutate('Task', { cluster: h.cluster, name: 'lost-1' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
    });
    await h.client.patch(
      'Task',
      { cluster: h.cluster, name: 'lost-1' },
      { status: { lastStatus: 'STOPPED', connectivity: 'DISCONNECTED', stoppedAt: new Date().toISOString() } },
      { subresource: 'status' },
    );
    // … a container no task owns shows up with this instance's labels …
    const ghost = await h.runtime.createContainer({
      name: `berth-${h.cluster}-ghost-app`,
      Image: IMAGE,
      Cmd: ['sleep', '300'],
      Labels: {
        [DOCKER_LABELS.task]: 'ghost',
        [DOCKER_LABELS.installation]: await h.installation(),
        [DOCKER_LABELS.instance]: INSTANCE,
        [DOCKER_LABELS.cluster]: h.cluster,
        [DOCKER_LABELS.container]: 'app',
      },
      HostConfig: { Init: true },
    });
    await h.runtime.startContainer(ghost);
    // … and a task is bound whose container the (crashed) agent had created but not started.
    const half = await h.runTask('half-1', td);
    const tdObject = TaskDefinition.parse(await h.client.mustGet('TaskDefinition', { cluster: h.cluster, name: td }));
    const definition = tdObject.spec.containerDefinitions[0];
    if (!definition) throw new Error('fixture has no container');
    const halfId = await h.runtime.createContainer(
      toContainerSpec({ task: half, taskDefinition: tdObject, containerDefinition: definition, instance: INSTANCE, installation: await h.installation() }),
    );

    const t0 = Date.now();
    await h.startAgent();
    await h.waitForTask('half-1', (t) => t.status?.lastStatus === 'RUNNING');
    expect(await dockerIdOf('half-1')).toBe(halfId);
    await eventually(async () => (await h.containers({ [DOCKER_LABELS.task]: 'ghost' })).length === 0, 5000, 'orphan removed');
    await eventually(async () => (await h.containers({ [DOCKER_LABELS.task]: 'lost-1' })).length === 0, 5000, 'lost task container removed');
    process.stdout.write(`[measure] restarted agent cleaned up orphans and lost tasks in ${Date.now() - t0} ms\n`);

    const keep = await h.containers({ [DOCKER_LABELS.task]: 'keep-1' });
    expect(keep.map((c) => c.id)).toEqual([keepId]);
    expect(keep[0]?.state).toBe('running');
    const stillKeep = await h.getTask('keep-1');
    expect(stillKeep?.status).toMatchObject({ lastStatus: 'RUNNING' });
    expect(stillKeep?.status?.containers[0]?.dockerId).toBe(keepId);
    const lost = await h.getTask('lost-1');
    expect(lost?.status).toMatchObject({ lastStatus: 'STOPPED', connectivity: 'DISCONNECTED' });
  });
});
