/**
 * Task scale-in protection in the service's choices (ECS UpdateTaskProtection): a protected task is
 * never chosen to stop for a scale-in or to be replaced by a deployment until its protection expires
 * (a deployment waits for it). Tasks failing their health checks are still replaced: protection
 * keeps work from being interrupted, not a broken task running.
 */
import { protectedUntil } from '../../api/v1/task-protection.js';
import type { ObjectOf } from '../kit/types.js';

type Task = ObjectOf<'Task'>;

export function isProtected(task: Task, now: number): boolean {
  return protectedUntil(task.spec.protection, now) !== undefined;
}

/** The tasks that may be chosen to stop now. */
export function unprotected<T extends { task: Task }>(candidates: readonly T[], now: number): T[] {
  return candidates.filter((v) => !isProtected(v.task, now));
}

/** When the first protection among `tasks` lapses (ms), so the plan looks again then. */
export function nextProtectionExpiry(tasks: readonly Task[], now: number): number | undefined {
  const ends = tasks.map((t) => protectedUntil(t.spec.protection, now)).filter((t): t is number => t !== undefined && Number.isFinite(t));
  return ends.length > 0 ? Math.min(...ends) : undefined;
}
