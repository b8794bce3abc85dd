/**
 * The instance controller's plan: a pure function of one instance, the tasks bound to it, the
 * services they belong to, and the time. The controller (controller.ts) observes, calls this, and
 * applies the result; everything it decides is decided here.
 */
import { SERVICE_GROUP_PREFIX } from '../../api/v1/task.js';
import { isLive } from '../conventions.js';
import { intervalWait } from '../kit/pacing.js';
import type { ObjectOf } from '../kit/types.js';
import { bookkeepingUpToDate, instanceBookkeeping, type InstanceBookkeeping } from './bookkeeping.js';
import { drainReason, planDrain } from './drain.js';
import { lastSeen, liveness, shouldMarkDisconnected } from './liveness.js';
import { lostReason, needsLostMarking } from './lost-tasks.js';
import { deregisteringView, groupsOfService, tasksGroups, withTargetHealth } from '../service/load-balancer-health.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;
type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;
type TargetGroup = ObjectOf<'TargetGroup'>;

/**
 * A task the drain ends. `deregister`: its service is behind target groups, so it is marked for
 * deregistration (DEREGISTER_ANNOTATION) and the target-group controller stops it after the
 * deregistration delay, instead of being stopped at once under its in-flight requests.
 */
export interface DrainStop {
  task: Task;
  reason: string;
  deregister: boolean;
}

export interface InstanceObservation {
  instance: ContainerInstance;
  /** Every task bound to the instance. */
  tasks: readonly Task[];
  now: number;
  expireMs: number;
  /** When this controller last saw the instance's heartbeat change, on its own clock (sightings.ts). */
  observedAt: number;
  /** Most of the instance's cluster went silent at once: hold, end nothing (sightings.ts). */
  disrupted: boolean;
  /** How soon to look again while the cluster is held. */
  holdRecheckMs: number;
  /** How soon to look again while a drain waits for replacements. */
  drainRecheckMs: number;
  /** When this controller last wrote the instance's bookkeeping (undefined: not since it started). */
  lastBookkeepingAt?: number;
  /** The least time between two bookkeeping writes to one instance (0: write every change). */
  bookkeepingIntervalMs?: number;
  definitionOf: (task: Task) => TaskDefinition | undefined;
  /** The service of a task in group `service:NAME`, by NAME. */
  serviceOf: (name: string) => Service | undefined;
  /** Every task of a service (on all instances), by the service's NAME. */
  tasksOfService: (name: string) => readonly Task[];
  /** A target group of the instance's cluster, by name (undefined: none such). */
  targetGroupOf?: (name: string) => TargetGroup | undefined;
}

export interface InstancePlan {
  markDisconnected: boolean;
  /** Expired, but its cluster is held: nothing is ended (see sightings.ts). */
  held: boolean;
  /** Tasks to end as lost, with the reason to record. */
  lost: { tasks: readonly Task[]; reason: string };
  /**
   * New status counts and remaining resources; undefined when the status already says so, or when
   * the last write was less than bookkeepingIntervalMs ago (requeueAfterMs then covers the rest).
   * The counts are for people and `describe`, not for placement (the scheduler counts for itself),
   * so a burst of task changes on one instance is written at most once per interval: each write
   * otherwise contends with the agent's heartbeat for the same object and costs the store a write
   * per task event.
   */
  bookkeeping: InstanceBookkeeping | undefined;
  /** Tasks the drain stops now; `deregister`: first deregistered and drained from its target groups (DrainStop). */
  drainStops: readonly DrainStop[];
  /** Look again after this long even if nothing changes (heartbeat expiry, waiting drain). */
  requeueAfterMs: number | undefined;
}

const serviceName = (task: Task): string | undefined =>
  task.spec.group?.startsWith(SERVICE_GROUP_PREFIX) ? task.spec.group.slice(SERVICE_GROUP_PREFIX.length) : undefined;

export function planInstance(o: InstanceObservation): InstancePlan {
  const { instance, tasks, now, expireMs } = o;
  const life = liveness(o.observedAt, now, expireMs);
  const held = life.expired && o.disrupted;
  const gone = life.expired && !o.disrupted;
  const lostTasks = gone ? tasks.filter(needsLostMarking) : [];
  const next = instanceBookkeeping(instance, tasks, o.definitionOf);
  const stale = !bookkeepingUpToDate(instance.status, next);
  const paceWait = stale ? intervalWait(o.lastBookkeepingAt, now, o.bookkeepingIntervalMs ?? 0) : 0;
  const drain = life.expired || instance.spec.status !== 'DRAINING' ? { stops: [], waiting: 0 } : planInstanceDrain(o);
  // +1 ms past the expiry: at exactly the expiry instant `expired` is already true, but be sure.
  const waits = [
    life.expired ? undefined : life.msUntilExpiry + 1,
    held ? o.holdRecheckMs : undefined,
    drain.waiting > 0 ? o.drainRecheckMs : undefined,
    paceWait > 0 ? paceWait : undefined,
  ].filter((ms): ms is number => ms !== undefined);
  return {
    markDisconnected: gone && shouldMarkDisconnected(instance, life),
    held,
    lost: { tasks: lostTasks, reason: lostReason(instance.metadata.name, lastSeen(instance)) },
    bookkeeping: stale && paceWait === 0 ? next : undefined,
    drainStops: drain.stops,
    requeueAfterMs: waits.length > 0 ? Math.min(...waits) : undefined,
  };
}

/**
 * The drain of one instance across its services. REPLICA services' tasks move first; DAEMON tasks
 * (one per instance, nothing to move) are stopped last, once no other service task is live here,
 * as ECS does. Tasks of no service, or of a service that no longer exists, are left to finish.
 */
export function planInstanceDrain(o: InstanceObservation): { stops: DrainStop[]; waiting: number } {
  const reason = drainReason(o.instance.metadata.name);
  const hasHealthCheck = (task: Task) => o.definitionOf(task)?.spec.containerDefinitions.some((c) => c.healthCheck !== undefined) ?? false;
  const names = new Set(o.tasks.filter(isLive).flatMap((t) => serviceName(t) ?? []));
  const replica: Service[] = [];
  const daemon: Service[] = [];
  for (const name of [...names].sort()) {
    const service = o.serviceOf(name);
    if (service) (service.spec.schedulingStrategy === 'DAEMON' ? daemon : replica).push(service);
  }
  const stops: DrainStop[] = [];
  let waiting = 0;
  for (const service of replica) {
    // Behind a load balancer, a task leaves as a deployment's old task does: deregistered, drained
    // for the deregistration delay, then stopped (load-balancer-health.ts); one being deregistered
    // already is as good as stopped, and a replacement counts once its targets are healthy too.
    const groups = groupsOfService(service, (name) => o.targetGroupOf?.(name));
    const targetHealthy = (task: Task) => withTargetHealth({ state: 'healthy' }, task, tasksGroups(service, task, groups), o.now, 0).state === 'healthy';
    const plan = planDrain(service, deregisteringView(o.tasksOfService(service.metadata.name)), o.instance, hasHealthCheck, targetHealthy);
    stops.push(...plan.stop.map((task) => ({ task, reason, deregister: groups.length > 0 && task.status?.lastStatus === 'RUNNING' })));
    waiting += plan.waiting;
  }
  for (const service of daemon) {
    const mine = o.tasksOfService(service.metadata.name).filter((t) => isLive(t) && t.spec.containerInstance === o.instance.metadata.name);
    if (stops.length === 0 && waiting === 0) stops.push(...mine.map((task) => ({ task, reason, deregister: false })));
    else waiting += mine.length;
  }
  return { stops, waiting };
}
