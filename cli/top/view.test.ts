import { describe, expect, it } from 'vitest';
import type { ContainerInstance } from '../../api/v1/container-instance.js';
import type { TaskUtilization } from '../../api/v1/utilization.js';
import { topTable } from './view.js';

const usage = (
  task: string,
  service: string | undefined,
  cpuUsed: number,
  cpuReserved: number,
  memoryUsed: number,
  memoryReserved: number,
): TaskUtilization => ({
  task,
  ...(service ? { service } : {}),
  cpuUsed,
  memoryUsed,
  cpuReserved,
  memoryReserved,
  ...(cpuReserved > 0 ? { cpuUtilization: (cpuUsed / cpuReserved) * 100 } : {}),
  ...(memoryReserved > 0 ? { memoryUtilization: (memoryUsed / memoryReserved) * 100 } : {}),
});

const instance = (name: string, tasks: TaskUtilization[] | undefined): ContainerInstance => ({
  apiVersion: 'berth.dev/v1',
  kind: 'ContainerInstance',
  metadata: { name, cluster: 'default' },
  spec: { status: 'ACTIVE', attributes: {}, registeredResources: { cpu: 4096, memory: 2048 } },
  status: {
    agentConnected: true,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    ...(tasks ? { utilization: { sampledAt: '2026-12-06T00:00:00Z', tasks } } : {}),
  },
});

const fleet = [
  instance('i1', [usage('web-1', 'web', 256, 256, 32, 128), usage('batch-1', undefined, 1024, 0, 8, 0)]),
  instance('i2', [usage('web-2', 'web', 0, 256, 32, 128)]),
  instance('i3', undefined),
];

describe('berth top', () => {
  it.each([
    {
      subject: 'tasks' as const,
      rows: [
        ['batch-1', '-', 'i1', '1024', '-', '8', '-'],
        ['web-1', 'web', 'i1', '256', '100.0%', '32', '25.0%'],
        ['web-2', 'web', 'i2', '0', '0.0%', '32', '25.0%'],
      ],
    },
    // A service sums its tasks: 256 of 512 reserved, 64 of 256 MiB.
    { subject: 'services' as const, rows: [['web', '2', '256', '50.0%', '64', '25.0%']] },
    {
      subject: 'instances' as const,
      rows: [
        ['i1', '2', '1280', '31.3%', '40', '2.0%', 'yes'],
        ['i2', '1', '0', '0.0%', '32', '1.6%', 'yes'],
        ['i3', '0', '0', '0.0%', '0', '0.0%', 'no'],
      ],
    },
  ])('$subject, busiest first', ({ subject, rows }) => {
    expect(topTable(subject, fleet).rows).toEqual(rows);
  });
});
