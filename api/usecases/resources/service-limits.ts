/**
 * A Service's desiredCount may not exceed its Cluster's maxTasksPerService (ECS's per-service
 * quota): every task is an object in the store and a reconcile reads all of a service's tasks, so
 * an unbounded count would swamp the control plane. Checked when a Service is created or its count
 * changes; a cluster that does not exist (the implicit `default`) has the default limit.
 */
import { DEFAULT_MAX_TASKS_PER_SERVICE } from '../../v1/cluster.js';
import type { BerthObject } from '../../v1/index.js';
import { isOfKind } from './codec.js';
import { InvalidError, type ResourceId } from './errors.js';

/** The cluster's maxTasksPerService, read by whoever checks (undefined: the cluster does not say). */
export type ClusterLimitReader = (cluster: string) => Promise<number | undefined>;

/** Throws InvalidError (spec.desiredCount) when `next`, a Service, asks for more tasks than its cluster allows. */
export async function checkServiceLimits(next: BerthObject, previous: BerthObject | undefined, id: ResourceId, limitOf: ClusterLimitReader): Promise<void> {
  if (!isOfKind(next, 'Service')) return;
  const desired = next.spec.desiredCount;
  // Only a write that raises the count is checked: lowering the cluster's limit must not make
  // every other write of an existing service (its finalizer, a label) fail.
  if (previous && isOfKind(previous, 'Service') && desired <= previous.spec.desiredCount) return;
  if (desired <= 1) return; // no cluster allows less
  const limit = (await limitOf(next.metadata.cluster ?? id.cluster)) ?? DEFAULT_MAX_TASKS_PER_SERVICE;
  if (desired > limit)
    throw new InvalidError(id, [
      {
        path: ['spec', 'desiredCount'],
        message: `desiredCount ${desired} is above the limit of ${limit} tasks per service of cluster ${id.cluster}; lower it, or raise the Cluster's spec.maxTasksPerService`,
      },
    ]);
}
