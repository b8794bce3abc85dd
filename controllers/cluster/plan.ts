/**
 * The cluster status controller's plan: a pure function of one cluster's instances, services and
 * tasks, saying what its status counts should be and whether they need writing. How often they are
 * written is the controller's declared `statusWrites` interval, applied by the kit's runner.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ClusterStatus } from '../../api/v1/cluster.js';
import type { ObjectOf } from '../kit/types.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;
type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;

/** The ECS-style counts a Cluster's status carries. */
export type ClusterCounts = Required<ClusterStatus>;

/** Pending as ECS counts it: on its way to RUNNING (a task with no status yet has not started). */
const PENDING_STATUSES = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/**
 * Pure: the counts of `cluster` from every cached object (others' clusters are skipped). Registered
 * instances are all of the cluster's ContainerInstances, ACTIVE or DRAINING, connected or not (ECS
 * counts a registered instance until it is deregistered); active services are those not being
 * deleted; tasks are counted by lastStatus.
 */
export function clusterCounts(cluster: string, instances: readonly ContainerInstance[], services: readonly Service[], tasks: readonly Task[]): ClusterCounts {
  let registeredContainerInstancesCount = 0;
  for (const i of instances) if (i.metadata.cluster === cluster) registeredContainerInstancesCount++;
  let activeServicesCount = 0;
  for (const s of services) if (s.metadata.cluster === cluster && s.metadata.deletionTimestamp === undefined) activeServicesCount++;
  let runningTasksCount = 0;
  let pendingTasksCount = 0;
  for (const t of tasks) {
    if (t.metadata.cluster !== cluster) continue;
    const last = t.status?.lastStatus ?? 'PROVISIONING';
    if (last === 'RUNNING') runningTasksCount++;
    else if (PENDING_STATUSES.has(last)) pendingTasksCount++;
  }
  return { registeredContainerInstancesCount, activeServicesCount, runningTasksCount, pendingTasksCount };
}

export interface ClusterStatusPlan {
  /** The status to write; undefined when it already says so. */
  write: ClusterCounts | undefined;
}

/** Pure: whether `counts` need writing over `current`. */
export function planClusterStatus(o: { current: ClusterStatus | undefined; counts: ClusterCounts }): ClusterStatusPlan {
  if (o.current !== undefined && isDeepStrictEqual({ ...o.current }, { ...o.counts })) return { write: undefined };
  return { write: o.counts };
}
