/**
 * Task cgroups on the engine's host, as the ECS agent makes them (`/ecs/<task id>`): one parent
 * cgroup per task holding the task-level cpu and memory, under which Docker puts each of the
 * task's containers (`--cgroup-parent`). The kernel then limits the containers together, so a
 * container without a memory limit of its own shares the task's, as on ECS.
 *
 * Docker makes a missing parent itself but gives it no limits, so the agent makes it first and
 * writes the limits; it removes it once the task's containers are gone (Docker leaves it behind).
 * Only for the `cgroupfs` driver: with `systemd` the parent is a slice systemd owns. Both cgroup
 * versions: v1 has one hierarchy per controller (memory/, cpu/, …), v2 one tree.
 */
import { mkdir, readdir, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskCgroupRequest } from './types.js';

/** Every task cgroup lives under this one, like ECS's /ecs. */
export const TASK_CGROUP_PARENT = 'berth';
/** CFS period for the task's CPU quota (the kernel's default). */
export const CFS_PERIOD_US = 100_000;
/** The kernel refuses quotas under 1 ms. */
const MIN_CFS_QUOTA_US = 1000;
const MIB = 1024 * 1024;

export type CgroupVersion = 1 | 2;

/** The quota, per CFS period, for `cpuUnits` (1024 units = one CPU). */
export function cpuQuotaUs(cpuUnits: number): number {
  return Math.max(MIN_CFS_QUOTA_US, Math.round((cpuUnits / 1024) * CFS_PERIOD_US));
}

/** The files to write (path relative to the cgroup root → content), in order, for one task's cgroup. */
export function cgroupWrites(version: CgroupVersion, request: TaskCgroupRequest): { dirs: string[]; files: [string, string][] } {
  const own = join(TASK_CGROUP_PARENT, request.name);
  if (version === 1) {
    const files: [string, string][] = [];
    if (request.memoryMiB !== undefined) files.push([join('memory', own, 'memory.limit_in_bytes'), String(request.memoryMiB * MIB)]);
    if (request.cpuUnits !== undefined) {
      files.push([join('cpu', own, 'cpu.cfs_period_us'), String(CFS_PERIOD_US)]);
      files.push([join('cpu', own, 'cpu.cfs_quota_us'), String(cpuQuotaUs(request.cpuUnits))]);
    }
    return { dirs: [join('memory', own), join('cpu', own)], files };
  }
  // v2: a controller works in a cgroup only when its parent enables it for its children.
  const enable = '+cpu +memory';
  const files: [string, string][] = [
    ['cgroup.subtree_control', enable],
    [join(TASK_CGROUP_PARENT, 'cgroup.subtree_control'), enable],
  ];
  if (request.memoryMiB !== undefined) files.push([join(own, 'memory.max'), String(request.memoryMiB * MIB)]);
  if (request.cpuUnits !== undefined) files.push([join(own, 'cpu.max'), `${cpuQuotaUs(request.cpuUnits)} ${CFS_PERIOD_US}`]);
  files.push([join(own, 'cgroup.subtree_control'), enable]);
  return { dirs: [own], files };
}

export class HostCgroups {
  private version: Promise<CgroupVersion | undefined> | undefined;

  constructor(private readonly root: string) {}

  /** v2 when the root is a cgroup2 mount, v1 when it holds a memory hierarchy, else none. */
  detect(): Promise<CgroupVersion | undefined> {
    this.version ??= (async () => {
      if (await exists(join(this.root, 'cgroup.controllers'))) return 2;
      if (await exists(join(this.root, 'memory'))) return 1;
      return undefined;
    })();
    return this.version;
  }

  /** Makes the task's cgroup with its limits; returns the cgroup parent for Docker, or undefined without cgroups. */
  async create(request: TaskCgroupRequest): Promise<string | undefined> {
    const version = await this.detect();
    if (version === undefined) return undefined;
    const { dirs, files } = cgroupWrites(version, request);
    for (const dir of dirs) await mkdir(join(this.root, dir), { recursive: true });
    for (const [file, content] of files) await writeFile(join(this.root, file), content);
    return `/${TASK_CGROUP_PARENT}/${request.name}`;
  }

  /** Removes the task's cgroup from every hierarchy Docker made it in; nothing when it is gone. */
  async remove(name: string): Promise<void> {
    const version = await this.detect();
    if (version === undefined) return;
    const own = join(TASK_CGROUP_PARENT, name);
    const dirs = version === 2 ? [own] : (await readdir(this.root)).map((h) => join(h, own));
    for (const dir of dirs)
      await rmdir(join(this.root, dir)).catch((err: unknown) => {
        // ENOENT: gone, or a hierarchy it was never made in; ENOTDIR: a file at the root.
        if (!isCode(err, 'ENOENT') && !isCode(err, 'ENOTDIR')) throw err;
      });
  }
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
