/**
 * The service controller's plan: a PURE function of the service, what its task definition
 * resolved to, its tasks (with their revisions and instances), the time and the settings. It says
 * which deployments the service has now, how many tasks to start for the PRIMARY one, which tasks
 * to stop and why, and the counts for status. controller.ts observes and applies; nothing here
 * does I/O or reads a clock.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Deployment } from '../../api/v1/service.js';
import { chooseTasksToStop, taskDemand, type StoppableTask } from '../scheduler/placement/index.js';
import { isLive, isStopped, TASK_LABELS } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';
import { DEFAULT_MAX_TASKS_PER_SERVICE } from '../../api/v1/cluster.js';
import { stoppedSince } from '../task/retention.js';
import { breakerState, breakerThreshold, failedSince, HEALTH_CHECK_STOP_REASON, isFailedTask } from './circuit-breaker.js';
import { nextProtectionExpiry, unprotected } from './protection.js';
import { strategyStep, type StrategyObservations } from './strategy/plan-strategy.js';
import { needsNewDeployment } from '../../api/v1/service-deployment-start.js';
import { beginDeployment, pruneDrained, primaryOf, rollBackTo, rollbackTarget, type DeploymentNote } from './deployments.js';
import type { Resolution } from './resolve.js';
import { rollingStep, type RollingStep } from './rolling.js';
import type { ServiceControllerSettings } from './settings.js';
import { serviceTaskHealth, type TaskHealth } from './task-health.js';
import { tasksGroups, withTargetHealth } from './load-balancer-health.js';

type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;
type ContainerInstance = ObjectOf<'ContainerInstance'>;
type TargetGroup = ObjectOf<'TargetGroup'>;

export interface PlanInput {
  service: Service;
  resolution: Resolution;
  /** The service's tasks (any state). */
  tasks: readonly Task[];
  /** Task definitions by name (`web:3`): for health checks and, for binpack scale-in, demand. */
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  /** Container instances by name: for choosing which tasks a scale-in stops (a lookup, not a copy). */
  instances: Pick<ReadonlyMap<string, ContainerInstance>, 'get'>;
  now: number;
  settings: ServiceControllerSettings;
  /** The cluster's limit on a service's tasks (Cluster spec.maxTasksPerService); default DEFAULT_MAX_TASKS_PER_SERVICE. */
  maxTasksPerService?: number;
  /** Until when (ms since epoch) new tasks may not be started: the launch backoff (launch-backoff.ts). */
  launchThrottledUntil?: number;
  /** What the controller observed for BLUE_GREEN / LINEAR / CANARY and `berth rollout` actions (strategy/). */
  strategy?: StrategyObservations;
  /** The target groups the service registers in (load-balancer-health.ts): their health narrows each task's. */
  targetGroups?: readonly TargetGroup[];
}

export interface TaskStop {
  name: string;
  reason: string;
  /** Stopped for failing health checks (an event says so, and the breaker counts it). */
  unhealthy: boolean;
}

export interface ServicePlan {
  deleting: boolean;
  desiredCount: number;
  /** What spec.taskDefinition resolved to (undefined when it did not). */
  taskDefinition?: string;
  /** Why spec.taskDefinition could not be resolved. */
  problem?: string;
  deployments: Deployment[];
  notes: DeploymentNote[];
  start?: { count: number; deployment: string; taskDefinition: string };
  stop: TaskStop[];
  runningCount: number;
  pendingCount: number;
  /** The pendingReason of tasks the scheduler could not place, distinct. */
  unplaced: string[];
  /** The pendingReason of placed tasks that cannot start yet (their agent waits for a secret), distinct. */
  waiting?: string[];
  /** spec.desiredCount is above the cluster's limit: the limit, which is what runs. */
  overLimit?: number;
  /** Tasks were wanted but the launch backoff holds them back. */
  throttled: boolean;
  /** What the launch backoff needs: the service's tasks that failed on their own, and whether one started since the newest of them is healthy. */
  launch: { failed: string[]; recovered: boolean };
  /** Live PRIMARY tasks on DRAINING instances, which replacements elsewhere are started for: their instances. */
  draining: string[];
  /** One deployment, all desired tasks healthy, nothing to do. */
  steady: boolean;
  /** Deleting and no task is live any more: the finalizer may go. */
  finalize: boolean;
  /** Time alone will change the plan (a task settles, a grace period ends): look again then. */
  requeueAfterMs?: number;
  step?: RollingStep;
  /** Deployment stages entered (strategy/stages.ts), for events. */
  stages?: string[];
}

interface TaskInPlan {
  task: Task;
  deployment: string | undefined;
  health: TaskHealth;
}

export function planService(input: PlanInput): ServicePlan {
  const { service, resolution, now, settings } = input;
  const nowIso = new Date(now).toISOString();
  const deleting = service.metadata.deletionTimestamp !== undefined;
  // A desiredCount above the cluster's limit (stored before the limit was set or lowered) runs the
  // limit: the plan never asks for more tasks than the cluster allows one service.
  const limit = input.maxTasksPerService ?? DEFAULT_MAX_TASKS_PER_SERVICE;
  const overLimit = !deleting && service.spec.desiredCount > limit;
  const desired = deleting ? 0 : Math.min(service.spec.desiredCount, limit);
  const config = service.spec.deploymentConfiguration;
  const notes: DeploymentNote[] = [];
  const previous = service.status?.deployments ?? [];

  // 1. A change of the resolved revision (or forceNewDeployment) starts a new PRIMARY deployment
  // (service-deployment-start.ts says when). ECS's UpdateService may have started it already, in the
  // same write as the spec: then the PRIMARY is in place, with the id this would give it, and is adopted.
  let deployments: Deployment[] = previous.map((d) => ({ ...d }));
  const resolved = resolution.ok ? resolution.ref : undefined;
  if (needsNewDeployment(service, resolved)) {
    deployments = beginDeployment(deployments, service.metadata.uid ?? service.metadata.name, resolved, desired, nowIso);
    const created = primaryOf(deployments);
    if (created) notes.push({ type: 'created', id: created.id, taskDefinition: created.taskDefinition });
  }

  // 2. Observe every task: which deployment it belongs to, and how healthy it is.
  const known = new Set(deployments.map((d) => d.id));
  const views: TaskInPlan[] = input.tasks.map((task) => {
    const label = task.metadata.labels?.[TASK_LABELS.deployment];
    return {
      task,
      deployment: label !== undefined && known.has(label) ? label : undefined,
      health: withTargetHealth(
        serviceTaskHealth(task, input.taskDefinitions.get(task.spec.taskDefinition), {
          now,
          settleMs: settings.settleMs,
          gracePeriodMs: service.spec.healthCheckGracePeriodSeconds * 1000,
        }),
        task,
        tasksGroups(service, task, input.targetGroups ?? []),
        now,
        service.spec.healthCheckGracePeriodSeconds * 1000,
      ),
    };
  });

  // 3. The circuit breaker, while the PRIMARY rolls out. A deployment's failures count from its
  // own start (a rollback starts again with none).
  deployments = deployments.map((d) => {
    const failed = views.filter((v) => v.deployment === d.id && failedSince(v.task, d.createdAt)).length;
    return failed > d.failedTasks ? { ...d, failedTasks: failed } : d;
  });
  const breaker = config.deploymentCircuitBreaker;
  const threshold = breakerThreshold(breaker.thresholdConfiguration, desired, settings.failureThreshold);
  const breakerTasks = views.map((v) => ({ task: v.task, deployment: v.deployment, healthy: v.health.state === 'healthy' }));
  deployments = deployments.map((d) =>
    d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS' && breaker.enable
      ? { ...d, circuitBreaker: breakerState(d, breakerTasks, breaker.resetOnHealthyTask, threshold) }
      : d,
  );
  const rolling = primaryOf(deployments);
  // A rollback returns to a revision that completed before; failing it would stop the service
  // launching anything with nowhere left to go, and leave it below its count for good (an engine
  // restart mid-rollback is enough). Its failures are counted and its launches throttled instead.
  if (
    !deleting &&
    rolling?.rolloutState === 'IN_PROGRESS' &&
    rolling.rollbackFrom === undefined &&
    breaker.enable &&
    (rolling.circuitBreaker?.failures ?? rolling.failedTasks) >= threshold
  ) {
    const reason = `ECS deployment circuit breaker: tasks failed to start or stay healthy (${rolling.failedTasks} failed).`;
    const failed: Deployment = { ...rolling, rolloutState: 'FAILED', rolloutStateReason: reason };
    deployments = deployments.map((d) => (d.id === rolling.id ? failed : d));
    notes.push({ type: 'failed', id: rolling.id, reason });
    const target = breaker.rollback ? rollbackTarget(deployments) : undefined;
    if (target) {
      deployments = rollBackTo(deployments, target, failed, nowIso);
      notes.push({ type: 'rolledBack', from: rolling.id, to: target.id, taskDefinition: target.taskDefinition });
    }
  }

  // 3b. BLUE_GREEN / LINEAR / CANARY: the deployment's stages gate the rolling step (strategy/).
  const liveByDeployment = (id: string) => {
    const mine = views.filter((v) => v.deployment === id && isLive(v.task));
    return { live: mine.length, healthy: mine.filter((v) => v.health.state === 'healthy').length };
  };
  const staged = strategyStep({ service, deployments, desired, counts: liveByDeployment, observed: input.strategy ?? {}, now, deleting });
  deployments = staged.deployments;
  notes.push(...staged.notes);

  // 4. The rolling step.
  const primary = primaryOf(deployments);
  const frozen = !deleting && (primary === undefined || primary.rolloutState === 'FAILED');
  const mayStart = !deleting && !frozen && resolution.ok && staged.mayScaleGreen;
  const mayRemoveOld = !frozen && staged.mayRemoveBlue;
  const live = views.filter((v) => isLive(v.task));
  const primaryLive = live.filter((v) => primary !== undefined && v.deployment === primary.id);
  const oldLive = live.filter((v) => primary === undefined || v.deployment !== primary.id);
  const stopReason = `Scaling activity initiated by (deployment ${primary?.id ?? 'none'})`;

  // PRIMARY tasks whose health checks failed after the grace period are replaced.
  const failing = mayStart ? primaryLive.filter((v) => v.health.state === 'unhealthy') : [];
  // Tasks on a DRAINING instance still run and occupy (they count toward maximumPercent), but they
  // are on their way out: the instance controller stops them once enough others are healthy. So
  // they are not "kept" — replacements start for them — and this controller never stops them itself
  // (two writers stopping tasks could together go below minimumHealthyPercent).
  const drainingTasks = new Set(
    primaryLive.filter((v) => {
      const instance = v.task.spec.containerInstance;
      return instance !== undefined && input.instances.get(instance)?.spec.status === 'DRAINING';
    }),
  );
  const failingSet = new Set(failing);
  const primaryKept = primaryLive.filter((v) => !failingSet.has(v) && !drainingTasks.has(v));
  const step = rollingStep({
    desired,
    minimumHealthyPercent: config.minimumHealthyPercent,
    // Blue/green starts green at its full count beside blue, whatever maximumPercent says.
    maximumPercent: staged.fullGreen ? Math.max(config.maximumPercent, 200) : config.maximumPercent,
    occupying: views.filter((v) => !isStopped(v.task)).length,
    primaryLive: primaryKept.length,
    primaryHealthy: primaryKept.filter((v) => v.health.state === 'healthy').length,
    oldLive: frozen ? 0 : oldLive.length,
    oldHealthy: frozen ? 0 : oldLive.filter((v) => v.health.state === 'healthy').length,
    mayStart,
    mayReplace: mayRemoveOld,
  });
  // Tasks that keep failing are relaunched no faster than the launch backoff allows (ECS throttles
  // such a service too), and a pass creates at most maxStartsPerPass: the next pass, woken by
  // these creates, makes the next batch, so a huge count never becomes one huge list.
  const throttled = step.start > 0 && input.launchThrottledUntil !== undefined && now < input.launchThrottledUntil;
  const starts = throttled ? 0 : Math.min(step.start, settings.maxStartsPerPass);

  const stop: TaskStop[] = failing.map((v) => ({ name: v.task.metadata.name, reason: HEALTH_CHECK_STOP_REASON, unhealthy: true }));
  // Protected tasks (task scale-in protection) are never chosen: the step stops fewer, and looks again when protection lapses.
  const chooser = (candidates: readonly TaskInPlan[], count: number) => chooseStops(unprotected(candidates, now), count, input, service);
  for (const name of chooser(primaryKept, step.stopPrimarySurplus)) stop.push({ name, reason: stopReason, unhealthy: false });
  if (mayRemoveOld) {
    const notHealthy = unprotected(oldLive, now).filter((v) => v.health.state !== 'healthy');
    const healthy = oldLive.filter((v) => v.health.state === 'healthy');
    for (const v of notHealthy) stop.push({ name: v.task.metadata.name, reason: stopReason, unhealthy: false });
    for (const name of chooser(healthy, step.stopOldHealthy)) stop.push({ name, reason: stopReason, unhealthy: false });
  }

  // 5. Counts per deployment, completion, and drained deployments dropped.
  const occupied = new Set(views.filter((v) => !isStopped(v.task) && v.deployment !== undefined).map((v) => v.deployment ?? ''));
  deployments = deployments.map((d) => {
    const mine = live.filter((v) => v.deployment === d.id);
    const runningCount = mine.filter((v) => v.task.status?.lastStatus === 'RUNNING').length;
    return { ...d, desiredCount: d.status === 'PRIMARY' ? desired : 0, runningCount, pendingCount: mine.length - runningCount };
  });
  const othersOccupying = views.some((v) => !isStopped(v.task) && (primary === undefined || v.deployment !== primary.id));
  const primaryHealthy = primaryLive.filter((v) => v.health.state === 'healthy').length;
  const settled =
    primary !== undefined &&
    primaryLive.length === desired &&
    primaryHealthy === desired &&
    !othersOccupying &&
    drainingTasks.size === 0 &&
    step.start === 0 &&
    stop.length === 0;
  if (settled && primary.rolloutState === 'IN_PROGRESS' && !deleting) {
    deployments = deployments.map((d) =>
      d.id === primary.id ? { ...d, rolloutState: 'COMPLETED' as const, rolloutStateReason: `ECS deployment ${d.id} completed.` } : d,
    );
    notes.push({ type: 'completed', id: primary.id });
  }
  deployments = pruneDrained(deployments, occupied).map((d) => {
    const before = previous.find((p) => p.id === d.id);
    return before && !isDeepStrictEqual({ ...before, updatedAt: undefined }, { ...d, updatedAt: undefined }) ? { ...d, updatedAt: nowIso } : d;
  });

  const rechecks = live.flatMap((v) => (v.health.state === 'starting' && v.health.recheckAt !== undefined ? [v.health.recheckAt - now] : []));
  if (throttled && input.launchThrottledUntil !== undefined) rechecks.push(input.launchThrottledUntil - now);
  if (starts < step.start && !throttled) rechecks.push(0);
  if (staged.wakeAt !== undefined) rechecks.push(staged.wakeAt - now);
  const protectionEnds = nextProtectionExpiry(
    live.map((v) => v.task),
    now,
  );
  if (protectionEnds !== undefined) rechecks.push(protectionEnds - now);
  const failedTasks = views.filter((v) => isFailedTask(v.task));
  const newestFailure = Math.max(...failedTasks.map((v) => stoppedSince(v.task)).filter((t) => !Number.isNaN(t)));
  const recovered = primaryLive.some((v) => v.health.state === 'healthy' && startedAt(v.task) > newestFailure);
  return {
    deleting,
    desiredCount: desired,
    taskDefinition: resolved,
    problem: resolution.ok ? undefined : resolution.problem,
    deployments,
    notes,
    start: starts > 0 && primary ? { count: starts, deployment: primary.id, taskDefinition: primary.taskDefinition } : undefined,
    stop,
    runningCount: live.filter((v) => v.task.status?.lastStatus === 'RUNNING').length,
    pendingCount: live.filter((v) => v.task.status?.lastStatus !== 'RUNNING').length,
    unplaced: [
      ...new Set(live.flatMap((v) => (v.task.spec.containerInstance === undefined && v.task.status?.pendingReason ? [v.task.status.pendingReason] : []))),
    ],
    waiting: [
      ...new Set(live.flatMap((v) => (v.task.spec.containerInstance !== undefined && v.task.status?.pendingReason ? [v.task.status.pendingReason] : []))),
    ],
    ...(overLimit ? { overLimit: limit } : {}),
    throttled,
    launch: { failed: failedTasks.map((v) => v.task.metadata.name), recovered },
    draining: [...new Set([...drainingTasks].map((v) => v.task.spec.containerInstance ?? ''))].sort(),
    steady: !deleting && settled && resolution.ok,
    finalize: deleting && live.length === 0,
    requeueAfterMs: rechecks.length > 0 ? Math.max(0, Math.min(...rechecks)) : undefined,
    step,
    ...(staged.stages.length > 0 ? { stages: staged.stages } : {}),
  };
}

/** When the task started RUNNING (ms), or -Infinity. */
function startedAt(task: Task): number {
  const t = Date.parse(task.status?.startedAt ?? '');
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * Which `count` of `candidates` to stop: tasks not yet placed first, then those not yet RUNNING,
 * then not yet healthy (newest first within each), and among the healthy ones what the service's
 * placement strategy says (spread keeps its balance, binpack empties the least-used instances).
 */
function chooseStops(candidates: readonly TaskInPlan[], count: number, input: PlanInput, service: Service): string[] {
  if (count <= 0) return [];
  const newestFirst = (a: TaskInPlan, b: TaskInPlan) =>
    (b.task.status?.createdAt ?? '').localeCompare(a.task.status?.createdAt ?? '') || a.task.metadata.name.localeCompare(b.task.metadata.name);
  const rank = (v: TaskInPlan) => (v.task.spec.containerInstance === undefined ? 0 : v.health.state === 'healthy' ? 2 : 1);
  const early = candidates.filter((v) => rank(v) < 2).sort((a, b) => rank(a) - rank(b) || newestFirst(a, b));
  const chosen = early.slice(0, count).map((v) => v.task.metadata.name);
  const rest = count - chosen.length;
  if (rest <= 0) return chosen;
  const healthy: StoppableTask[] = candidates.filter((v) => rank(v) === 2).map((v) => stoppable(v.task, input));
  return [...chosen, ...chooseTasksToStop(healthy, rest, service.spec.placementStrategy)];
}

function stoppable(task: Task, input: PlanInput): StoppableTask {
  const instanceName = task.spec.containerInstance ?? '';
  const instance = input.instances.get(instanceName);
  const definition = input.taskDefinitions.get(task.spec.taskDefinition);
  const demand = definition ? taskDemand(definition.spec, task.spec.overrides) : undefined;
  return {
    name: task.metadata.name,
    instance: {
      name: instanceName,
      attributes: instance?.spec.attributes,
      remainingCpu: instance?.status?.remainingResources?.cpu,
      remainingMemory: instance?.status?.remainingResources?.memory,
    },
    cpu: demand?.cpu,
    memory: demand?.memory,
    createdAt: task.status?.createdAt ?? task.metadata.creationTimestamp,
  };
}
