/**
 * The contract between berth's controllers and the agent: who writes what, the labels that tie
 * objects together, and the cache indexes they share. Every controller follows this page.
 *
 * Task life (ECS's, with one owner per phase, so writers never fight):
 *   1. created   — by the service controller (or run-task): spec.taskDefinition pinned (`web:3`),
 *                  spec.group (`service:web`), spec.startedBy, desiredStatus RUNNING; status
 *                  {lastStatus: PENDING, createdAt}; labels TASK_LABELS.service / TASK_LABELS.deployment;
 *                  an ownerReference to its Service with controller: true.
 *   2. bound     — the scheduler sets spec.containerInstance with a compare-and-swap update (so a
 *                  task is never bound twice). Until bound, the scheduler owns status (it writes
 *                  status.pendingReason when nothing fits). A task created already bound
 *                  (start-task, or a third-party scheduler) is left alone by the scheduler.
 *   3. running   — the agent of that instance alone writes status from here on: lastStatus
 *                  PENDING → RUNNING → STOPPED, containers, healthStatus, startedAt, stopCode…
 *   4. stopping  — anyone sets spec.desiredStatus STOPPED (+ spec.stopReason); the agent stops the
 *                  containers and reports STOPPED. An unbound task is stopped by the scheduler.
 *   5. lost      — when an instance's heartbeat expires, the instance controller sets its tasks
 *                  desiredStatus STOPPED and status STOPPED (connectivity DISCONNECTED): the agent
 *                  is gone and cannot. An agent that comes back removes those tasks' containers.
 *   6. ended     — a task that stopped on its own (failed to start, an essential container exited)
 *                  is reported STOPPED by its agent while still desired RUNNING; the agent writes
 *                  only status, so the task controller then sets spec.desiredStatus STOPPED, as ECS
 *                  shows it. Why it ended stays in status.stopCode / stoppedReason.
 *   7. deleted   — the task controller deletes STOPPED tasks after the retention period.
 *
 * Instances: the agent creates its ContainerInstance (spec.registeredResources, attributes) and
 * heartbeats by writing status {agentConnected: true, lastHeartbeat} every HEARTBEAT.intervalMs;
 * the instance controller marks it agentConnected: false once it has itself seen no new heartbeat
 * for HEARTBEAT.expireMs (not while most of a cluster is silent at once: instance/sightings.ts),
 * and writes the counts and remainingResources in status (at most once a second per instance: they
 * are for people; the scheduler counts for itself).
 * Services: the service controller alone writes Service status (counts, deployments), and its events;
 * other controllers only add events, through ctx.events.record (kit/events.ts), a status mutate.
 */
import { SERVICE_GROUP_PREFIX } from '../api/v1/task.js';
import type { ObjectOf } from './kit/types.js';

type Task = ObjectOf<'Task'>;

/** Labels berth puts on the objects it creates. */
export const TASK_LABELS = {
  /** On tasks a service started: the service's name. */
  service: 'berth.dev/service',
  /** On tasks a service started: the id of the deployment that started them. */
  deployment: 'berth.dev/deployment',
  /** On tasks of a deployment registered in its load balancers' alternate target groups (advancedConfiguration): ALTERNATE. */
  targetGroupSide: 'berth.dev/target-group-side',
} as const;

/** Liveness of agents. Tests shorten these through the agent's and controllers' options. */
export const HEARTBEAT = { intervalMs: 5_000, expireMs: 15_000 } as const;

/** How long STOPPED tasks are kept before the task controller deletes them (ECS: about an hour). */
export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

/** Names of the shared cache indexes (Manager.addIndex) and their functions. */
export const INDEX = {
  /** Tasks by `cluster/instance` they are bound to. */
  tasksByInstance: 'tasks-by-instance',
  /** Tasks by `cluster/service` that started them (from spec.group `service:NAME`). */
  tasksByService: 'tasks-by-service',
  /** Task definitions by family (they belong to the account: every cluster's services share them). */
  taskDefinitionsByFamily: 'taskdefinitions-by-family',
  /** Container instances by cluster. */
  instancesByCluster: 'instances-by-cluster',
  /**
   * Tasks waiting for the scheduler (awaitsScheduler), by cluster: a scheduler pass woken by a
   * change that left nothing to place answers from this instead of scanning every task.
   */
  tasksAwaitingScheduler: 'tasks-awaiting-scheduler',
} as const;

export const indexFunctions = {
  tasksByInstance: (t: Task): string[] => (t.spec.containerInstance ? [`${t.metadata.cluster}/${t.spec.containerInstance}`] : []),
  tasksByService: (t: Task): string[] => {
    const group = t.spec.group;
    return group?.startsWith(SERVICE_GROUP_PREFIX) ? [`${t.metadata.cluster}/${group.slice(SERVICE_GROUP_PREFIX.length)}`] : [];
  },
  taskDefinitionsByFamily: (td: ObjectOf<'TaskDefinition'>): string[] => [td.spec.family],
  instancesByCluster: (ci: ObjectOf<'ContainerInstance'>): string[] => [ci.metadata.cluster],
  tasksAwaitingScheduler: (t: Task): string[] => (awaitsScheduler(t) ? [t.metadata.cluster] : []),
};

/** Registers every shared index on a manager (or anything with the same addIndex). */
export function addSharedIndexes(manager: {
  addIndex<K extends 'Task' | 'TaskDefinition' | 'ContainerInstance'>(kind: K, name: string, fn: (obj: ObjectOf<K>) => readonly string[]): unknown;
}): void {
  manager.addIndex('Task', INDEX.tasksByInstance, indexFunctions.tasksByInstance);
  manager.addIndex('Task', INDEX.tasksByService, indexFunctions.tasksByService);
  manager.addIndex('TaskDefinition', INDEX.taskDefinitionsByFamily, indexFunctions.taskDefinitionsByFamily);
  manager.addIndex('ContainerInstance', INDEX.instancesByCluster, indexFunctions.instancesByCluster);
  manager.addIndex('Task', INDEX.tasksAwaitingScheduler, indexFunctions.tasksAwaitingScheduler);
}

/** The task has reached its end (nothing of it runs, or will run). */
export function isStopped(task: Task): boolean {
  return task.status?.lastStatus === 'STOPPED';
}

/** The task waits for the scheduler: unbound and not ended (to be placed, or to be marked STOPPED). */
export function awaitsScheduler(task: Task): boolean {
  return task.spec.containerInstance === undefined && !isStopped(task) && task.metadata.deletionTimestamp === undefined;
}

/** The task is meant to run and has not ended: it counts against its service and its instance. */
export function isLive(task: Task): boolean {
  return !isStopped(task) && task.spec.desiredStatus === 'RUNNING';
}
