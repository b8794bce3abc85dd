/**
 * berth's objects as ECS's API returns them. The element shapes are the ones `-o ecs` prints
 * (elements/, one shape per kind in one place); the API differs from the CLI's printing only in
 * its timestamps, which the AWS JSON protocol carries as epoch seconds (the CLI prints them as text).
 */
import { ecsArn, type ArnContext } from '../../v1/arn.js';
import type { Cluster } from '../../v1/cluster.js';
import type { TaskDefinition } from '../../v1/task-definition.js';
import type { Task } from '../../v1/task.js';
import type { Service } from '../../v1/service.js';
import type { ContainerInstance } from '../../v1/container-instance.js';
import { ecsTaskDefinition } from './elements/task-definition.js';
import { ecsTask } from './elements/task.js';
import { ecsService } from './elements/service.js';
import { ecsContainerInstance } from './elements/container-instance.js';
import type { EcsContext } from './elements/context.js';

/** The members the model types as Timestamp, wherever they occur in a response. */
const TIMESTAMP_MEMBERS = new Set([
  'createdAt',
  'updatedAt',
  'startedAt',
  'stoppedAt',
  'stoppingAt',
  'pullStartedAt',
  'pullStoppedAt',
  'connectivityAt',
  'executionStoppedAt',
  'registeredAt',
  'deregisteredAt',
  'deleteRequestedAt',
  'registeredAt',
  'finishedAt',
  'expirationDate',
]);

/** `value` with every timestamp member as epoch seconds (milliseconds as the fraction, as ECS sends them). */
export function withEpochSeconds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withEpochSeconds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (TIMESTAMP_MEMBERS.has(k) && typeof v === 'string') {
        const ms = Date.parse(v);
        return [k, Number.isNaN(ms) ? v : ms / 1000];
      }
      return [k, withEpochSeconds(v)];
    }),
  );
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {};

/** By name (`web:3`): a task's containers show their definition's image, cpu and memory. */
export type ShapeContext = EcsContext;

export const shape = {
  taskDefinition: (td: TaskDefinition, ctx: ShapeContext) => asRecord(withEpochSeconds(ecsTaskDefinition(td, ctx))),
  task: (task: Task, ctx: ShapeContext) => asRecord(withEpochSeconds(ecsTask(task, ctx))),
  service: (service: Service, ctx: ShapeContext) => asRecord(withEpochSeconds(ecsService(service, ctx))),
  containerInstance: (ci: ContainerInstance, ctx: ShapeContext) => asRecord(withEpochSeconds(ecsContainerInstance(ci, ctx))),
  cluster(cluster: Cluster, ctx: ArnContext, deleting = false): Record<string, unknown> {
    const status = cluster.status;
    return {
      clusterArn: ecsArn.cluster(ctx, cluster.metadata.name),
      clusterName: cluster.metadata.name,
      status: deleting || cluster.metadata.deletionTimestamp ? 'INACTIVE' : 'ACTIVE',
      registeredContainerInstancesCount: status?.registeredContainerInstancesCount ?? 0,
      runningTasksCount: status?.runningTasksCount ?? 0,
      pendingTasksCount: status?.pendingTasksCount ?? 0,
      activeServicesCount: status?.activeServicesCount ?? 0,
      statistics: [],
      tags: tagsOf(cluster.metadata.labels),
      settings: Object.entries(cluster.spec.settings ?? {}).map(([name, value]) => ({ name, value })),
      capacityProviders: [],
      defaultCapacityProviderStrategy: [],
    };
  },
};

/** ECS tags (`[{key, value}]`) of a cluster, kept as labels under this prefix. */
export const TAG_LABEL_PREFIX = 'tags.ecs.berth.dev/';

export function tagsOf(labels: Record<string, string> | undefined): { key: string; value: string }[] {
  return Object.entries(labels ?? {})
    .filter(([k]) => k.startsWith(TAG_LABEL_PREFIX))
    .map(([k, value]) => ({ key: k.slice(TAG_LABEL_PREFIX.length), value }));
}
