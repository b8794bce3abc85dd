/**
 * What the agent sees of one task's containers on the engine, reduced to what planning needs. Read
 * fresh from Docker on every reconcile (the container index says which, an inspect says what), so a
 * decision never rests on an event the agent might have missed.
 */
import type { ContainerHealth, ContainerInspection, ContainerState, HostPortBinding } from './runtime/types.js';
import { DOCKER_LABELS } from './runtime/names.js';

export interface ObservedContainer {
  id: string;
  /** The container definition's name (label berth.container). */
  name: string;
  /** The uid of the task that made it (label berth.task-uid); a recreated task of the same name has another. */
  taskUid?: string;
  state: ContainerState;
  exitCode: number;
  health: ContainerHealth;
  oomKilled: boolean;
  error?: string;
  /** Epoch ms; absent when it never started. */
  startedAt?: number;
  finishedAt?: number;
  hostPorts: HostPortBinding[];
  /** The task's sandbox (awsvpc, pidMode/ipcMode task), not one of its containers. */
  sandbox?: boolean;
  ipv4Address?: string;
}

const RUNNING_STATES: readonly ContainerState[] = ['running', 'paused', 'restarting'];

/** Docker's states in which the container's process exists. */
export function isRunning(c: Pick<ObservedContainer, 'state'>): boolean {
  return RUNNING_STATES.includes(c.state);
}

/** It ran and has ended (a created-but-never-started container has not exited). */
export function hasExited(c: Pick<ObservedContainer, 'state' | 'startedAt'>): boolean {
  return (c.state === 'exited' || c.state === 'dead') && c.startedAt !== undefined;
}

export function hasStarted(c: Pick<ObservedContainer, 'startedAt' | 'state'>): boolean {
  return c.startedAt !== undefined || isRunning(c);
}

function epochMs(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toObserved(c: ContainerInspection): ObservedContainer {
  const startedAt = epochMs(c.startedAt);
  const finishedAt = epochMs(c.finishedAt);
  return {
    id: c.id,
    name: c.labels[DOCKER_LABELS.container] ?? c.name,
    ...(c.labels[DOCKER_LABELS.taskUid] !== undefined ? { taskUid: c.labels[DOCKER_LABELS.taskUid] } : {}),
    state: c.state,
    exitCode: c.exitCode,
    health: c.health,
    oomKilled: c.oomKilled,
    ...(c.error ? { error: c.error } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    hostPorts: c.hostPorts,
    ...(c.labels[DOCKER_LABELS.sandbox] === 'true' ? { sandbox: true } : {}),
    ...(c.ipv4Address !== undefined ? { ipv4Address: c.ipv4Address } : {}),
  };
}
