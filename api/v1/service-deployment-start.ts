/**
 * Starting a service deployment, in one place for the two writers that do it: the service
 * controller (controllers/service/plan.ts), and ECS's CreateService/UpdateService, which start it in
 * the same write as the spec change so that their answer, and a DescribeServices right after, hold
 * the new PRIMARY deployment as ECS's do (api/server/ecs/ops/service-start.ts).
 *
 * Deployment ids are derived, not random (`ecs-svc/` + 19 digits of a hash of the service's uid,
 * the previous PRIMARY and the revision): whichever writer starts a deployment, the other computes
 * the same id and finds it in place, so it adopts it instead of starting a second one; and if writing
 * status fails after tasks were created, the retry's id still matches the tasks' labels.
 */
import { createHash } from 'node:crypto';
import { forceRequestedSince } from './force-new-deployment.js';
import { MAX_DEPLOYMENT_HISTORY, MAX_SERVICE_EVENTS, type Deployment, type DeploymentRecord, type Service, type ServiceStatus } from './service.js';

export function deploymentId(serviceUid: string, previousId: string | undefined, revision: string): string {
  const digest = createHash('sha256')
    .update(`${serviceUid}\n${previousId ?? ''}\n${revision}`)
    .digest();
  return `ecs-svc/${(digest.readBigUInt64BE(0) % 10n ** 19n).toString().padStart(19, '0')}`;
}

export function primaryOf(deployments: readonly Deployment[]): Deployment | undefined {
  return deployments.find((d) => d.status === 'PRIMARY');
}

/** A new PRIMARY for `revision` in front; the old PRIMARY becomes ACTIVE. */
export function beginDeployment(deployments: readonly Deployment[], serviceUid: string, revision: string, desired: number, now: string): Deployment[] {
  const previous = primaryOf(deployments);
  const created: Deployment = {
    id: deploymentId(serviceUid, previous?.id, revision),
    status: 'PRIMARY',
    taskDefinition: revision,
    desiredCount: desired,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment in progress.',
    createdAt: now,
    updatedAt: now,
  };
  const rest = deployments.filter((d) => d.id !== created.id).map((d) => (d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE' as const } : d));
  return [created, ...rest];
}

/**
 * Whether `service`, its spec.taskDefinition resolved to `resolved`, needs a new PRIMARY: it has none;
 * or the resolution changed and the PRIMARY does not already run it (the spec was pointed at the
 * revision the circuit breaker rolled back to, e.g. by `berth rollout undo`: twins would only churn);
 * or ECS's forceNewDeployment asked for one after the PRIMARY began (force-new-deployment.ts).
 * (status.taskDefinition is what runs; a status written before resolvedTaskDefinition existed kept
 * the resolution there.)
 */
export function needsNewDeployment(service: Pick<Service, 'metadata' | 'status'>, resolved: string | undefined): resolved is string {
  if (service.metadata.deletionTimestamp !== undefined || resolved === undefined) return false;
  const current = primaryOf(service.status?.deployments ?? []);
  if (current === undefined) return true;
  const lastResolved = service.status?.resolvedTaskDefinition ?? service.status?.taskDefinition;
  const alreadyRunning = current.rolloutState !== 'FAILED' && current.taskDefinition === resolved;
  return (resolved !== lastResolved && !alreadyRunning) || forceRequestedSince(service.metadata.annotations, current.createdAt);
}

/** `history` (newest first) with deployment `id` started at `now`: a record in front; one still in progress is superseded (STOPPED). */
export function recordStarted(
  history: readonly DeploymentRecord[],
  id: string,
  taskDefinition: string,
  now: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord[] {
  const superseded = history.map((r) =>
    r.state === 'IN_PROGRESS' ? { ...r, state: 'STOPPED' as const, finishedAt: now, reason: `superseded by deployment ${id}` } : r,
  );
  return [{ id, taskDefinition, state: 'IN_PROGRESS', startedAt: now, ...extra }, ...superseded];
}

export const deploymentStartedMessage = (svc: string, id: string, td: string) =>
  `(service ${svc}) (deployment ${id}) deployment started: task definition ${td}.`;

/**
 * The status of `service` with a deployment of `resolved` started at `now` as the controller would
 * have started it (deployments, history, the event), or undefined when none needs to start.
 * observedGeneration and the counts are left to the controller, which has not looked yet.
 */
export function statusWithDeploymentStarted(service: Service, resolved: string | undefined, now: string, eventId: string): ServiceStatus | undefined {
  if (!needsNewDeployment(service, resolved)) return undefined;
  const status = service.status;
  const deployments = beginDeployment(status?.deployments ?? [], service.metadata.uid ?? service.metadata.name, resolved, service.spec.desiredCount, now);
  const created = deployments[0];
  if (created === undefined) return undefined;
  const event = { id: eventId, createdAt: now, message: deploymentStartedMessage(service.metadata.name, created.id, resolved) };
  return {
    runningCount: status?.runningCount ?? 0,
    pendingCount: status?.pendingCount ?? 0,
    desiredCount: status?.desiredCount ?? 0,
    ...(status?.observedGeneration === undefined ? {} : { observedGeneration: status.observedGeneration }),
    taskDefinition: resolved,
    resolvedTaskDefinition: resolved,
    deployments,
    history: recordStarted(status?.history ?? [], created.id, resolved, now).slice(0, MAX_DEPLOYMENT_HISTORY),
    events: [event, ...(status?.events ?? [])].slice(0, MAX_SERVICE_EVENTS),
  };
}
