/**
 * The scheduler: binds pending tasks to container instances (spec.containerInstance), one cluster
 * per reconcile so a whole cluster's pending tasks are placed in one PlacementPass.
 *
 *   observe  the shared caches (no API reads): the cluster's tasks, overlaid with this scheduler's
 *            own writes the cache has not caught up with (assumed.ts), its instances, task
 *            definitions and services;
 *   plan     planScheduling (plan.ts), pure: binds oldest task first, reasons for the rest;
 *   apply    compare-and-swap writes, 512 in flight, batched by the store (apply.ts).
 *
 * Why this cannot bind a task twice: every bind is a CAS on the task's resourceVersion as the pass
 * read it, and only unbound tasks are planned. Why it does not over-commit an instance when it is the
 * only scheduler: remaining resources are recomputed every pass from everything bound, including its
 * own binds the cache has not seen yet. The race that remains is two schedulers binding DIFFERENT
 * tasks to the SAME instance at once, each from a view without the other's bind: both CAS writes
 * succeed (they touch different tasks) and together they may exceed the instance. Nothing per task
 * can see that; it is closed by running one scheduler: the Manager's leader election runs the
 * controllers in one process only, and a leader that loses its lease has ctx.signal aborted, after
 * which no further bind starts (apply checks the signal before each write). What is still open is
 * the writes already in flight when the lease is lost (at most `concurrency` of them); true fencing
 * would make each bind a store transaction that also compares the election key's revision, which
 * the client API does not offer yet. Two schedulers that see the same cluster plan the same binds
 * (the plan is deterministic, rng seeded per cluster), so unelected ones started on the same state
 * collide on tasks (harmless) rather than on instances; but with tasks arriving while both run their
 * views differ, and an instance over-committed by one task was measured in 5 of 8 runs (3 instances
 * of 1 GiB, 20 tasks of 256 MiB). Run berth's controllers with election wherever two could run.
 */
import { jsonEqual } from '../../api/json-equal.js';
import type { ContainerInstance, Service, Task } from '../../api/v1/index.js';
import { awaitsScheduler, isLive, isStopped } from '../conventions.js';
import { defineController, type ControllerDefinition } from '../kit/controller.js';
import { done, requeueAfter } from '../kit/result.js';
import type { KitObject, ObjectRef } from '../kit/types.js';
import { applyPlan, SchedulerWriteError } from './apply.js';
import { AssumedTasks } from './assumed.js';
import { observeCluster } from './observe.js';
import { planScheduling } from './plan.js';
import { seededRng, type ReservedPorts, type Rng } from './placement/index.js';

export const SCHEDULER_NAME = 'scheduler';

/** A pass waits at least this many times the observe+plan time of the one before it (kit/pacing.ts). */
const PLAN_COST_FACTOR = 4;

export interface SchedulerOptions {
  /** Look again this soon when tasks are left unplaceable, to use capacity that frees up (default 3 s). */
  retryUnplaceableMs?: number;
  /**
   * The least time between two passes over one cluster (default 100 ms). Every bind comes back as a
   * watch event that wakes the cluster again; without a floor, a pass binding 20,000 tasks is
   * followed by a stream of tiny passes that each re-read all 20,000.
   */
  minPassIntervalMs?: number;
  /** Writes in flight at once (default 512). */
  concurrency?: number;
  /** Host ports no task may take on any instance (default: ECS's reserved TCP ports). */
  reservedPorts?: Partial<ReservedPorts>;
  /** The tie-breaking rng of a pass (default: seeded by the cluster's name, so passes are reproducible). */
  rng?: (cluster: string) => Rng;
}

const clusterRef = (cluster: string): ObjectRef => ({ kind: 'Cluster', cluster, name: cluster });
const clusterOf = (obj: KitObject): ObjectRef[] => [clusterRef(obj.metadata.cluster ?? 'default')];

/**
 * A task change matters when the task waits for the scheduler, or when a bound task stops and
 * frees capacity. Status reports of running tasks (most of the traffic) do not wake the scheduler.
 */
function taskWakes(task: Task): ObjectRef[] {
  return task.spec.containerInstance === undefined || !isLive(task) ? clusterOf(task) : [];
}

const holdsCapacity = (task: Task): boolean => task.spec.containerInstance !== undefined && !isStopped(task);

/**
 * Of a task's updates, only one that leaves it waiting, or that frees what it held, can give a pass
 * something to do. The echo of a bind (waiting before, bound after: every task placed) does not:
 * the scheduler counted it when it wrote it.
 */
function taskUpdateMatters(before: Task, after: Task): boolean {
  return awaitsScheduler(after) || (holdsCapacity(before) && !holdsCapacity(after));
}

/**
 * What placement reads of an instance: its spec (status, attributes, resources, agent version),
 * whether its agent is connected, and when it registered. Heartbeats and the counts the instance
 * controller writes (an update every few seconds per instance) do not change where a task can go.
 * The cache shares an unchanged spec between versions, so comparing it is an identity check.
 */
function instanceUpdateMatters(before: ContainerInstance, after: ContainerInstance): boolean {
  return (
    before.spec !== after.spec ||
    before.status?.agentConnected !== after.status?.agentConnected ||
    before.status?.registeredAt !== after.status?.registeredAt ||
    before.metadata.deletionTimestamp !== after.metadata.deletionTimestamp
  );
}

/** Only a change of a service's placement can change where its tasks go (spec objects are shared when unchanged). */
function placementChanged(oldObj: KitObject, newObj: KitObject): boolean {
  const [before, after] = [oldObj as Service, newObj as Service];
  return (
    !jsonEqual(before.spec.placementConstraints, after.spec.placementConstraints) || !jsonEqual(before.spec.placementStrategy, after.spec.placementStrategy)
  );
}

export function schedulerController(options: SchedulerOptions = {}): ControllerDefinition<'Cluster'> {
  const retryMs = options.retryUnplaceableMs ?? 3_000;
  const concurrency = options.concurrency ?? 512;
  const rngFor = options.rng ?? ((cluster: string) => seededRng(hashString(cluster)));
  // One per controller instance: survives passes and leadership changes (entries expire on their own).
  const assumed = new AssumedTasks();
  // Every cluster reconciled so far (each is once when the controller starts), for task-definition events.
  const knownClusters = new Set<string>();

  return defineController({
    name: SCHEDULER_NAME,
    for: 'Cluster',
    // Clusters are scheduled independently (one key is never reconciled twice at once).
    workers: 4,
    // At least minPassIntervalMs after a pass that wrote, and PLAN_COST_FACTOR × the last pass's own
    // (observe+plan) time: a pass reads every task of the cluster.
    pacing: { costFactor: PLAN_COST_FACTOR, minIntervalMs: options.minPassIntervalMs ?? 100 },
    watches: [
      { kind: 'Task', map: taskWakes, changed: taskUpdateMatters },
      { kind: 'ContainerInstance', map: clusterOf, changed: instanceUpdateMatters },
      // A task definition belongs to the account: a new one may be what tasks wait for in any cluster.
      { kind: 'TaskDefinition', map: () => [...knownClusters].map(clusterRef) },
      // A service's placement applies to its pending tasks as it is now (plan.ts requestFor): a
      // change of it is a pass over the cluster, so tasks it left unplaceable are placed at once.
      { kind: 'Service', map: clusterOf, changed: placementChanged },
    ],
    async reconcile({ key }, { client, cache, clock, log, signal }) {
      const cluster = key.name;
      knownClusters.add(cluster);
      const started = clock.now();
      const input = observeCluster(cache, cluster, assumed, started, rngFor(cluster), options.reservedPorts);
      if (input === undefined) return done();
      const plan = planScheduling(input);
      const planned = clock.now();
      if (plan.binds.length === 0 && plan.statusWrites.length === 0) return plan.unplaceable.length > 0 ? requeueAfter(retryMs) : done();
      if (plan.uncounted.length > 0)
        log.warn(
          { tasks: plan.uncounted.slice(0, 5).map((t) => t.metadata.name), count: plan.uncounted.length },
          'bound tasks whose task definition is unknown are not counted against their instances',
        );

      const outcome = await applyPlan(plan, { client, assumed, now: () => clock.now(), log, signal, concurrency });
      log.info(
        {
          pending: plan.binds.length + plan.unplaceable.length,
          bound: outcome.bound,
          unplaceable: plan.unplaceable.length,
          statusWritten: outcome.statusWritten,
          conflicts: outcome.conflicts,
          gone: outcome.gone,
          failed: outcome.errors.length,
          planMs: planned - started,
          ms: clock.now() - started,
        },
        'scheduling pass',
      );
      if (outcome.errors.length > 0) throw new SchedulerWriteError(cluster, outcome.errors);
      return plan.unplaceable.length > 0 ? requeueAfter(retryMs) : done();
    },
  });
}

/** FNV-1a: a stable 32-bit seed from a cluster's name. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
