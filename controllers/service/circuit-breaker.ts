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
