/**
 * Builders of parsed objects for the instance and task controllers' table tests: valid through the
 * real schemas (defaults filled in), overridden where a test cares.
 */
import { ContainerInstance, Service, Task, TaskDefinition } from '../../api/v1/index.js';
import type { ObjectOf } from '../kit/types.js';

const T0 = Date.UTC(2026, 0, 1);
/** ISO time `ms` after the tests' epoch (2026-01-01T00:00:00Z). */
export const at = (ms: number): string => new Date(T0 + ms).toISOString();
export const atMs = (ms: number): number => T0 + ms;

export function testInstance(
  name: string,
  o: { heartbeat?: number; connected?: boolean; draining?: boolean; cpu?: number; memory?: number; ports?: number[]; status?: Record<string, unknown> } = {},
): ObjectOf<'ContainerInstance'> {
  return ContainerInstance.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'ContainerInstance',
    metadata: { name, creationTimestamp: at(0) },
    spec: { status: o.draining ? 'DRAINING' : 'ACTIVE', registeredResources: { cpu: o.cpu ?? 2048, memory: o.memory ?? 4096, ports: o.ports } },
    status: {
      agentConnected: o.connected ?? true,
      registeredAt: at(0),
      ...(o.heartbeat === undefined ? {} : { lastHeartbeat: at(o.heartbeat) }),
      ...o.status,
    },
  });
}

export interface TaskFixture {
  instance?: string;
  lastStatus?: string;
  desiredStatus?: 'RUNNING' | 'STOPPED';
  service?: string;
  health?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  taskDefinition?: string;
  stoppedAt?: number;
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

export function testTask(name: string, o: TaskFixture = {}): ObjectOf<'Task'> {
  return Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, creationTimestamp: at(0) },
    spec: {
      taskDefinition: o.taskDefinition ?? 'web:1',
      desiredStatus: o.desiredStatus ?? 'RUNNING',
      ...(o.instance ? { containerInstance: o.instance } : {}),
      ...(o.service ? { group: `service:${o.service}` } : {}),
      ...o.spec,
    },
    status: {
      lastStatus: o.lastStatus ?? 'RUNNING',
      healthStatus: o.health ?? 'UNKNOWN',
      ...(o.stoppedAt === undefined ? {} : { stoppedAt: at(o.stoppedAt) }),
      ...o.status,
    },
  });
}

export function testService(name: string, o: { desired: number; min?: number; max?: number; daemon?: boolean }): ObjectOf<'Service'> {
  return Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      taskDefinition: 'web',
      desiredCount: o.desired,
      schedulingStrategy: o.daemon ? 'DAEMON' : 'REPLICA',
      deploymentConfiguration: { minimumHealthyPercent: o.min ?? 100, maximumPercent: o.max ?? 200 },
    },
  });
}

export function testDefinition(name: string, spec: Record<string, unknown>): ObjectOf<'TaskDefinition'> {
  return TaskDefinition.parse({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name }, spec, status: { status: 'ACTIVE' } });
}
