/**
 * Utilisation of the tasks on one container instance, as its agent samples it from Docker's stats
 * and reports it with its heartbeat (ContainerInstance status.utilization): one write per instance
 * per heartbeat however many tasks it runs, never a write per task per sample.
 *
 * Percentages are ECS's CPUUtilization and MemoryUtilization: what the task uses as a percent of
 * what it reserves (task-level cpu/memory, else its containers' sum: the scheduler's taskDemand).
 * A task that reserves nothing has no percentage, only what it uses.
 */
import { z } from 'zod';
import { Count } from './common.js';
import { Timestamp } from './meta.js';

const Amount = z.number().min(0);

export const TaskUtilization = z.strictObject({
  /** The task's name. */
  task: z.string().min(1),
  /** The service that started it, when one did. */
  service: z.string().min(1).optional(),
  /** CPU used between the last two samples, in cpu units (1024 per vCPU). */
  cpuUsed: Amount,
  /** Memory in use, in MiB (without the page cache, as `docker stats` counts it). */
  memoryUsed: Amount,
  /** What the task reserves: cpu units and MiB. */
  cpuReserved: Count,
  memoryReserved: Count,
  /** cpuUsed as a percent of cpuReserved (above 100 when it bursts); absent when nothing is reserved. */
  cpuUtilization: Amount.optional(),
  memoryUtilization: Amount.optional(),
});
export type TaskUtilization = z.infer<typeof TaskUtilization>;

export const InstanceUtilization = z.strictObject({
  /** When the newest sample was taken. */
  sampledAt: Timestamp,
  tasks: z.array(TaskUtilization).default([]),
});
export type InstanceUtilization = z.infer<typeof InstanceUtilization>;
