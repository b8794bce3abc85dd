/**
 * The arithmetic of utilisation, pure: from two of Docker's stats samples of a container to the cpu
 * units it used between them, and from a task's containers to ECS's CPUUtilization and
 * MemoryUtilization (what it uses as a percent of what it reserves).
 *
 * CPU: Docker's `cpu_stats.cpu_usage.total_usage` counts the nanoseconds of CPU the container's
 * cgroup has used; its growth over the wall time between the samples (`read`) is the cores used,
 * × 1024 the cpu units, as ECS counts reservations. Using our own previous sample (not Docker's
 * `precpu_stats`) lets each sample be one quick `one-shot` call instead of a call that waits for
 * Docker's own second reading.
 */
import { percentOf, round2 } from '../../api/utilization-summary.js';
import type { TaskUtilization } from '../../api/v1/utilization.js';

/** What one stats call says of a container (runtime/types.ts ContainerStats). */
export interface CpuSample {
  /** Epoch ms of the reading. */
  at: number;
  /** Total CPU time the container used, ns. */
  cpuNanos: number;
}

export const CPU_UNITS_PER_CORE = 1024;
const MIB = 1024 * 1024;

/** CPU units used between two samples of one container; undefined when they cannot be compared. */
export function cpuUnitsBetween(previous: CpuSample, next: CpuSample): number | undefined {
  const wallNanos = (next.at - previous.at) * 1e6;
  const used = next.cpuNanos - previous.cpuNanos;
  // A restarted container's counter starts again from 0; a repeated reading has no window.
  if (wallNanos <= 0 || used < 0) return undefined;
  return (used / wallNanos) * CPU_UNITS_PER_CORE;
}

/**
 * Memory in use as `docker stats` shows it: the usage without the inactive page cache
 * (cgroup v2 `inactive_file`, v1 `total_inactive_file`), which the kernel reclaims before it kills.
 */
export function memoryInUse(usageBytes: number, inactiveFileBytes: number | undefined): number {
  const inactive = inactiveFileBytes ?? 0;
  return inactive < usageBytes ? usageBytes - inactive : usageBytes;
}

export interface TaskUsage {
  task: string;
  service?: string;
  /** Per container: cpu units used (undefined until it has two samples) and bytes of memory in use. */
  containers: { cpuUnits: number | undefined; memoryBytes: number }[];
  reserved: { cpu: number; memory: number };
}

/** One task's report; undefined until at least one of its containers has a cpu reading. */
export function taskUtilization(usage: TaskUsage): TaskUtilization | undefined {
  const measured = usage.containers.filter((c) => c.cpuUnits !== undefined);
  if (measured.length === 0) return undefined;
  const cpuUsed = round2(measured.reduce((sum, c) => sum + (c.cpuUnits ?? 0), 0));
  const memoryUsed = round2(usage.containers.reduce((sum, c) => sum + c.memoryBytes, 0) / MIB);
  const cpuUtilization = percentOf(cpuUsed, usage.reserved.cpu);
  const memoryUtilization = percentOf(memoryUsed, usage.reserved.memory);
  return {
    task: usage.task,
    ...(usage.service !== undefined ? { service: usage.service } : {}),
    cpuUsed,
    memoryUsed,
    cpuReserved: usage.reserved.cpu,
    memoryReserved: usage.reserved.memory,
    ...(cpuUtilization !== undefined ? { cpuUtilization } : {}),
    ...(memoryUtilization !== undefined ? { memoryUtilization } : {}),
  };
}
