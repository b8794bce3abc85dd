/**
 * The cluster status controller: keeps each Cluster's status counts (registered container instances,
 * active services, running and pending tasks) current, as ECS's DescribeClusters reports them. Woken
 * by the cluster itself and by the changes that move a count: an instance registered or
 * deregistered, a service created or being deleted, a task's lastStatus changing. Reads only the
 * shared caches; writes the status through the API, at most once per interval per cluster.
 */
import { objectRefOf, type KitObject, type ObjectOf } from '../kit/types.js';
import { defineController, done, requeueAfter, type ControllerDefinition, type ObjectRef } from '../kit/index.js';
import { clusterCounts, planClusterStatus } from './plan.js';

export interface ClusterStatusControllerOptions {
  /** The least time between two status writes of one cluster (default 1 s; 0: every change). */
  writeIntervalMs?: number;
}

export const CLUSTER_STATUS_CONTROLLER = 'cluster-status';

const clusterOf = (obj: KitObject): readonly ObjectRef[] => {
  const { cluster } = objectRefOf(obj);
  return [{ kind: 'Cluster', cluster, name: cluster }];
};

export function createClusterStatusController(options: ClusterStatusControllerOptions = {}): ControllerDefinition<'Cluster'> {
  const intervalMs = options.writeIntervalMs ?? 1_000;
  /** When each cluster's status was last written by this controller, by name. */
  const lastWrite = new Map<string, number>();
  return defineController({
    name: CLUSTER_STATUS_CONTROLLER,
    for: 'Cluster',
    workers: 1,
    watches: [
      // Adds and deletes always map; no update of an instance changes the count.
      { kind: 'ContainerInstance', map: clusterOf, changed: () => false },
      { kind: 'Service', map: clusterOf, changed: (a, b) => (a as ObjectOf<'Service'>).metadata.deletionTimestamp !== (b as ObjectOf<'Service'>).metadata.deletionTimestamp },
      { kind: 'Task', map: clusterOf, changed: (a, b) => (a as ObjectOf<'Task'>).status?.lastStatus !== (b as ObjectOf<'Task'>).status?.lastStatus },
    ],
    async reconcile({ key }, { client, cache, clock, log }) {
      const cluster = cache.get('Cluster', key);
      if (!cluster) {
        lastWrite.delete(key.name);
        return done();
      }
      const now = clock.now();
      const counts = clusterCounts(key.name, cache.list('ContainerInstance'), cache.list('Service'), cache.list('Task'));
      const plan = planClusterStatus({ current: cluster.status, counts, lastWriteAt: lastWrite.get(key.name), now, intervalMs });
      if (plan.write) {
        const next = plan.write;
        try {
          await client.mutate('Cluster', key, (c) => void (c.status = { ...next }), { subresource: 'status' });
        } catch (err) {
          // Deleted since the cached read: its deletion wakes this key again.
          if (err instanceof Error && err.name === 'NotFound') return done();
          throw err;
        }
        lastWrite.set(key.name, now);
        log.debug(next, 'cluster counts written');
      }
      return plan.requeueAfterMs === undefined ? done() : requeueAfter(plan.requeueAfterMs);
    },
  });
}
