/**
 * The deployment circuit breaker: a deployment that keeps losing tasks fails instead of crash-looping
 * forever, and (with rollback) the service returns to the last deployment that completed.
 *
 * A task counts as failed when it ended on its own (failed to start, an essential container exited:
 * STOPPED while still desired RUNNING, or with the agent's stop code saying so once the task
 * controller has set desiredStatus STOPPED, as ECS shows it) or was stopped by this controller for
 * failing its health checks. Tasks stopped by anyone for another reason (scaling, a lost instance, a
 * user) do not count.
 */
import type { Deployment } from '../../api/v1/service.js';
import type { ServiceControllerSettings } from './settings.js';
import type { ObjectOf } from '../kit/types.js';
import { stoppedSince } from '../task/retention.js';

type Task = ObjectOf<'Task'>;

/** The stopReason this controller gives tasks it stops for failing health checks. */
export const HEALTH_CHECK_STOP_REASON = 'Task failed container health checks';

/** ECS: clamp(0.5 × desiredCount, 3, 200), rounded up. */
export function failureThreshold(desired: number, t: ServiceControllerSettings['failureThreshold']): number {
  return Math.min(t.max, Math.max(t.min, Math.ceil(t.ratio * desired)));
}

/** The agent's stop codes of a task that ended on its own. */
const ENDED_ON_ITS_OWN: readonly (string | undefined)[] = ['TaskFailedToStart', 'EssentialContainerExited'];

export function isFailedTask(task: Task): boolean {
  const status = task.status;
  if (status?.lastStatus !== 'STOPPED') return false;
  if (task.spec.desiredStatus === 'RUNNING' || ENDED_ON_ITS_OWN.includes(status.stopCode)) {
    if (status.connectivity !== 'DISCONNECTED') return true;
    if (task.spec.desiredStatus === 'RUNNING') return false;
  }
  return task.spec.stopReason === HEALTH_CHECK_STOP_REASON;
}

/**
 * A failed task that counts against a deployment (re)started at `startedAt` (an ISO time; absent:
 * every failure counts): one that stopped before the deployment started belongs to an earlier rollout.
 */
export function failedSince(task: Task, startedAt: string | undefined): boolean {
  if (!isFailedTask(task)) return false;
  const start = startedAt === undefined ? Number.NaN : Date.parse(startedAt);
  return Number.isNaN(start) || !(stoppedSince(task) < start);
}

export interface BreakerInput {
  enabled: boolean;
  failedTasks: number;
  desired: number;
  threshold: ServiceControllerSettings['failureThreshold'];
}

/** Whether an IN_PROGRESS deployment with this many failed tasks must fail now. */
export function breakerTripped(input: BreakerInput): boolean {
  return input.enabled && input.failedTasks >= failureThreshold(input.desired, input.threshold);
}

/**
 * The breaker's threshold as ECS defines thresholdConfiguration: COUNT is the value itself;
 * BOUNDED_PERCENT is value% of the desired count clamped to 3-200 (ECS's default, 50%);
 * UNBOUNDED_PERCENT is value% of the desired count unclamped (at least 1: a threshold of 0 would fail
 * a deployment that lost nothing). Without a configuration, the controller's settings (ECS's default).
 */
export function breakerThreshold(
  config: { type: 'COUNT' | 'BOUNDED_PERCENT' | 'UNBOUNDED_PERCENT'; value: number } | undefined,
  desired: number,
  settings: ServiceControllerSettings['failureThreshold'],
): number {
  if (config === undefined) return failureThreshold(desired, settings);
  const percent = Math.ceil((config.value * desired) / 100);
  switch (config.type) {
    case 'COUNT':
      return config.value;
    case 'BOUNDED_PERCENT':
      return Math.min(200, Math.max(3, percent));
    case 'UNBOUNDED_PERCENT':
      return Math.max(1, percent);
  }
}

export interface BreakerTask {
  task: Task;
  deployment: string | undefined;
  healthy: boolean;
}

/**
 * A deployment's breaker count (deployments[].circuitBreaker). With resetOnHealthyTask (ECS's
 * default) a task of the deployment that is healthy resets the count: failures count from the
 * newest such task's start. The count never goes down otherwise — stopped tasks are deleted in
 * time, and the failures they were must still count.
 */
export function breakerState(
  d: Deployment,
  tasks: readonly BreakerTask[],
  resetOnHealthyTask: boolean,
  threshold: number,
): NonNullable<Deployment['circuitBreaker']> {
  let resetAt = d.circuitBreaker?.resetAt;
  if (resetOnHealthyTask) {
    const starts = tasks.flatMap((t) => (t.deployment === d.id && t.healthy && t.task.status?.startedAt ? [t.task.status.startedAt] : []));
    const newest = starts.sort().at(-1);
    if (newest !== undefined && (resetAt === undefined || Date.parse(newest) > Date.parse(resetAt))) resetAt = newest;
  }
  const since = resetAt !== undefined && (d.createdAt === undefined || Date.parse(resetAt) > Date.parse(d.createdAt)) ? resetAt : d.createdAt;
  const counted = tasks.filter((t) => t.deployment === d.id && failedSince(t.task, since)).length;
  const failures = resetAt !== d.circuitBreaker?.resetAt ? counted : Math.max(counted, d.circuitBreaker?.failures ?? 0);
  return { ...(resetAt !== undefined ? { resetAt } : {}), failures, threshold };
}
