/**
 * Two installations (two stores, two control planes) on one Docker engine, with the same cluster
 * and instance names — as two `berth up` on one machine get when the instance name defaults to the
 * hostname: each agent lists, adopts and removes only what carries its own installation's uid.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

const envs: AgentEnv[] = [];
afterEach(async () => {
  // Both envs' cleanups remove everything of the (shared) cluster name: no agent may run by then.
  await Promise.all(envs.map((h) => h.stopAgents()));
  for (const h of envs.splice(0)) await h.cleanup();
});

describe('two installations on one engine', () => {
  it("never touch each other's containers, networks or volumes, even with the same cluster, instance and task names", async () => {
    const cluster = `twins-${randomUUID().slice(0, 8)}`;
    const a = await startAgentEnv('twins', { cluster });
    envs.push(a);
    const b = await startAgentEnv('twins', { cluster });
    envs.push(b);
    expect(await a.installation()).not.toBe(await b.installation());

    // Links give each task a network of its own; a task-scoped volume is mounted too.
    const spec = { volumes: [{ name: 'scratch' }] };
    const containers = [
      container('app', { ...sh('exec sleep 300'), mountPoints: [{ sourceVolume: 'scratch', containerPath: '/s' }] }),
      container('side', { essential: false, links: ['app'], ...sh('exec sleep 300') }),
    ];
    for (const h of [a, b]) {
      await h.startAgent({ steadyStateIntervalMs: 300 });
      await h.runTask('web-1', await h.taskDefinition('web', containers, spec));
    }
    const dockerIds = async (h: AgentEnv) =>
      (await h.waitForTask('web-1', (t) => t.status?.containers.filter((c) => c.lastStatus === 'RUNNING').length === 2)).status?.containers.map(
        (c) => c.dockerId ?? '',
      ) ?? [];
    const [ofA, ofB] = [await dockerIds(a), await dockerIds(b)];
    expect(ofA).toHaveLength(2);
    expect(ofB).toHaveLength(2);

    // Several sweeps of each agent over the engine.
    await new Promise((r) => setTimeout(r, 1500));
    for (const [h, ids] of [
      [a, ofA],
      [b, ofB],
    ] as const) {
      const installation = await h.installation();
      for (const id of ids) {
        const c = await h.runtime.inspectContainer(id);
        expect(c.state).toBe('running');
        expect(c.labels[DOCKER_LABELS.installation]).toBe(installation);
      }
      expect(await h.runtime.listNetworks({ labels: { [DOCKER_LABELS.installation]: installation, [DOCKER_LABELS.cluster]: cluster } })).toHaveLength(1);
      expect(await h.runtime.listVolumes({ labels: { [DOCKER_LABELS.installation]: installation, [DOCKER_LABELS.cluster]: cluster } })).toHaveLength(1);
    }
    expect((await a.getTask('web-1'))?.status?.lastStatus).toBe('RUNNING');
    expect((await b.getTask('web-1'))?.status?.lastStatus).toBe('RUNNING');

    // A's task is deleted: A removes its own containers, network and volume, and B's stay.
    await a.client.delete('Task', { cluster, name: 'web-1' });
    const mineOfA = { [DOCKER_LABELS.installation]: await a.installation(), [DOCKER_LABELS.cluster]: cluster };
    await eventually(
      async () => (await a.runtime.listContainers({ labels: mineOfA })).length === 0 && (await a.runtime.listVolumes({ labels: mineOfA })).length === 0,
      10_000,
      "A's objects removed",
    );
    for (const id of ofB) expect((await b.runtime.inspectContainer(id)).state).toBe('running');
    const mineOfB = { [DOCKER_LABELS.installation]: await b.installation(), [DOCKER_LABELS.cluster]: cluster };
    expect(await b.runtime.listNetworks({ labels: mineOfB })).toHaveLength(1);
    expect(await b.runtime.listVolumes({ labels: mineOfB })).toHaveLength(1);
  }, 40_000);
});
