/**
 * Which service status changes may wait. While a service's tasks start or stop one after another,
 * every one of them changes runningCount/pendingCount, and writing each change is one full status
 * write of the service (read, validate, store, watch event, and a reconcile woken by it): 50 for a
 * 50-task start. A change of counts alone is written at most once per countUpdateIntervalMs
 * (settings.ts, 500 ms; the last one always lands, at most that late). Anything else — an event
 * message, a deployment starting, completing or failing, a new desiredCount, generation or
 * revision — is written at once.
 */
import { jsonEqual } from '../../api/json-equal.js';
import type { Deployment, ServiceStatus } from '../../api/v1/service.js';

/** True when `next` differs from `current` in task counts only (and the deployments' updatedAt that follows them). */
export function onlyCountsChanged(current: ServiceStatus | undefined, next: ServiceStatus): boolean {
  if (!current) return false;
  return jsonEqual(withoutCounts(current), withoutCounts(next));
}

function withoutCounts(status: ServiceStatus): unknown {
  const { runningCount: _r, pendingCount: _p, deployments, ...rest } = status;
  return { ...rest, deployments: deployments.map(deploymentWithoutCounts) };
}

function deploymentWithoutCounts(d: Deployment): unknown {
  const { runningCount: _r, pendingCount: _p, updatedAt: _u, ...rest } = d;
  return rest;
}
