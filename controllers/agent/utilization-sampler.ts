/**
 * Samples Docker's stats of the running containers of this agent's running tasks, and keeps the
 * latest utilisation report for the heartbeat to carry (registration.ts): the store is written once
 * per heartbeat, never per sample or per task.
 *
 * One one-shot stats call per container per round, at most `concurrency` at once (a stats call costs
 * dockerd a cgroup read; thousands at once would queue behind container starts). A container the
 * agent no longer reports RUNNING is no longer sampled, and its previous reading is dropped.
 */
import type { Logger } from '../../api/log.js';
import type { Task } from '../../api/v1/task.js';
import { SERVICE_GROUP_PREFIX } from '../../api/v1/task.js';
import type { InstanceUtilization, TaskUtilization } from '../../api/v1/utilization.js';
import { forEachBounded } from '../kit/pool.js';
import { ContainerNotFoundError } from './runtime/errors.js';
import type { ContainerRuntime } from './runtime/types.js';
import { cpuUnitsBetween, taskUtilization, type CpuSample } from './utilization.js';

export interface UtilizationSamplerOptions {
  runtime: Pick<ContainerRuntime, 'stats'>;
  /** The tasks bound to this instance, as the agent sees them. */
  tasks: () => readonly Task[];
  /** What a task reserves (cpu units, MiB), from its definition. */
  reserved: (task: Task) => Promise<{ cpu: number; memory: number }>;
  concurrency: number;
  now: () => number;
  log: Logger;
}

interface Reading {
  task: Task;
  cpuUnits: number | undefined;
  memoryBytes: number;
}

export class UtilizationSampler {
  private readonly previous = new Map<string, CpuSample>();
  private latest: InstanceUtilization | undefined;

  constructor(private readonly options: UtilizationSamplerOptions) {}

  /** The report of the last round; undefined before the first. */
  report(): InstanceUtilization | undefined {
    return this.latest;
  }

  /** How many containers have a reading kept (for tests: stopped ones must drop out). */
  tracked(): number {
    return this.previous.size;
  }

  /** One round: read every running container of every running task, then rebuild the report. */
  async sample(signal?: AbortSignal): Promise<void> {
    const running = this.options.tasks().filter((t) => t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus === 'RUNNING');
    const containers = running.flatMap((task) =>
      (task.status?.containers ?? []).flatMap((c) => (c.lastStatus === 'RUNNING' && c.dockerId ? [{ task, id: c.dockerId }] : [])),
    );
    const readings = new Map<string, Reading[]>();
    const seen = new Set<string>();
    await forEachBounded(
      containers,
      this.options.concurrency,
      async ({ task, id }) => {
        const reading = await this.read(task, id);
        if (!reading) return;
        seen.add(id);
        const list = readings.get(task.metadata.name) ?? [];
        list.push(reading);
        readings.set(task.metadata.name, list);
      },
      signal,
    );
    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    const tasks: TaskUtilization[] = [];
    for (const task of running) {
      const list = readings.get(task.metadata.name);
      if (!list) continue;
      const reserved = await this.options.reserved(task).catch(() => ({ cpu: 0, memory: 0 }));
      const group = task.spec.group;
      const service = group?.startsWith(SERVICE_GROUP_PREFIX) ? group.slice(SERVICE_GROUP_PREFIX.length) : undefined;
      const usage = taskUtilization({ task: task.metadata.name, service, containers: list, reserved });
      if (usage) tasks.push(usage);
    }
    this.latest = { sampledAt: new Date(this.options.now()).toISOString(), tasks };
  }

  private async read(task: Task, id: string): Promise<Reading | undefined> {
    try {
      const stats = await this.options.runtime.stats(id);
      if (!stats.running) return undefined;
      const before = this.previous.get(id);
      this.previous.set(id, { at: stats.at, cpuNanos: stats.cpuNanos });
      return { task, cpuUnits: before ? cpuUnitsBetween(before, stats) : undefined, memoryBytes: stats.memoryBytes };
    } catch (err) {
      if (!(err instanceof ContainerNotFoundError)) this.options.log.debug({ err, container: id }, 'reading container stats failed; trying again next round');
      return undefined;
    }
  }
}
