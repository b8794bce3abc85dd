/**
 * A service's deployments, ECS's way: the PRIMARY one is what the service should run; ACTIVE ones
 * still have tasks to drain. A change of the resolved revision starts a new PRIMARY. A drained
 * deployment is dropped, except that the newest one that COMPLETED is kept (as INACTIVE) while the
 * PRIMARY is still rolling out: it is what the circuit breaker rolls back to.
 *
 * Ids are derived, and starting a deployment is shared with ECS's API: api/v1/service-deployment-start.ts.
 */
import type { Deployment } from '../../api/v1/service.js';
import { beginDeployment, deploymentId, primaryOf } from '../../api/v1/service-deployment-start.js';

export { beginDeployment, deploymentId, primaryOf };

export type { Deployment };

export type DeploymentNote =
  | { type: 'created'; id: string; taskDefinition: string }
  | { type: 'completed'; id: string }
  | { type: 'failed'; id: string; reason: string }
  | { type: 'rolledBack'; from: string; to: string; taskDefinition: string };

/** The deployment a failed PRIMARY rolls back to: the newest other one that COMPLETED with another revision. */
export function rollbackTarget(deployments: readonly Deployment[]): Deployment | undefined {
  const primary = primaryOf(deployments);
  return deployments.find((d) => d.status !== 'PRIMARY' && d.rolloutState === 'COMPLETED' && d.taskDefinition !== primary?.taskDefinition);
}

/**
 * Makes `target` the PRIMARY again (its tasks still carry its id, so healthy ones are kept rather
 * than replaced by identical twins); the failed PRIMARY becomes ACTIVE and drains. The rollback is
 * a new rollout of that deployment: it starts now with no failures, so tasks it lost before (a
 * crash, a killed container while it was COMPLETED) are not held against it — counted against the
 * old start, they would fail the rollback the moment it began and leave nothing to run.
 */
export function rollBackTo(deployments: readonly Deployment[], target: Deployment, failed: Deployment, now: string): Deployment[] {
  // The stage machine and breaker count of the target's own rollout are over: the rollback starts without them.
  const { rollout: _rollout, circuitBreaker: _breaker, ...settled } = target;
  const promoted: Deployment = {
    ...settled,
    status: 'PRIMARY',
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `rolling back to deployment ${target.id} after deployment ${failed.id} failed`,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    rollbackFrom: failed.id,
  };
  const rest = deployments.filter((d) => d.id !== target.id).map((d) => (d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE' as const } : d));
  return [promoted, ...rest];
}

/** Drops drained deployments, keeping the newest COMPLETED one (INACTIVE) while the PRIMARY rolls out. */
export function pruneDrained(deployments: readonly Deployment[], occupied: ReadonlySet<string>): Deployment[] {
  const primary = primaryOf(deployments);
  const keepForRollback =
    primary?.rolloutState === 'COMPLETED'
      ? undefined
      : deployments.find((d) => d.status !== 'PRIMARY' && d.rolloutState === 'COMPLETED' && d.taskDefinition !== primary?.taskDefinition);
  return deployments.flatMap((d) => {
    if (d.status === 'PRIMARY' || occupied.has(d.id)) return [d.status === 'INACTIVE' ? { ...d, status: 'ACTIVE' as const } : d];
    if (d === keepForRollback) return [{ ...d, status: 'INACTIVE' as const, desiredCount: 0, runningCount: 0, pendingCount: 0 }];
    return [];
  });
}
