/**
 * Tasks of an instance whose agent is gone: nobody can stop them or report on them any more, so
 * the instance controller ends them on paper (desiredStatus STOPPED, lastStatus STOPPED,
 * connectivity DISCONNECTED). The service controller then replaces them elsewhere, and an agent
 * that comes back removes the containers of tasks that are STOPPED.
 */
import type { ObjectOf } from '../kit/types.js';

type Task = ObjectOf<'Task'>;

const MAX_REASON = 1024;

/** The stoppedReason of a lost task, ECS-style. */
export function lostReason(instanceName: string, lastSeen: string | undefined): string {
  const since = lastSeen === undefined ? 'it registered' : lastSeen;
  return `Container instance ${instanceName} lost contact with the agent (no heartbeat since ${since})`.slice(0, MAX_REASON);
}

/** The stoppedReason of a task whose instance was deleted (deregistered) under it. */
export function deregisteredReason(instanceName: string): string {
  return `Container instance ${instanceName} was deregistered`.slice(0, MAX_REASON);
}

/** Pure: the task still needs marking as lost (either half of it is not yet written). */
export function needsLostMarking(task: Task): boolean {
  return task.spec.desiredStatus !== 'STOPPED' || task.status?.lastStatus !== 'STOPPED';
}

/**
 * The spec half, applied to a fresh copy inside `mutate`. Returns whether anything changed, so a
 * task someone else already stopped keeps its own stopReason.
 */
export function markLostSpec(task: Task, reason: string): boolean {
  if (task.spec.desiredStatus === 'STOPPED') return false;
  task.spec.desiredStatus = 'STOPPED';
  task.spec.stopReason ??= reason;
  return true;
}

/** The status half: STOPPED and DISCONNECTED at `now`; a task the agent already ended is left as reported. */
export function markLostStatus(task: Task, reason: string, now: number): boolean {
  if (task.status?.lastStatus === 'STOPPED') return false;
  const at = new Date(now).toISOString();
  task.status = {
    healthStatus: 'UNKNOWN',
    ...task.status,
    // The containers may still run on the unreachable machine, but as far as anyone can know or
    // act on, they are over: the returning agent removes them.
    containers: (task.status?.containers ?? []).map((c) => (c.lastStatus === 'STOPPED' ? c : { ...c, lastStatus: 'STOPPED', reason: c.reason ?? reason })),
    lastStatus: 'STOPPED',
    stoppedReason: reason,
    stoppedAt: at,
    connectivity: 'DISCONNECTED',
    connectivityAt: at,
  };
  return true;
}
