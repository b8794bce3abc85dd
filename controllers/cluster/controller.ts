/**
 * The cluster status controller: keeps each Cluster's status counts (registered container instances,
 * active services, running and pending tasks) current, as ECS's DescribeClusters reports them. Woken
 * by the cluster itself and by the changes that move a count: an instance registered or
 * deregistered, a service created or being deleted, a task's lastStatus changing. Reads only the
 * shared caches; writes the status through the API, at most once per interval per cluster (its
 * declared `statusWrites`: a burst of thousands of task changes becomes a few writes, and the last
 * change of a burst is still written once the interval is up). Each reconcile counts every cached
 * task, so its reconciles are paced too: no sooner than the write interval after one that wrote, and
 * otherwise many times its own cost apart (a burst would else recount the whole set per change).
 */
import { objectRefOf, type KitObject, type ObjectOf } from '../kit/types.js';
import { defineController, done, type ControllerDefinition, type ObjectRef } from '../kit/index.js';
import { clusterCounts, planClusterStatus } from './plan.js';

export interface ClusterStatusControllerOptions {
  /** The least time between two status writes of one cluster (default 1 s; 0: every change). */
  writeIntervalMs?: number;
}

export const CLUSTER_STATUS_CONTROLLER = 'cluster-status';

/**
 * Between two counts of a cluster, at least this many times the last count's own time: counting
 * stays under 5 % of a core however many tasks change, and a count that may only be written once
 * per interval gains nothing from being redone more often.
 */
const COUNT_COST_FACTOR = 20;

const clusterOf = (obj: KitObject): readonly ObjectRef[] => {
  const { cluster } = objectRefOf(obj);
  return [{ kind: 'Cluster', cluster, name: cluster }];
};

export function createClusterStatusController(options: ClusterStatusControllerOptions = {}): ControllerDefinition<'Cluster'> {
  const intervalMs = options.writeIntervalMs ?? 1_000;
  return defineController({
    name: CLUSTER_STATUS_CONTROLLER,
    for: 'Cluster',
    workers: 1,
    ...(intervalMs > 0 ? { statusWrites: { intervalMs, coalesceWhen: () => true } } : {}),
    pacing: { costFactor: COUNT_COST_FACTOR, minIntervalMs: intervalMs },
    watches: [
      // Adds and deletes always map; no update of an instance changes the count.
      { kind: 'ContainerInstance', map: clusterOf, changed: () => false },
      {
        kind: 'Service',
        map: clusterOf,
        changed: (a, b) => (a as ObjectOf<'Service'>).metadata.deletionTimestamp !== (b as ObjectOf<'Service'>).metadata.deletionTimestamp,
      },
      { kind: 'Task', map: clusterOf, changed: (a, b) => (a as ObjectOf<'Task'>).status?.lastStatus !== (b as ObjectOf<'Task'>).status?.lastStatus },
    ],
    async reconcile({ key }, { client, cache, log }) {
      const cluster = cache.get('Cluster', key);
      if (!cluster) return done();
      const counts = clusterCounts(key.name, cache.list('ContainerInstance'), cache.list('Service'), cache.list('Task'));
      const plan = planClusterStatus({ current: cluster.status, counts });
      if (plan.write) {
        const next = plan.write;
        let changed: boolean;
        try {
          ({ changed } = await client.mutate('Cluster', key, (c) => void (c.status = { ...next }), { subresource: 'status' }));
        } catch (err) {
          // Deleted since the cached read: its deletion wakes this key again.
          if (err instanceof Error && err.name === 'NotFound') return done();
          throw err;
        }
        if (changed) log.debug(next, 'cluster counts written');
      }
      return done();
    },
  });
}
