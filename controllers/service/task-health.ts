/**
 * Whether a service's task counts as healthy, the gate every rolling step waits on.
 *
 * - Not RUNNING yet (or stopping/stopped): `pending` — it serves nothing.
 * - With container health checks (on any essential container): healthy when every such container
 *   reports HEALTHY; UNHEALTHY inside healthCheckGracePeriodSeconds of start is still `starting`
 *   (slow starters are not punished); after it, `unhealthy`.
 * - Without health checks: healthy once it has been RUNNING for the settle time (ECS: 40 s).
 */
import type { ObjectOf } from '../kit/types.js';

type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;

export type TaskHealth =
  | { state: 'pending' }
  | { state: 'starting'; /** When to look again (ms since epoch), if time alone will change it. */ recheckAt?: number }
  | { state: 'healthy' }
  | { state: 'unhealthy' };

export interface HealthInput {
  now: number;
  settleMs: number;
  gracePeriodMs: number;
}

export function serviceTaskHealth(task: Task, definition: TaskDefinition | undefined, input: HealthInput): TaskHealth {
  const status = task.status;
  if (status?.lastStatus !== 'RUNNING' || task.spec.desiredStatus !== 'RUNNING') return { state: 'pending' };
  const startedAt = parseTime(status.startedAt) ?? parseTime(status.createdAt) ?? input.now;
  const checked = (definition?.spec.containerDefinitions ?? []).filter((c) => c.essential && c.healthCheck !== undefined);

  if (checked.length === 0) {
    const settledAt = startedAt + input.settleMs;
    return input.now >= settledAt ? { state: 'healthy' } : { state: 'starting', recheckAt: settledAt };
  }

  const states = checked.map((c) => status.containers.find((s) => s.name === c.name)?.healthStatus ?? status.healthStatus);
  if (states.every((s) => s === 'HEALTHY')) return { state: 'healthy' };
  if (states.some((s) => s === 'UNHEALTHY')) {
    const graceEnds = startedAt + input.gracePeriodMs;
    return input.now >= graceEnds ? { state: 'unhealthy' } : { state: 'starting', recheckAt: graceEnds };
  }
  return { state: 'starting' };
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
