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

export function rolloutProgress(service: Service, now = Date.now()): Progress {
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
    return { state: 'waiting', message: inProgress(name, primary, deployments, now) };
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
  return { state: 'waiting', message: inProgress(name, primary, deployments, now) };
}

function inProgress(name: string, primary: Deployment, deployments: readonly Deployment[], now: number): string {
  const old = deployments.filter((d) => d.status !== 'PRIMARY').reduce((n, d) => n + d.runningCount + d.pendingCount, 0);
  const parts = [`${primary.runningCount} of ${primary.desiredCount} new tasks running`];
  if (primary.pendingCount > 0) parts.push(`${primary.pendingCount} pending`);
  if (old > 0) parts.push(`${old} old tasks still running`);
  if (primary.failedTasks > 0) parts.push(`${primary.failedTasks} failed`);
  const stage = primary.rollout ? ` [${stageLine(name, primary.rollout, now)}]` : '';
  return `Waiting for deployment ${primary.id} (${primary.taskDefinition}) of service ${name} to complete: ${parts.join(', ')}…${stage}`;
}

/** A BLUE_GREEN / LINEAR / CANARY deployment's stage, planned weights, what it waits for and the time left. */
export function stageLine(name: string, r: NonNullable<Deployment['rollout']>, now: number): string {
  const left = (until: string | undefined) => {
    const ms = until === undefined ? Number.NaN : Date.parse(until) - now;
    if (Number.isNaN(ms)) return '?';
    const s = Math.max(0, Math.ceil(ms / 1000));
    return s < 120 ? `${s}s` : `${Math.ceil(s / 60)}m`;
  };
  const parts = [
    `${r.strategy} stage ${r.stage}`,
    `production traffic to green ${r.productionTrafficWeight}% (blue ${100 - r.productionTrafficWeight}%)`,
    `test ${r.testTrafficWeight}%`,
  ];
  if (r.stage === 'PRODUCTION_TRAFFIC_SHIFT' && r.nextStepAt !== undefined) parts.push(`next step in ${left(r.nextStepAt)}`);
  if (r.stage === 'BAKE_TIME') parts.push(`bake time left ${left(r.bakeEndsAt)}`);
  for (const h of r.hooks.filter((h) => h.stage === r.stage)) {
    if (h.status === 'AWAITING_ACTION')
      parts.push(`paused by hook ${h.hookId} (berth rollout continue service/${name}; times out in ${left(h.expiresAt)} → ${h.timeoutAction ?? 'ROLLBACK'})`);
    else if (h.status === 'IN_PROGRESS') parts.push(`waiting for webhook ${h.hookId} (called ${h.invocations} times)`);
  }
  for (const a of r.alarms.filter((a) => a.state === 'ALARM')) parts.push(`alarm ${a.name} in ALARM`);
  return parts.join(', ');
}
