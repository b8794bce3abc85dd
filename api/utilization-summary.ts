/**
 * Utilisation summed over tasks, as ECS's CloudWatch metrics sum it: a service's (or an instance's)
 * CPUUtilization is the cpu its tasks use as a percent of what they reserve (or of what the instance
 * registered), not an average of per-task percentages, so one idle task with a large reservation
 * weighs as much as it reserves. Read by `berth top` and the server's /metrics.
 */
import type { ContainerInstance } from './v1/container-instance.js';
import type { TaskUtilization } from './v1/utilization.js';

export interface UtilizationSummary {
  tasks: number;
  /** cpu units and MiB in use. */
  cpuUsed: number;
  memoryUsed: number;
  /** What they are measured against: the tasks' reservations, or the instance's registered resources. */
  cpuOf: number;
  memoryOf: number;
  /** Percent; undefined when there is nothing to measure against. */
  cpuUtilization: number | undefined;
  memoryUtilization: number | undefined;
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** `used` as a percent of `of`, to two decimals; undefined when `of` is nothing. */
export function percentOf(used: number, of: number): number | undefined {
  if (of <= 0) return undefined;
  return round2((used / of) * 100);
}

function summary(tasks: readonly TaskUtilization[], cpuOf: number, memoryOf: number): UtilizationSummary {
  const cpuUsed = round2(tasks.reduce((sum, t) => sum + t.cpuUsed, 0));
  const memoryUsed = round2(tasks.reduce((sum, t) => sum + t.memoryUsed, 0));
  return {
    tasks: tasks.length,
    cpuUsed,
    memoryUsed,
    cpuOf,
    memoryOf,
    cpuUtilization: percentOf(cpuUsed, cpuOf),
    memoryUtilization: percentOf(memoryUsed, memoryOf),
  };
}

/** Tasks together, against what they reserve (a service). */
export function summarizeTasks(tasks: readonly TaskUtilization[]): UtilizationSummary {
  return summary(
    tasks,
    tasks.reduce((sum, t) => sum + t.cpuReserved, 0),
    tasks.reduce((sum, t) => sum + t.memoryReserved, 0),
  );
}

/** An instance's tasks against what the instance registered. */
export function summarizeInstance(instance: ContainerInstance): UtilizationSummary {
  const registered = instance.spec.registeredResources;
  return summary(instance.status?.utilization?.tasks ?? [], registered.cpu, registered.memory);
}

/** Every reported task of these instances, with the instance that reported it. */
export function reportedTasks(instances: readonly ContainerInstance[]): { cluster: string; instance: string; usage: TaskUtilization }[] {
  return instances.flatMap((ci) =>
    (ci.status?.utilization?.tasks ?? []).map((usage) => ({ cluster: ci.metadata.cluster ?? 'default', instance: ci.metadata.name, usage })),
  );
}

/** Per `cluster/service`, the summary of its reported tasks (tasks no service started are left out). */
export function summarizeServices(instances: readonly ContainerInstance[]): Map<string, { cluster: string; service: string; summary: UtilizationSummary }> {
  const groups = new Map<string, { cluster: string; service: string; tasks: TaskUtilization[] }>();
  for (const { cluster, usage } of reportedTasks(instances)) {
    if (usage.service === undefined) continue;
    const key = `${cluster}/${usage.service}`;
    const group = groups.get(key) ?? { cluster, service: usage.service, tasks: [] };
    group.tasks.push(usage);
    groups.set(key, group);
  }
  return new Map([...groups].map(([key, g]) => [key, { cluster: g.cluster, service: g.service, summary: summarizeTasks(g.tasks) }]));
}
