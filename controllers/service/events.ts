/**
 * Service events in ECS's words, and the status the controller writes. Pure: ids and the time are
 * passed in. Events are newest first, at most MAX_SERVICE_EVENTS; messages that describe a
 * condition rather than an action (cannot place, cannot resolve) are not repeated within
 * `eventRepeatMs`, and "steady state" is said once per steady period.
 */
import { MAX_SERVICE_EVENTS, type ServiceEvent, type ServiceStatus } from '../../api/v1/service.js';
import type { ObjectOf } from '../kit/types.js';
import { NO_INSTANCE_MET } from '../scheduler/plan.js';
import { primaryOf, type DeploymentNote } from './deployments.js';
import { nextHistory } from './history.js';
import { deploymentStartedMessage } from '../../api/v1/service-deployment-start.js';
import type { ServicePlan, TaskStop } from './plan.js';

type Service = ObjectOf<'Service'>;

export const messages = {
  started: (svc: string, tasks: readonly string[]) => `(service ${svc}) has started ${tasks.length} tasks: ${tasks.map((t) => `(task ${t})`).join(' ')}.`,
  stopped: (svc: string, tasks: readonly string[]) =>
    `(service ${svc}) has stopped ${tasks.length} running tasks: ${tasks.map((t) => `(task ${t})`).join(' ')}.`,
  unhealthy: (svc: string, task: string) => `(service ${svc}) (task ${task}) failed container health checks.`,
  steady: (svc: string) => `(service ${svc}) has reached a steady state.`,
  // The scheduler's pendingReason starts with ECS's "no container instance met all of its
  // requirements" when instances exist; said once here, not twice.
  unplaced: (svc: string, reason: string) =>
    reason.startsWith(`${NO_INSTANCE_MET}: `)
      ? `(service ${svc}) was unable to place a task because ${NO_INSTANCE_MET}. Reason: ${reason.slice(NO_INSTANCE_MET.length + 2)}.`
      : `(service ${svc}) was unable to place a task. Reason: ${reason}.`,
  waiting: (svc: string, reason: string) => `(service ${svc}) has a task that cannot start yet: ${reason}.`,
  problem: (svc: string, problem: string) => `(service ${svc}) cannot start tasks: ${problem}.`,
  deploymentStarted: deploymentStartedMessage,
  deploymentCompleted: (svc: string, id: string) => `(service ${svc}) (deployment ${id}) deployment completed.`,
  deploymentFailed: (svc: string, id: string, reason: string) => `(service ${svc}) (deployment ${id}) deployment failed: ${reason}`,
  stage: (svc: string, stage: string) => `(service ${svc}) (deployment ${stage.replace(': ', ') entered stage ')}.`,
  rolledBack: (svc: string, to: string, td: string) => `(service ${svc}) rolling back to deployment ${to} (task definition ${td}).`,
  throttled: (svc: string) =>
    `(service ${svc}) is unable to consistently start tasks successfully: its tasks keep failing, so new launches are delayed with exponential backoff. See the stopped tasks' stoppedReason.`,
  overLimit: (svc: string, desired: number, limit: number) =>
    `(service ${svc}) desiredCount ${desired} is above its cluster's limit of ${limit} tasks per service (Cluster spec.maxTasksPerService): running ${limit}.`,
  draining: (svc: string, instances: readonly string[]) =>
    `(service ${svc}) is replacing its tasks on DRAINING container instance(s) ${instances.join(', ')}: replacements start elsewhere, then the drained tasks stop.`,
};

export interface Outcome {
  started: readonly string[];
  stopped: readonly TaskStop[];
}

function noteMessage(svc: string, note: DeploymentNote): string {
  switch (note.type) {
    case 'created':
      return messages.deploymentStarted(svc, note.id, note.taskDefinition);
    case 'completed':
      return messages.deploymentCompleted(svc, note.id);
    case 'failed':
      return messages.deploymentFailed(svc, note.id, note.reason);
    case 'rolledBack':
      return messages.rolledBack(svc, note.to, note.taskDefinition);
  }
}

/** The messages this reconcile has to tell, oldest first. */
export function newMessages(service: Service, plan: ServicePlan, outcome: Outcome, now: number, repeatMs: number): string[] {
  const svc = service.metadata.name;
  const events = service.status?.events ?? [];
  const recent = new Set(events.filter((e) => Date.parse(e.createdAt) > now - repeatMs).map((e) => e.message));
  const out: string[] = [];
  const condition = (message: string) => {
    if (!recent.has(message)) out.push(message);
  };
  if (plan.problem !== undefined) condition(messages.problem(svc, plan.problem));
  for (const stage of plan.stages ?? []) out.push(messages.stage(svc, stage));
  for (const note of plan.notes.filter((n) => n.type !== 'completed')) out.push(noteMessage(svc, note));
  for (const s of outcome.stopped.filter((s) => s.unhealthy)) out.push(messages.unhealthy(svc, s.name));
  if (outcome.stopped.length > 0)
    out.push(
      messages.stopped(
        svc,
        outcome.stopped.map((s) => s.name),
      ),
    );
  if (outcome.started.length > 0) out.push(messages.started(svc, outcome.started));
  for (const reason of plan.unplaced) condition(messages.unplaced(svc, reason));
  for (const reason of plan.waiting ?? []) condition(messages.waiting(svc, reason));
  if (plan.overLimit !== undefined) condition(messages.overLimit(svc, service.spec.desiredCount, plan.overLimit));
  if (plan.throttled) condition(messages.throttled(svc));
  if (plan.draining.length > 0) condition(messages.draining(svc, plan.draining));
  for (const note of plan.notes.filter((n) => n.type === 'completed')) out.push(noteMessage(svc, note));
  const steady = messages.steady(svc);
  const lastSaid = out.at(-1) ?? events[0]?.message;
  if (plan.steady && lastSaid !== steady) out.push(steady);
  return out;
}

/** The status to write: counts, deployments, and the events list with this reconcile's messages in front. */
export function nextStatus(service: Service, plan: ServicePlan, outcome: Outcome, now: number, repeatMs: number, newId: () => string): ServiceStatus {
  const createdAt = new Date(now).toISOString();
  const fresh: ServiceEvent[] = newMessages(service, plan, outcome, now, repeatMs)
    .reverse()
    .map((message) => ({ id: newId(), createdAt, message }));
  return {
    runningCount: plan.runningCount,
    pendingCount: plan.pendingCount,
    desiredCount: plan.desiredCount,
    observedGeneration: service.metadata.generation,
    // What runs: the PRIMARY's revision (after a rollback, the one returned to).
    taskDefinition: primaryOf(plan.deployments)?.taskDefinition ?? plan.taskDefinition ?? service.status?.taskDefinition,
    // Kept when resolution fails, so the same revision resolving again is not a new deployment.
    resolvedTaskDefinition: plan.taskDefinition ?? service.status?.resolvedTaskDefinition ?? service.status?.taskDefinition,
    deployments: plan.deployments,
    history: nextHistory(service.status?.history ?? [], plan.notes, createdAt),
    events: [...fresh, ...(service.status?.events ?? [])].slice(0, MAX_SERVICE_EVENTS),
  };
}
