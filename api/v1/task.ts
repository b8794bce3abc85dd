/**
 * Task: one running copy of a task definition revision. Users and controllers write spec (what
 * should run, and desiredStatus); the scheduler binds spec.containerInstance; the agent on that
 * instance alone writes status.
 */
import { z } from 'zod';
import { DEFAULT_LAUNCH_TYPE, EcsIdentifier, KeyValuePair, LaunchType, TransportProtocol } from './common.js';
import { defineKind, Name, Timestamp } from './meta.js';
import { PlacementConstraints, PlacementStrategies } from './placement.js';
import { TaskDiscovery } from './service-registry.js';
import { PinnedTaskDefinitionRefString } from './task-definition-ref.js';
import { TaskEvents } from './task-events.js';
import { MIN_MEMORY_MIB, TaskCpu, TaskMemory } from './units.js';
import { TaskProtection } from './task-protection.js';

export const TASK_DESIRED_STATUSES = ['RUNNING', 'STOPPED'] as const;
/** ECS's task lifecycle, in order; a task only moves forward through it. */
export const TASK_LAST_STATUSES = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'] as const;
export type TaskLastStatus = (typeof TASK_LAST_STATUSES)[number];
export const HEALTH_STATUSES = ['HEALTHY', 'UNHEALTHY', 'UNKNOWN'] as const;
export const STOP_CODES = [
  'TaskFailedToStart',
  'EssentialContainerExited',
  'UserInitiated',
  'ServiceSchedulerInitiated',
  'SpotInterruption',
  'TerminationNotice',
] as const;
export const CONNECTIVITY = ['CONNECTED', 'DISCONNECTED'] as const;
export const TASK_DEFAULTS = { desiredStatus: 'RUNNING', launchType: DEFAULT_LAUNCH_TYPE } as const;

/** A group for tasks a service starts: `service:web`. */
export const SERVICE_GROUP_PREFIX = 'service:';
export function serviceGroup(serviceName: string): string {
  return `${SERVICE_GROUP_PREFIX}${serviceName}`;
}

const ContainerOverride = z.strictObject({
  name: EcsIdentifier,
  command: z.array(z.string()).optional(),
  environment: z.array(KeyValuePair).optional(),
  cpu: z.int().min(0).optional(),
  memory: z.int().min(MIN_MEMORY_MIB).optional(),
  memoryReservation: z.int().min(MIN_MEMORY_MIB).optional(),
});

export const TaskOverrides = z
  .strictObject({
    containerOverrides: z.array(ContainerOverride).optional(),
    cpu: TaskCpu.optional(),
    memory: TaskMemory.optional(),
  })
  .superRefine((o, ctx) => {
    const seen = new Set<string>();
    o.containerOverrides?.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['containerOverrides', i, 'name'], message: `container "${c.name}" is overridden twice` });
      seen.add(c.name);
    });
  });
export type TaskOverrides = z.infer<typeof TaskOverrides>;

export const TaskSpec = z.strictObject({
  /** The revision to run, always pinned: `web:3`. */
  taskDefinition: PinnedTaskDefinitionRefString,
  desiredStatus: z.enum(TASK_DESIRED_STATUSES).default(TASK_DEFAULTS.desiredStatus),
  /** The instance's name; absent until the scheduler binds the task. */
  containerInstance: Name.optional(),
  overrides: TaskOverrides.optional(),
  startedBy: z.string().min(1).max(128).optional(),
  /** Tasks a service starts are in group `service:<name>`. */
  group: z.string().min(1).max(255).optional(),
  launchType: LaunchType.default(TASK_DEFAULTS.launchType),
  placementConstraints: PlacementConstraints.optional(),
  placementStrategy: PlacementStrategies.optional(),
  /** Why the task was asked to stop, recorded with desiredStatus STOPPED. */
  stopReason: z.string().min(1).max(1024).optional(),
  /** Scale-in protection (ECS UpdateTaskProtection): its service does not stop it until it expires. */
  protection: TaskProtection.optional(),
});
export type TaskSpec = z.infer<typeof TaskSpec>;

export const NetworkBinding = z.strictObject({
  containerPort: z.int().min(1).max(65535),
  hostPort: z.int().min(1).max(65535),
  protocol: TransportProtocol.default('tcp'),
  bindIP: z.string().min(1).default('0.0.0.0'),
});
export type NetworkBinding = z.infer<typeof NetworkBinding>;

/** ECS's shape: an awsvpc task's containers each name the task's one interface. */
export const NetworkInterface = z.strictObject({
  attachmentId: z.string().min(1),
  privateIpv4Address: z.string().min(1).optional(),
});

export const ContainerStatus = z.strictObject({
  name: EcsIdentifier,
  dockerId: z.string().min(1).optional(),
  lastStatus: z.enum(TASK_LAST_STATUSES).default('PENDING'),
  exitCode: z.int().optional(),
  reason: z.string().optional(),
  healthStatus: z.enum(HEALTH_STATUSES).default('UNKNOWN'),
  networkBindings: z.array(NetworkBinding).default([]),
  networkInterfaces: z.array(NetworkInterface).optional(),
  /** Times the agent restarted it in place under its restartPolicy (ECS's task metadata RestartCount). */
  restartCount: z.int().min(0).optional(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;

/**
 * ECS's task attachment: an awsvpc task's network interface (here: its sandbox's namespace), with
 * its address in `details` (`privateIPv4Address`), as describe-tasks shows it.
 */
export const Attachment = z.strictObject({
  id: z.string().min(1),
  type: z.string().min(1),
  status: z.enum(['PRECREATED', 'ATTACHING', 'ATTACHED', 'DETACHING', 'DETACHED', 'DELETED', 'FAILED']),
  details: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).default([]),
});
export type Attachment = z.infer<typeof Attachment>;

/** An awsvpc task's own address (its attachment's privateIPv4Address), where its container ports are reached. */
export function taskAddress(attachments: readonly Attachment[] | undefined): string | undefined {
  for (const a of attachments ?? []) {
    const ip = a.details.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  return undefined;
}

export const TaskStatus = z.strictObject({
  lastStatus: z.enum(TASK_LAST_STATUSES).default('PROVISIONING'),
  containers: z.array(ContainerStatus).default([]),
  healthStatus: z.enum(HEALTH_STATUSES).default('UNKNOWN'),
  stoppedReason: z.string().optional(),
  stopCode: z.enum(STOP_CODES).optional(),
  createdAt: Timestamp.optional(),
  pullStartedAt: Timestamp.optional(),
  pullStoppedAt: Timestamp.optional(),
  startedAt: Timestamp.optional(),
  stoppingAt: Timestamp.optional(),
  stoppedAt: Timestamp.optional(),
  connectivity: z.enum(CONNECTIVITY).optional(),
  connectivityAt: Timestamp.optional(),
  /** Why the task is not placed or started yet, e.g. "no instance has 512 MiB free". */
  pendingReason: z.string().optional(),
  attachments: z.array(Attachment).optional(),
  discovery: TaskDiscovery.optional(),
  events: TaskEvents.optional(),
});
export type TaskStatus = z.infer<typeof TaskStatus>;

export const Task = defineKind('Task', TaskSpec, TaskStatus);
export type Task = z.infer<typeof Task>;
