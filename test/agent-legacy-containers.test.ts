/**
 * Containers made by a berth older than the installation uid carry no `berth.installation` label.
 * After the upgrade the agent adopts those of its own tasks (their task uid label is a uid of a task
 * bound to it: made by its store, so no other installation's) and leaves every other unlabelled
 * container alone. Before this, an upgraded agent did not see its running tasks' containers: it
 * reported them removed (the task STOPPED and replaced) while the containers ran on, untouched.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerDefinition } from '../api/v1/container-definition.js';
import { toContainerSpec } from '../controllers/agent/runtime/container-spec.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, INSTANCE, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

let h: AgentEnv | undefined;
const strays: string[] = [];
afterEach(async () => {
  for (const id of strays.splice(0)) await h?.runtime.removeContainer(id);
  await h?.cleanup();
  h = undefined;
});

describe('containers of an older berth (no installation label)', () => {
  it("are adopted for the agent's own tasks, and any other is left alone", async () => {
    h = await startAgentEnv('legacy');
    const env = h;
    const td = await env.taskDefinition('old', [container('app', { ...sh('trap "exit 0" TERM; while true; do sleep 1; done'), stopTimeout: 2 })]);
    const definition = await env.client.mustGet('TaskDefinition', { cluster: env.cluster, name: td });

    // What the older agent left running: a task bound here, RUNNING, and its container without the label.
    const legacyContainer = async (taskName: string, uid: string) => {
      const task = {
        metadata: { name: taskName, cluster: env.cluster, uid },
        spec: { taskDefinition: td, desiredStatus: 'RUNNING' as const, launchType: 'EC2' as const, containerInstance: INSTANCE },
      };
      const containerDefinition: ContainerDefinition | undefined = definition.spec.containerDefinitions[0];
      if (!containerDefinition) throw new Error('no container definition');
      const spec = toContainerSpec({ task, taskDefinition: definition, containerDefinition, instance: INSTANCE, installation: 'unused' });
      const { [DOCKER_LABELS.installation]: _dropped, ...labels } = spec.Labels ?? {};
      const id = await env.runtime.createContainer({ ...spec, Labels: labels });
      await env.runtime.startContainer(id);
      return id;
    };
    const task = await env.runTask('old-1', td);
    const uid = task.metadata.uid ?? '';
    const mine = await legacyContainer('old-1', uid);
    await env.client.patch(
      'Task',
      { cluster: env.cluster, name: 'old-1' },
      {
        status: {
          lastStatus: 'RUNNING',
          startedAt: new Date().toISOString(),
          containers: [{ name: 'app', dockerId: mine, lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', networkBindings: [] }],
        },
      },
      { subresource: 'status' },
    );
    // Another installation's (same cluster and instance names, a task uid this store never made).
    const foreign = await legacyContainer('old-2', randomUUID());
    strays.push(foreign);

    await env.startAgent({ steadyStateIntervalMs: 300 });
    await new Promise((r) => setTimeout(r, 1500)); // several sweeps
    const adopted = await env.getTask('old-1');
    expect(adopted?.status?.lastStatus).toBe('RUNNING');
    expect(adopted?.status?.containers[0]).toMatchObject({ dockerId: mine, lastStatus: 'RUNNING' });
    expect((await env.runtime.inspectContainer(foreign)).state).toBe('running');

    // The adopted container is the agent's to stop; the foreign one is still not touched.
    await env.client.patch('Task', { cluster: env.cluster, name: 'old-1' }, { spec: { desiredStatus: 'STOPPED' } });
    await env.waitForTask('old-1', (t) => t.status?.lastStatus === 'STOPPED', 15_000);
    await eventually(async () => (await env.runtime.inspectContainer(mine)).state === 'exited', 5000, 'the adopted container stopped');
    expect((await env.runtime.inspectContainer(foreign)).state).toBe('running');
  }, 40_000);
});
