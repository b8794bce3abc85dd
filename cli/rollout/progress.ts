/**
 * Where a service's rollout stands, from the service alone (pure): what `berth rollout status`
 * prints and how it exits. The rollout is the one the current spec asked for — status.resolvedTaskDefinition
 * is what spec.taskDefinition resolved to (status.taskDefinition is what runs) — so a PRIMARY deployment
 * of another revision means the circuit breaker rolled it back, and the rollout FAILED even though the
 * PRIMARY may be COMPLETED.
 */
import type { ObjectOf } from '../../api/client/types.js';
import type { Deployment } from '../../api/v1/service.js';

type Service = ObjectOf<'Service'>;

export type Progress = { state: 'waiting'; message: string } | { state: 'completed'; message: string } | { state: 'failed'; message: string };

export function rolloutProgress(service: Service): Progress {
  const name = service.metadata.name;
  const status = service.status;
  const generation = service.metadata.generation;
  if (status?.observedGeneration === undefined || (generation !== undefined && status.observedGeneration < generation))
    return { state: 'waiting', message: `Waiting for the service controller to observe the latest spec of service ${name}…` };
  const target = status.resolvedTaskDefinition ?? status.taskDefinition;
  const deployments = status.deployments;
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (target === undefined || primary === undefined) {
    const problem = status.events.find((e) => e.message.includes('cannot start tasks'))?.message;
    return { state: 'waiting', message: problem ?? `Waiting for service ${name} to start a deployment…` };
  }

  if (primary.taskDefinition === target) {
    if (primary.rolloutState === 'COMPLETED')
      return {
        state: 'completed',
        message: `service ${name} successfully rolled out ${target} (deployment ${primary.id}): ${primary.runningCount} of ${primary.desiredCount} tasks running and healthy`,
      };
    if (primary.rolloutState === 'FAILED')
      return {
        state: 'failed',
        message: `deployment ${primary.id} (${target}) of service ${name} failed: ${primary.rolloutStateReason ?? 'no reason given'} It is not progressing (no rollback configured).`,
      };
    return { state: 'waiting', message: inProgress(name, primary, deployments) };
  }

  // The PRIMARY runs another revision than the spec asks for: the breaker rolled the spec's back.
  const record = status.history.find((r) => r.taskDefinition === target);
  const deployment = deployments.find((d) => d.taskDefinition === target && d.rolloutState === 'FAILED');
  const failed =
    record?.state === 'FAILED' ? { id: record.id, reason: record.reason } : deployment && { id: deployment.id, reason: deployment.rolloutStateReason };
  if (failed) {
    const reason = failed.reason;
    const back = primary.rolloutState === 'COMPLETED' ? 'rolled back to' : 'rolling back to';
    return {
      state: 'failed',
      message: `deployment ${failed.id} (${target}) of service ${name} failed: ${reason ?? 'no reason given'} Service ${back} ${primary.taskDefinition} (deployment ${primary.id}).`,
    };
  }
  return { state: 'waiting', message: inProgress(name, primary, deployments) };
}

function inProgress(name: string, primary: Deployment, deployments: readonly Deployment[]): string {
  const old = deployments.filter((d) => d.status !== 'PRIMARY').reduce((n, d) => n + d.runningCount + d.pendingCount, 0);
  const parts = [`${primary.runningCount} of ${primary.desiredCount} new tasks running`];
  if (primary.pendingCount > 0) parts.push(`${primary.pendingCount} pending`);
  if (old > 0) parts.push(`${old} old tasks still running`);
  if (primary.failedTasks > 0) parts.push(`${primary.failedTasks} failed`);
  return `Waiting for deployment ${primary.id} (${primary.taskDefinition}) of service ${name} to complete: ${parts.join(', ')}…`;
}
