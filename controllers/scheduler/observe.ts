/**
 * What the scheduler sees of one cluster, read from the shared informer caches only (a pass over
 * 20,000 tasks must not make 20,000 API calls), with its own not-yet-cached writes laid over them;
 * undefined when no task of the cluster awaits the scheduler.
 */
import { INDEX } from '../conventions.js';
import type { CacheReader } from '../kit/informer-set.js';
import type { AssumedTasks } from './assumed.js';
import type { SchedulingInput } from './plan.js';
import type { ReservedPorts, Rng } from './placement/index.js';

export function observeCluster(
  cache: CacheReader,
  cluster: string,
  assumed: AssumedTasks,
  now: number,
  rng: Rng,
  reservedPorts?: Partial<ReservedPorts>,
): SchedulingInput | undefined {
  // Most passes are woken by changes that leave nothing to place (an instance's heartbeat, a bind
  // coming back): those end here, at the cost of the waiting tasks, not of every task.
  const waiting = cache.byIndex('Task', INDEX.tasksAwaitingScheduler, cluster);
  if (!assumed.anyAwaiting(cluster, waiting, now)) return undefined;
  // One scan of the task cache (a few ms at 20,000): the overlay keeps this cluster's tasks.
  return {
    tasks: assumed.overlay(cluster, cache.list('Task'), now),
    instances: cache.byIndex('ContainerInstance', INDEX.instancesByCluster, cluster),
    taskDefinition: (name) => cache.get('TaskDefinition', { cluster, name }),
    service: (name) => cache.get('Service', { cluster, name }),
    now,
    rng,
    reservedPorts,
  };
}
