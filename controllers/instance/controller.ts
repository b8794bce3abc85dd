/**
 * The instance controller: for each ContainerInstance, notices when its agent stops heartbeating
 * (marks it disconnected and its tasks lost, so the service controller replaces them elsewhere),
 * keeps its task counts and remaining resources in status, and moves service tasks off it while
 * it is DRAINING; tasks left bound to a deleted (deregistered) instance are ended too. Woken by the instance's own changes, by changes to tasks bound to it, and by a
 * timer set to the moment its heartbeat would expire, so a silent agent is noticed on time.
 *
 * Needs the shared cache indexes (conventions.ts addSharedIndexes) on its manager.
 */
import { HEARTBEAT, INDEX } from '../conventions.js';
import { defineController, done, requeueAfter, type ControllerDefinition, type KitClient, type ObjectOf, type ObjectRef } from '../kit/index.js';
import { deregisteredReason, markLostSpec, markLostStatus, needsLostMarking } from './lost-tasks.js';
import { planInstance } from './plan.js';
import { liveness } from './liveness.js';
import { DEREGISTER_ANNOTATION } from '../lb/conventions.js';
import { HeartbeatSightings } from './sightings.js';

type Task = ObjectOf<'Task'>;

export interface InstanceControllerOptions {
  /**
   * An instance whose heartbeat this controller has not seen change for this long is disconnected
   * and its tasks lost (default HEARTBEAT.expireMs). Counted on the controller's own clock from
   * when it saw the change, and from when it started leading for an instance not seen since.
   */
  heartbeatExpireMs?: number;
  /**
   * When more than this share of a cluster's connected instances are silent at once, nothing is
   * ended until they are seen again: a control-plane-side partition (default 0.55, Kubernetes'
   * unhealthy-zone threshold). A cluster of one silent instance is therefore held too.
   */
  disruptionThreshold?: number;
  /** How often a held instance is looked at again (default 1 s). */
  holdRecheckMs?: number;
  /** How often a drain that waits for replacements looks again (default 2 s). */
  drainRecheckMs?: number;
  /** The least time between two writes of one instance's counts and remaining resources (default 1 s; 0: every change). */
  bookkeepingIntervalMs?: number;
  workers?: number;
}

export const INSTANCE_CONTROLLER = 'container-instance';

export function createInstanceController(options: InstanceControllerOptions = {}): ControllerDefinition<'ContainerInstance'> {
  const expireMs = options.heartbeatExpireMs ?? HEARTBEAT.expireMs;
  const drainRecheckMs = options.drainRecheckMs ?? 2_000;
  const bookkeepingIntervalMs = options.bookkeepingIntervalMs ?? 1_000;
  const disruptionThreshold = options.disruptionThreshold ?? 0.55;
  const holdRecheckMs = options.holdRecheckMs ?? 1_000;
  /**
   * Sightings per leadership (each leadership runs its controllers with a signal of its own): a new
   * leader has seen nothing yet, whatever an earlier leadership of this process saw before it was
   * cut off, so every agent starts a fresh expiry period.
   */
  const sightingsByLeadership = new WeakMap<AbortSignal, HeartbeatSightings>();
  /** When each instance's bookkeeping was last written, by `cluster/name`: what paces the next write. */
  const lastBookkeeping = new Map<string, number>();
  return defineController({
    name: INSTANCE_CONTROLLER,
    for: 'ContainerInstance',
    workers: options.workers ?? 2,
    watches: [
      // A task change wakes the instance it is (or was: the old object is mapped too) bound to.
      {
        kind: 'Task',
        map: (task) => {
          const cluster = task.metadata.cluster;
          return task.spec.containerInstance ? [{ kind: 'ContainerInstance', cluster, name: task.spec.containerInstance }] : [];
        },
      },
      // Read from the cache only (service bounds, task demand): no request of their own. A drain that
      // waits for a replacement elsewhere re-checks on a timer instead.
      { kind: 'Service', map: () => [] },
      { kind: 'TaskDefinition', map: () => [] },
      // Target health, for a drain of tasks behind a load balancer (rechecked on the drain's timer).
      { kind: 'TargetGroup', map: () => [] },
    ],
    async reconcile({ key }, { client, cache, clock, log, signal }) {
      const instanceId = `${key.cluster}/${key.name}`;
      let sightings = sightingsByLeadership.get(signal);
      if (!sightings) {
        sightings = new HeartbeatSightings(expireMs, disruptionThreshold);
        sightingsByLeadership.set(signal, sightings);
      }
      const seen = sightings;
      const disrupted = (cluster: string, now: number): boolean => {
        const silence = seen.silence(cluster, cache.list('ContainerInstance'), now);
        const counts = { cluster, silent: silence.silent, connected: silence.watched };
        if (silence.change === 'began')
          log.warn(
            counts,
            'most instances of the cluster went silent at once: suspecting the control plane lost sight of them, holding their tasks (nothing is marked lost until agents are seen again)',
          );
        else if (silence.change === 'ended')
          log.info(counts, 'agents are seen again: the hold on the cluster ends; silent instances get a fresh expiry period');
        return silence.disrupted;
      };
      const planFor = (instance: ObjectOf<'ContainerInstance'>) => {
        const cluster = instance.metadata.cluster;
        const now = clock.now();
        const observedAt = seen.see(instance, now);
        const expired = liveness(observedAt, now, expireMs).expired;
        return planInstance({
          instance,
          tasks: cache.byIndex('Task', INDEX.tasksByInstance, `${cluster}/${instance.metadata.name}`),
          now,
          expireMs,
          observedAt,
          // Counting the cluster only when it matters: this instance is silent, or the cluster is held.
          disrupted: (expired || seen.wasDisrupted(cluster)) && disrupted(cluster, now),
          holdRecheckMs,
          drainRecheckMs,
          lastBookkeepingAt: lastBookkeeping.get(instanceId),
          bookkeepingIntervalMs,
          definitionOf: (task) => cache.get('TaskDefinition', { cluster, name: task.spec.taskDefinition }),
          serviceOf: (name) => cache.get('Service', { cluster, name }),
          tasksOfService: (name) => cache.byIndex('Task', INDEX.tasksByService, `${cluster}/${name}`),
          targetGroupOf: (name) => cache.get('TargetGroup', { cluster, name }),
        });
      };
      // Every change of a bound task and every heartbeat lands here: the cached copy serves the common
      // case (bookkeeping) without a store read. A cache that lags must never end tasks, so anything
      // beyond bookkeeping is decided again on a fresh read, and so is a cache miss (an instance just
      // registered may not be cached yet; only the store can say it is gone).
      const cached = cache.get('ContainerInstance', key);
      let instance = cached ?? (await client.get('ContainerInstance', key));
      let plan = instance && planFor(instance);
      if (cached && plan && (plan.markDisconnected || plan.lost.tasks.length > 0 || plan.drainStops.length > 0)) {
        instance = await client.get('ContainerInstance', key);
        plan = instance && planFor(instance);
      }
      if (!instance || !plan) {
        lastBookkeeping.delete(instanceId);
        seen.forget(key.cluster, key.name);
        // Deregistered (deleted) with tasks still bound: no agent will ever report on them again.
        const orphans = cache.byIndex('Task', INDEX.tasksByInstance, instanceId).filter(needsLostMarking);
        for (const task of orphans) await markLost(client, key, task, deregisteredReason(key.name), clock.now());
        if (orphans.length > 0) log.warn({ tasks: orphans.map((t) => t.metadata.name) }, 'tasks of a deregistered instance marked STOPPED');
        return done();
      }

      let stillLost = plan.lost.tasks.length > 0;
      if (plan.markDisconnected) {
        // Re-checked on the fresh copy: a heartbeat that landed since the read wins.
        const judged = instance.status?.lastHeartbeat;
        const { object: fresh } = await client.mutate(
          'ContainerInstance',
          key,
          (ci) => {
            if (ci.status && ci.status.lastHeartbeat === judged) ci.status.agentConnected = false;
          },
          { subresource: 'status' },
        );
        stillLost = stillLost && fresh.status?.agentConnected !== true;
        if (!fresh.status?.agentConnected) log.warn({ lastHeartbeat: instance.status?.lastHeartbeat }, 'agent lost: instance marked disconnected');
      }
      if (stillLost) {
        for (const task of plan.lost.tasks) await markLost(client, key, task, plan.lost.reason, clock.now());
        log.warn({ tasks: plan.lost.tasks.map((t) => t.metadata.name) }, 'tasks of the lost instance marked STOPPED');
      }
      if (plan.bookkeeping) {
        const next = plan.bookkeeping;
        // Deleted since the (cached) read: its deletion wakes this reconcile again, to the path above.
        await ignoreGone(
          client.mutate(
            'ContainerInstance',
            key,
            (ci) => {
              ci.status = { agentConnected: false, ...ci.status, ...next };
            },
            { subresource: 'status' },
          ),
        );
        lastBookkeeping.set(instanceId, clock.now());
      }
      for (const { task, reason, deregister } of plan.drainStops) {
        await ignoreGone(
          client.mutate('Task', refOf(task), (t) => {
            if (t.spec.desiredStatus === 'STOPPED' || t.spec.containerInstance !== key.name) return;
            if (deregister && t.status?.lastStatus === 'RUNNING') {
              t.metadata.annotations = { ...t.metadata.annotations, [DEREGISTER_ANNOTATION]: t.metadata.annotations?.[DEREGISTER_ANNOTATION] ?? reason };
              return;
            }
            t.spec.desiredStatus = 'STOPPED';
            t.spec.stopReason = reason;
          }),
        );
        log.info({ task: task.metadata.name, group: task.spec.group }, 'draining: task stopped');
      }
      return plan.requeueAfterMs === undefined ? done() : requeueAfter(plan.requeueAfterMs);
    },
  });
}

const refOf = (task: Task): ObjectRef => ({ kind: 'Task', cluster: task.metadata.cluster, name: task.metadata.name });

/** Spec first, then status: if we die between the two, the task still needs marking and is found again. */
async function markLost(client: KitClient, instance: ObjectRef, task: Task, reason: string, now: number): Promise<void> {
  const stillHere = (t: Task) => t.spec.containerInstance === instance.name;
  await ignoreGone(client.mutate('Task', refOf(task), (t) => void (stillHere(t) && markLostSpec(t, reason))));
  await ignoreGone(client.mutate('Task', refOf(task), (t) => void (stillHere(t) && markLostStatus(t, reason, now)), { subresource: 'status' }));
}

/** A task deleted meanwhile needs nothing more. */
async function ignoreGone(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (err instanceof Error && err.name === 'NotFound') return;
    throw err;
  }
}
