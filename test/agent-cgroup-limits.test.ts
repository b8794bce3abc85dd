/**
 * Container-level cpu, memory and memoryReservation (and the task-level cpu/memory over them) as
 * the engine sees them AND as the container's own processes see them in /sys/fs/cgroup: the
 * HostConfig fields berth sets are only worth something if the kernel enforces them.
 *
 * Mapping (controllers/agent/runtime/container-spec.ts): cpu units → CpuShares, memory MiB →
 * Memory (hard), memoryReservation MiB → MemoryReservation (soft); task cpu/memory → the task's
 * cgroup (the containers' CgroupParent). This machine's engine is cgroup v1 (cgroupfs), so the
 * file reads are v1's: memory.limit_in_bytes, memory.soft_limit_in_bytes, cpu.shares, and
 * memory.stat's hierarchical_memory_limit for the task's limit seen from a container. On a v2
 * engine the v2 block (memory.max, memory.low, cpu.weight) runs instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container, startAgentEnv, type AgentEnv } from './agent-harness.js';

const MIB = 1024 * 1024;
const docker = new Docker();
const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
let h: AgentEnv;

/** A file of the container's cgroup, read by a process inside it. */
const inside = (id: string, file: string) => execFileSync('docker', ['exec', id, 'cat', `/sys/fs/cgroup/${file}`], { encoding: 'utf8' }).trim();
const statLine = (stat: string, key: string) =>
  stat
    .split('\n')
    .find((l) => l.startsWith(`${key} `))
    ?.split(' ')[1];

beforeAll(async () => {
  h = await startAgentEnv('cg-limits');
  await h.startAgent();
});
afterAll(async () => h?.cleanup());

describe('container and task limits in the kernel', () => {
  it('cpu, memory and memoryReservation show in docker inspect and in the container’s own cgroup files', async () => {
    const td = await h.taskDefinition(
      'cg',
      [
        container('app', { cpu: 512, memory: 128, memoryReservation: 64, command: ['sleep', '300'] }),
        // No memory of its own: it lives under the task's limit only.
        container('side', { memory: undefined, essential: false, command: ['sleep', '300'] }),
      ],
      { cpu: '1 vCPU', memory: '512' },
    );
    await h.runTask('cg-1', td);
    const t = await h.waitForTask('cg-1', (x) => x.status?.lastStatus === 'RUNNING', 15_000);
    const ids = new Map((t.status?.containers ?? []).map((c) => [c.name, c.dockerId ?? '']));
    const app = await docker.getContainer(ids.get('app') ?? '').inspect();
    const side = await docker.getContainer(ids.get('side') ?? '').inspect();

    expect(app.HostConfig).toMatchObject({ CpuShares: 512, Memory: 128 * MIB, MemoryReservation: 64 * MIB });
    expect(side.HostConfig.Memory).toBe(0);
    expect(app.HostConfig.CgroupParent).toMatch(/^\/berth\//);
    expect(side.HostConfig.CgroupParent).toBe(app.HostConfig.CgroupParent);

    if (V2) {
      expect(inside(app.Id, 'memory.max')).toBe(String(128 * MIB));
      expect(inside(app.Id, 'memory.low')).toBe(String(64 * MIB));
      // Docker maps shares to weight: 1 + ((shares - 2) * 9999) / 262142.
      expect(Number(inside(app.Id, 'cpu.weight'))).toBe(1 + Math.floor(((512 - 2) * 9999) / 262142));
      expect(inside(side.Id, 'memory.max')).toBe('max');
    } else {
      expect(inside(app.Id, 'memory/memory.limit_in_bytes')).toBe(String(128 * MIB));
      expect(inside(app.Id, 'memory/memory.soft_limit_in_bytes')).toBe(String(64 * MIB));
      expect(inside(app.Id, 'cpu/cpu.shares')).toBe('512');
      // The container's own limit is the tighter one; the one with none is held by the task's.
      expect(statLine(inside(app.Id, 'memory/memory.stat'), 'hierarchical_memory_limit')).toBe(String(128 * MIB));
      expect(statLine(inside(side.Id, 'memory/memory.stat'), 'hierarchical_memory_limit')).toBe(String(512 * MIB));
      expect(Number(inside(side.Id, 'memory/memory.limit_in_bytes'))).toBeGreaterThan(512 * MIB);
    }
  });
});
