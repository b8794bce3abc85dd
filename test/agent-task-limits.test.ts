/**
 * Task-level cpu and memory on the real engine, as the ECS agent applies them: one cgroup per task
 * holding the limits, every container of the task under it (Docker's --cgroup-parent), so
 * containers without a memory limit of their own share the task's; memoryReservation is the
 * container's soft limit. The cgroup goes when the task's containers go.
 *
 * The file checks read cgroup v1 (this machine's engine: cgroupfs driver, v1); the planning of the
 * v2 files is table-tested in controllers/agent/runtime/cgroups.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { container, startAgentEnv, type AgentEnv } from './agent-harness.js';

const V1 = '/sys/fs/cgroup';
const docker = new Docker();
let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('tdr-limits');
  await h.startAgent();
});
afterAll(async () => h?.cleanup());

describe.runIf(existsSync(`${V1}/memory`))('task cpu and memory', () => {
  it('become a task cgroup over all the task’s containers; memoryReservation a soft limit; the cgroup goes with the task', async () => {
    const td = await h.taskDefinition(
      'limited',
      [
        container('app', { memory: undefined, command: ['sleep', '300'] }),
        container('side', { memory: undefined, memoryReservation: 64, essential: false, command: ['sleep', '300'] }),
      ],
      { cpu: '0.5 vCPU', memory: '256' },
    );
    await h.runTask('lim-1', td);
    const t = await h.waitForTask('lim-1', (x) => x.status?.lastStatus === 'RUNNING', 15_000);

    const inspected = await Promise.all((t.status?.containers ?? []).map((c) => docker.getContainer(c.dockerId ?? '').inspect()));
    const parents = new Set(inspected.map((i) => i.HostConfig.CgroupParent));
    expect(parents.size).toBe(1);
    const [parent] = [...parents];
    expect(parent).toMatch(/^\/berth\/berth-tdr-limits-[\w-]+$/);
    // The task's limits on the task's cgroup, none on the containers of their own.
    expect(readFileSync(`${V1}/memory${parent}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(256 * 1024 * 1024));
    expect(readFileSync(`${V1}/cpu${parent}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('50000');
    expect(inspected.map((i) => i.HostConfig.Memory)).toEqual([0, 0]);
    const side = inspected.find((i) => i.Config.Labels['berth.container'] === 'side');
    expect(side?.HostConfig.MemoryReservation).toBe(64 * 1024 * 1024);
    // Both containers' processes are in it.
    for (const i of inspected) expect(readFileSync(`/proc/${i.State.Pid}/cgroup`, 'utf8')).toContain(`memory:${parent}/${i.Id}`);

    await h.client.delete('Task', { cluster: h.cluster, name: 'lim-1' });
    await eventually(async () => (await h.containers({ 'berth.task': 'lim-1' })).length === 0, 10_000, 'the task’s containers removed');
    await eventually(() => !existsSync(`${V1}/memory${parent}`) && !existsSync(`${V1}/cpu${parent}`), 5_000, 'the task cgroup removed');
  });
});
