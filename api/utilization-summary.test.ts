import { describe, expect, it } from 'vitest';
import type { ContainerInstance } from './v1/container-instance.js';
import type { TaskUtilization } from './v1/utilization.js';
import { percentOf, summarizeInstance, summarizeServices, summarizeTasks } from './utilization-summary.js';

const task = (name: string, service: string | undefined, cpuUsed: number, cpuReserved: number, memoryUsed = 0, memoryReserved = 0): TaskUtilization => ({
  task: name,
  ...(service ? { service } : {}),
  cpuUsed,
  memoryUsed,
  cpuReserved,
  memoryReserved,
});

const instance = (name: string, tasks: TaskUtilization[], cpu = 2048, memory = 1024): ContainerInstance => ({
  apiVersion: 'berth.dev/v1',
  kind: 'ContainerInstance',
  metadata: { name, cluster: 'default' },
  spec: { status: 'ACTIVE', attributes: {}, registeredResources: { cpu, memory } },
  status: { agentConnected: true, runningTasksCount: 0, pendingTasksCount: 0, utilization: { sampledAt: '2026-12-06T00:00:00Z', tasks } },
});

describe('percentOf', () => {
  it.each([
    { used: 1, of: 4, want: 25 },
    { used: 1, of: 3, want: 33.33 },
    { used: 5, of: 0, want: undefined },
  ])('$used of $of → $want', ({ used, of, want }) => expect(percentOf(used, of)).toBe(want));
});

describe('summaries', () => {
  it.each([
    { name: 'one task', tasks: [task('a', 'web', 128, 256)], cpu: 50 },
    // ECS sums: (0 + 256) / (768 + 256), not the mean of 0 % and 100 %.
    { name: 'an idle large task and a busy small one', tasks: [task('a', 'web', 0, 768), task('b', 'web', 256, 256)], cpu: 25 },
    { name: 'no reservation', tasks: [task('a', 'web', 10, 0)], cpu: undefined },
  ])('a service of $name', ({ tasks, cpu }) => {
    expect(summarizeTasks(tasks).cpuUtilization).toBe(cpu);
  });

  it('groups reported tasks by service across instances, leaving out tasks no service started', () => {
    const services = summarizeServices([
      instance('i1', [task('a', 'web', 100, 200, 10, 20), task('x', undefined, 1000, 1000)]),
      instance('i2', [task('b', 'web', 300, 200, 30, 20), task('c', 'api', 10, 100)]),
    ]);
    expect([...services.keys()].sort()).toEqual(['default/api', 'default/web']);
    expect(services.get('default/web')?.summary).toMatchObject({ tasks: 2, cpuUsed: 400, cpuOf: 400, cpuUtilization: 100, memoryUtilization: 100 });
  });

  it('measures an instance against what it registered', () => {
    expect(summarizeInstance(instance('i1', [task('a', 'web', 512, 256, 256, 512)]))).toMatchObject({ cpuUtilization: 25, memoryUtilization: 25 });
  });
});
