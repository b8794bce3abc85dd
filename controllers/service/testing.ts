/** Builders of parsed Services, TaskDefinitions and Tasks for the service controller's unit tests. */
import { Service, Task, TaskDefinition } from '../../api/v1/index.js';
import { TASK_LABELS } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';
import { planService, type PlanInput, type ServicePlan } from './plan.js';
import { resolveTaskDefinition } from './resolve.js';
import type { ServiceControllerSettings } from './settings.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function svc(spec: Record<string, unknown> = {}, status?: Record<string, unknown>, meta: Record<string, unknown> = {}): ObjectOf<'Service'> {
  return Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', uid: 'uid-web', generation: 1, ...meta },
    spec: { taskDefinition: 'web', desiredCount: 4, ...spec },
    ...(status ? { status } : {}),
  });
}

export function td(revision: number, opts: { inactive?: boolean; healthCheck?: boolean; family?: string } = {}): ObjectOf<'TaskDefinition'> {
  const family = opts.family ?? 'web';
  return TaskDefinition.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: `${family}:${revision}` },
    spec: {
      family,
      containerDefinitions: [
        {
          name: 'app',
          image: 'berth.local/busybox:1',
          memory: 32,
          ...(opts.healthCheck ? { healthCheck: { command: ['CMD-SHELL', 'true'] } } : {}),
        },
      ],
    },
    status: { status: opts.inactive ? 'INACTIVE' : 'ACTIVE', revision },
  });
}

export interface TaskOpts {
  deployment?: string;
  taskDefinition?: string;
  /** PENDING (default: unbound), RUNNING, STOPPED, … */
  lastStatus?: 'PENDING' | 'RUNNING' | 'STOPPED';
  desiredStatus?: 'RUNNING' | 'STOPPED';
  health?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** ms since T0 the task started RUNNING (default: long ago, so settled). */
  startedAgo?: number;
  createdAt?: number;
  instance?: string;
  stopReason?: string;
  connectivity?: 'CONNECTED' | 'DISCONNECTED';
  pendingReason?: string;
}

export function task(name: string, o: TaskOpts = {}, now = T0): ObjectOf<'Task'> {
  const lastStatus = o.lastStatus ?? 'RUNNING';
  return Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, labels: o.deployment ? { [TASK_LABELS.deployment]: o.deployment, [TASK_LABELS.service]: 'web' } : { [TASK_LABELS.service]: 'web' } },
    spec: {
      taskDefinition: o.taskDefinition ?? 'web:1',
      desiredStatus: o.desiredStatus ?? 'RUNNING',
      group: 'service:web',
      ...(lastStatus !== 'PENDING' || o.instance ? { containerInstance: o.instance ?? 'i-1' } : {}),
      ...(o.stopReason ? { stopReason: o.stopReason } : {}),
    },
    status: {
      lastStatus,
      healthStatus: o.health ?? 'UNKNOWN',
      createdAt: iso(o.createdAt ?? now - 600_000),
      ...(lastStatus === 'RUNNING' || lastStatus === 'STOPPED' ? { startedAt: iso(now - (o.startedAgo ?? 300_000)) } : {}),
      ...(o.connectivity ? { connectivity: o.connectivity } : {}),
      ...(o.pendingReason ? { pendingReason: o.pendingReason } : {}),
    },
  });
}

export const D1 = 'ecs-svc/1111111111111111111';
export const D2 = 'ecs-svc/2222222222222222222';

/** A deployment of 4 tasks as status.deployments holds it, created an hour before T0. */
export const deployment = (
  id: string,
  taskDefinition: string,
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE',
  rolloutState = 'COMPLETED',
  extra: Record<string, unknown> = {},
) => ({
  id,
  status,
  taskDefinition,
  rolloutState,
  desiredCount: 4,
  createdAt: iso(T0 - 3_600_000),
  updatedAt: iso(T0 - 3_600_000),
  ...extra,
});

/** planService at T0, with no instances, over the revisions `defs`. */
export function planAt(
  service: ObjectOf<'Service'>,
  tasks: ObjectOf<'Task'>[],
  defs: ObjectOf<'TaskDefinition'>[],
  settings: ServiceControllerSettings,
  extra: Partial<PlanInput> = {},
): ServicePlan {
  return planService({
    service,
    resolution: resolveTaskDefinition(service.spec.taskDefinition, defs),
    tasks,
    taskDefinitions: new Map(defs.map((d) => [d.metadata.name, d])),
    instances: new Map(),
    now: T0,
    settings,
    ...extra,
  });
}

/** The names of the tasks a plan stops, sorted. */
export const stoppedNames = (p: ServicePlan) => p.stop.map((s) => s.name).sort();
