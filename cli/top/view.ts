/**
 * What `berth top` prints, from the container instances' utilisation reports (pure): per task, per
 * service (summed the way ECS sums a service's CPUUtilization) or per instance (against what it
 * registered). CPU in cpu units (1024 per vCPU) and MiB, with the percentages; "-" where a task
 * reserves nothing, so there is no percentage to give.
 */
import { reportedTasks, summarizeInstance, summarizeServices, type UtilizationSummary } from '../../api/utilization-summary.js';
import type { ContainerInstance } from '../../api/v1/container-instance.js';

export const TOP_SUBJECTS = ['tasks', 'services', 'instances'] as const;
export type TopSubject = (typeof TOP_SUBJECTS)[number];

export interface TopTable {
  headers: string[];
  rows: string[][];
}

// Math.round before toFixed: toFixed(1) of a binary 1.95 gives 1.9.
const percent = (value: number | undefined): string => (value === undefined ? '-' : `${(Math.round(value * 10) / 10).toFixed(1)}%`);
const amount = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));
/** Busiest first (cpu, then memory), then by name, so the table reads like top's. */
const byUse = <T extends { name: string; cpu: number; memory: number }>(a: T, b: T): number =>
  b.cpu - a.cpu || b.memory - a.memory || a.name.localeCompare(b.name);

const summaryCells = (s: UtilizationSummary): string[] => [amount(s.cpuUsed), percent(s.cpuUtilization), amount(s.memoryUsed), percent(s.memoryUtilization)];

export function topTable(subject: TopSubject, instances: readonly ContainerInstance[]): TopTable {
  if (subject === 'tasks') {
    const rows = reportedTasks(instances)
      .map(({ instance, usage }) => ({
        name: usage.task,
        cpu: usage.cpuUsed,
        memory: usage.memoryUsed,
        cells: [
          usage.task,
          usage.service ?? '-',
          instance,
          amount(usage.cpuUsed),
          percent(usage.cpuUtilization),
          amount(usage.memoryUsed),
          percent(usage.memoryUtilization),
        ],
      }))
      .sort(byUse);
    return { headers: ['TASK', 'SERVICE', 'INSTANCE', 'CPU(units)', 'CPU%', 'MEMORY(MiB)', 'MEMORY%'], rows: rows.map((r) => r.cells) };
  }
  if (subject === 'services') {
    const rows = [...summarizeServices(instances).values()]
      .map(({ service, summary }) => ({
        name: service,
        cpu: summary.cpuUsed,
        memory: summary.memoryUsed,
        cells: [service, String(summary.tasks), ...summaryCells(summary)],
      }))
      .sort(byUse);
    return { headers: ['SERVICE', 'TASKS', 'CPU(units)', 'CPU%', 'MEMORY(MiB)', 'MEMORY%'], rows: rows.map((r) => r.cells) };
  }
  const rows = instances
    .map((ci) => {
      const summary = summarizeInstance(ci);
      return {
        name: ci.metadata.name,
        cpu: summary.cpuUsed,
        memory: summary.memoryUsed,
        cells: [ci.metadata.name, String(summary.tasks), ...summaryCells(summary), ci.status?.utilization ? 'yes' : 'no'],
      };
    })
    .sort(byUse);
  return { headers: ['INSTANCE', 'TASKS', 'CPU(units)', 'CPU%', 'MEMORY(MiB)', 'MEMORY%', 'REPORTING'], rows: rows.map((r) => r.cells) };
}
