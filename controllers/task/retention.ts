/**
 * How long a STOPPED task is kept: long enough for people and controllers to see why it stopped
 * (`describe`, service events, the circuit breaker's failure count), then deleted, as ECS forgets
 * stopped tasks after about an hour.
 */
import { isStopped } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';

type Task = ObjectOf<'Task'>;

export type RetentionPlan =
  | { action: 'keep' } // not stopped: nothing to do until it is
  | { action: 'wait'; ms: number } // stopped, retention not over yet
  | { action: 'delete' };

/**
 * When the task stopped. An agent always writes stoppedAt; should it be missing, the latest time the
 * task is known to have been alive stands in, so a task is never deleted early for lack of a field.
 */
export function stoppedSince(task: Task): number {
  const s = task.status;
  if (s?.stoppedAt !== undefined) return Date.parse(s.stoppedAt);
  const times = [s?.stoppingAt, s?.startedAt, s?.connectivityAt, s?.createdAt, task.metadata.creationTimestamp]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.max(...times) : Number.NaN;
}

/** Pure: what to do with `task` at `now` when STOPPED tasks are kept `retentionMs`. */
export function retentionPlan(task: Task, now: number, retentionMs: number): RetentionPlan {
  if (!isStopped(task)) return { action: 'keep' };
  const since = stoppedSince(task);
  // A stopped task with no time at all on it cannot be aged: keep it, an operator can delete it.
  if (Number.isNaN(since)) return { action: 'keep' };
  const left = since + retentionMs - now;
  return left > 0 ? { action: 'wait', ms: left } : { action: 'delete' };
}

/**
 * Pure: which of a service's STOPPED tasks to delete now, beyond the newest `max` (oldest first
 * out). A service whose tasks keep failing stops one every few seconds even under the launch
 * backoff; kept for the whole retention they would pile up by the thousand, and every reconcile of
 * the service reads them all. The newest ones are what `describe` and the circuit breaker need.
 */
export function excessStopped(tasks: readonly Task[], max: number): string[] {
  const stopped = tasks.filter(isStopped);
  if (stopped.length <= max) return [];
  const newestFirst = stopped
    .map((task) => ({ name: task.metadata.name, at: stoppedSince(task) }))
    .sort((a, b) => (Number.isNaN(b.at) ? -Infinity : b.at) - (Number.isNaN(a.at) ? -Infinity : a.at) || a.name.localeCompare(b.name));
  return newestFirst.slice(max).map((t) => t.name);
}
