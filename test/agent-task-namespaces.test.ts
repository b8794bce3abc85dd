/**
 * pidMode/ipcMode `task` on the real engine: the task's containers share one PID and one IPC
 * namespace, held by the task's sandbox (as ECS's pause container holds them), while each keeps its
 * own network (bridge); the sandbox goes with the task.
 */
import { readlinkSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, startAgentEnv, type AgentEnv } from './agent-harness.js';

const docker = new Docker();
let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('ag-ns');
  await h.startAgent();
});
afterAll(async () => h?.cleanup());

/** A running container's namespace id of kind `ns` (`pid:[4026531836]`), read as root from /proc. */
async function namespaceOf(id: string, ns: 'net' | 'pid' | 'ipc'): Promise<string> {
  const info = await docker.getContainer(id).inspect();
  return readlinkSync(`/proc/${info.State.Pid}/ns/${ns}`);
}

describe('pidMode and ipcMode task', () => {
  it("share the sandbox's PID and IPC namespaces among the task's containers, each keeping its own network", async () => {
    const td = await h.taskDefinition('shared-ns', [container('a', { command: ['sleep', '300'] }), container('b', { command: ['sleep', '300'] })], {
      pidMode: 'task',
      ipcMode: 'task',
    });
    await h.runTask('shared-ns-1', td);
    const task = await h.waitForTask('shared-ns-1', (t) => t.status?.lastStatus === 'RUNNING', 20_000);
    const ids = Object.fromEntries((task.status?.containers ?? []).map((c) => [c.name, c.dockerId ?? '']));
    const [sandbox] = (await h.containers({ [DOCKER_LABELS.task]: 'shared-ns-1', [DOCKER_LABELS.sandbox]: 'true' })).map((c) => c.id);
    expect(sandbox).toBeDefined();
    const sandboxId = sandbox ?? '';

    for (const ns of ['pid', 'ipc'] as const) {
      const held = await namespaceOf(sandboxId, ns);
      expect(held).not.toBe(readlinkSync(`/proc/self/ns/${ns}`));
      expect([await namespaceOf(ids.a ?? '', ns), await namespaceOf(ids.b ?? '', ns)]).toEqual([held, held]);
    }
    const [netA, netB] = [await namespaceOf(ids.a ?? '', 'net'), await namespaceOf(ids.b ?? '', 'net')];
    expect(netA).not.toBe(netB);
    const a = await docker.getContainer(ids.a ?? '').inspect();
    expect([a.HostConfig.PidMode, a.HostConfig.IpcMode, a.HostConfig.NetworkMode]).toEqual([`container:${sandboxId}`, `container:${sandboxId}`, 'bridge']);

    // One PID namespace: b sees a's sleep.
    const exec = await docker.getContainer(ids.b ?? '').exec({ Cmd: ['ps', '-o', 'pid,args'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => {
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', resolve);
    });
    expect(
      Buffer.concat(chunks)
        .toString('utf8')
        .match(/sleep 300/g)?.length,
    ).toBe(2);

    // The sandbox goes with the task.
    await h.client.mutate('Task', { cluster: h.cluster, name: 'shared-ns-1' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
    });
    await h.waitForTask('shared-ns-1', (t) => t.status?.lastStatus === 'STOPPED', 15_000);
    await eventually(
      async () => (await h.containers({ [DOCKER_LABELS.task]: 'shared-ns-1', [DOCKER_LABELS.sandbox]: 'true' })).length === 0,
      10_000,
      'sandbox removed',
    );
  });
});
