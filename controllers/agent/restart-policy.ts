/**
 * A container's restartPolicy, with ECS's semantics (ContainerRestartPolicy in the ECS API
 * reference, and "Restart individual containers in Amazon ECS tasks with container restart
 * policies" in its developer guide):
 * - the agent starts the exited container again in place — the same container, in the same task;
 *   the task is not replaced — for essential and non-essential containers alike;
 * - not when its exit code is one of `ignoredExitCodes` (none by default; e.g. 0 for "done");
 * - only when it ran for at least `restartAttemptPeriod` seconds (60-1800, default 300) since it
 *   was last started: "a container can be restarted only once every restartAttemptPeriod seconds.
 *   If a container isn't able to run for this time period and exits early, it will not be
 *   restarted." As the ECS agent's RestartTracker does, this is measured from the last start (Docker's
 *   StartedAt, which an in-place restart moves) to the agent's now, which the exit event brings
 *   the agent to at once. A container that is not restarted has ended: an essential one ends the task.
 * - a task that is stopping restarts nothing (the plan only asks here for a task meant to run).
 */
import type { ContainerDefinition } from '../../api/v1/container-definition.js';
import { hasExited, type ObservedContainer } from './observed.js';

/** ECS's default restartAttemptPeriod. */
export const DEFAULT_RESTART_ATTEMPT_PERIOD_S = 300;

export function shouldRestart(
  policy: ContainerDefinition['restartPolicy'],
  c: Pick<ObservedContainer, 'state' | 'startedAt' | 'exitCode'>,
  now: number,
): boolean {
  if (!policy?.enabled || !hasExited(c) || c.startedAt === undefined) return false;
  if (policy.ignoredExitCodes?.includes(c.exitCode)) return false;
  const periodMs = (policy.restartAttemptPeriod ?? DEFAULT_RESTART_ATTEMPT_PERIOD_S) * 1000;
  return now - c.startedAt >= periodMs;
}
