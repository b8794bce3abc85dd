/**
 * The agent's decision for one task: a pure function of (the task as desired and last reported, its
 * definition, the containers observed on the engine, now). The task worker applies the plan,
 * observes again, and plans again until there is nothing left to do, so each plan only needs to
 * take the next step. This is ECS's agent's habit of desired vs known status, made level-based:
 * the known status is re-derived from Docker every time, never trusted from memory.
 *
 * Order of concerns, first match wins:
 *   1. the task is gone                  → remove everything of it;
 *   2. the task is STOPPED (by us or marked lost) → stop what still runs and remove it at once;
 *      otherwise release its network and remove containers that never started at once, and the
 *      stopped containers (kept for `docker logs`) once the retention has passed;
 *   3. desiredStatus STOPPED             → stop (dependents first), report STOPPING then STOPPED;
 *   4. launching failed / an essential container exited (and its restartPolicy does not restart
 *      it) / the task's sandbox (awsvpc, pidMode/ipcMode task) exited → same, with TaskFailedToStart / EssentialContainerExited;
 *   5. otherwise start whatever's dependencies are met (the status is written after the starts, not
 *      before them); RUNNING once every container has started (ECS: the least advanced container's status).
 */
import { DEFAULT_STOP_TIMEOUT_SECONDS, type ContainerDefinition } from '../../api/v1/container-definition.js';
import type { TaskDefinitionSpec } from '../../api/v1/task-definition.js';
import type { STOP_CODES, Task, TaskStatus } from '../../api/v1/task.js';
import type { TaskDiscovery } from '../../api/v1/service-registry.js';
import { hasExited, hasStarted, isRunning, type ObservedContainer } from './observed.js';
import { readiness, startPlan, type StartPlan } from './runtime/dependency-order.js';
import { shouldRestart } from './restart-policy.js';
import { needsSandbox } from './runtime/spec-sandbox.js';
import {
  containerStatus,
  hasVanished,
  laterStatus,
  sandboxAttachment,
  sharedNetwork,
  statusPatch,
  healthFromContainers,
  type SharedNetwork,
} from './task-status.js';

export type StopCode = (typeof STOP_CODES)[number];

export interface TaskPlanInput {
  /** The task as last known (desired state and the status last reported); undefined: it is gone. */
  task: Task | undefined;
  /** Its definition's spec; absent when it could not be loaded (then `failure` says why). */
  definition?: TaskDefinitionSpec;
  /** Every container labelled with the task's name on this instance. */
  containers: readonly ObservedContainer[];
  /** Why launching failed (image, create, start), remembered by the agent. */
  failure?: string;
  /** Why launching waits (a secret that does not exist yet), and when to look again. */
  waiting?: { reason: string; retryAfterMs: number };
  /** When the agent pulled the task's images (RFC 3339). */
  pull?: { startedAt?: string; stoppedAt?: string };
  now: number;
  /** How long stopped containers of an ended task are kept (for `docker logs`) before removal. */
  retentionMs: number;
  /** The task's sandbox (awsvpc, pidMode/ipcMode task), when it is on the engine (never among `containers`). */
  sandbox?: ObservedContainer;
  /** Where other instances reach this instance's published ports, for service discovery (status.discovery). */
  hostAddress?: string;
}

export interface StopStep {
  id: string;
  name: string;
  timeoutSeconds: number;
}

export interface TaskPlan {
  /** A merge patch of the task's status to write before acting. */
  status?: Partial<TaskStatus>;
  /** Containers to stop, wave after wave (dependents first), each wave in parallel. */
  stopWaves: StopStep[][];
  /** Container definitions to create (or adopt) and start now, in parallel. */
  start: string[];
  /** Exited containers to start again in place, under their restartPolicy (restart-policy.ts). */
  restart: { id: string; name: string }[];
  /** Containers to remove, after the stops. */
  remove: string[];
  /**
   * The task has ended and nothing of it runs: remove its network now, not with its retained
   * containers an hour later — Docker's default address pools hold only about 30 bridge networks,
   * so networks kept for stopped tasks leave new tasks with links unable to start.
   */
  releaseNetwork: boolean;
  /** Nothing of the task is left on the engine but its network and volumes: remove those. */
  removeTaskResources: boolean;
  /** The task has ended: its dynamic host ports may be handed out again. */
  releasePorts: boolean;
  /** Plan again after this long even if nothing happens (retention, a start timeout). */
  requeueAfterMs?: number;
}

const ESSENTIAL_EXITED = 'Essential container in task exited';
const USER_STOPPED = 'Task stopped by the user';

const SANDBOX_EXITED = "the task's sandbox exited, and with it the namespaces its containers shared";

const empty = (): TaskPlan => ({ stopWaves: [], start: [], restart: [], remove: [], releaseNetwork: false, removeTaskResources: false, releasePorts: false });

export function planTask(input: TaskPlanInput): TaskPlan {
  const { task } = input;
  if (!task) return removeAll(input.containers);
  // Containers of an older task of the same name (deleted and recreated) are not this task's.
  const uid = task.metadata.uid;
  const strays = input.containers.filter((c) => uid !== undefined && c.taskUid !== undefined && c.taskUid !== uid);
  const own = input.containers.filter((c) => !strays.includes(c));
  const plan = planOwn(input, task, own);
  if (strays.length > 0) plan.remove = [...plan.remove, ...strays.map((c) => c.id)];
  return plan;
}

function planOwn(input: TaskPlanInput, task: Task, own: readonly ObservedContainer[]): TaskPlan {
  const last = task.status?.lastStatus ?? 'PENDING';
  if (last === 'STOPPED') return planEnded(input, task, own);
  if (task.spec.desiredStatus === 'STOPPED') return planStop(input, task, own, task.status?.stopCode ?? 'UserInitiated', task.spec.stopReason ?? USER_STOPPED);
  const def = input.definition;
  if (input.failure !== undefined || !def) return planStop(input, task, own, 'TaskFailedToStart', input.failure ?? 'task definition unavailable');
  const byName = (name: string) => own.find((c) => c.name === name);
  if (input.waiting) return planWaiting(input, input.waiting, task, def, byName);

  // A container Docker created but could not start (after an agent restart the error is all that is left).
  const failedStart = def.containerDefinitions.map((d) => byName(d.name)).find((c) => c?.error && !hasStarted(c));
  if (failedStart) return planStop(input, task, own, 'TaskFailedToStart', `container ${failedStart.name} failed to start: ${failedStart.error}`);

  if (needsSandbox(def) && input.sandbox && hasExited(input.sandbox)) return planStop(input, task, own, 'EssentialContainerExited', SANDBOX_EXITED);

  // Exited containers whose restartPolicy starts them again have not ended.
  const restart = def.containerDefinitions.flatMap((d) => {
    const c = byName(d.name);
    return c && shouldRestart(d.restartPolicy, c, input.now) ? [{ id: c.id, name: d.name }] : [];
  });
  const restarting = (name: string) => restart.some((r) => r.name === name);
  // A container that vanished from the engine (docker rm -f) has ended as surely as one that exited.
  const ended = (name: string) => (isExited(byName(name)) && !restarting(name)) || hasVanished(byName(name), previousOf(task, name));
  const exited = def.containerDefinitions.filter((d) => d.essential && ended(d.name));
  if (exited.length > 0) return planStop(input, task, own, 'EssentialContainerExited', ESSENTIAL_EXITED);

  let order: StartPlan;
  try {
    order = startPlan(def.containerDefinitions);
  } catch (err) {
    return planStop(input, task, own, 'TaskFailedToStart', err instanceof Error ? err.message : String(err));
  }
  const plan = empty();
  plan.restart = restart;
  const observe = (name: string) => {
    const c = byName(name);
    const previous = previousOf(task, name);
    if (hasVanished(c, previous)) return { started: true, exited: true, exitCode: previous?.exitCode ?? -1, health: 'none' as const };
    return c && { started: hasStarted(c), exited: hasExited(c), exitCode: c.exitCode, health: c.health };
  };
  for (const d of def.containerDefinitions) {
    const c = byName(d.name);
    if ((c && hasStarted(c)) || hasVanished(c, previousOf(task, d.name))) continue;
    const ready = readiness(order.waitsFor[d.name] ?? [], observe);
    if (ready.state === 'satisfied') plan.start.push(d.name);
    else if (ready.state === 'unsatisfiable' && ready.blockedBy) {
      const dep = ready.blockedBy;
      return planStop(
        input,
        task,
        own,
        'TaskFailedToStart',
        `container ${d.name} cannot start: its dependency ${dep.containerName} can no longer reach ${dep.condition}`,
      );
    } else if (ready.blockedBy && d.startTimeout !== undefined) {
      // startTimeout bounds how long a container waits for its dependencies once they have started.
      const since = byName(ready.blockedBy.containerName)?.startedAt;
      if (since !== undefined) {
        const left = since + d.startTimeout * 1000 - input.now;
        if (left <= 0)
          return planStop(
            input,
            task,
            own,
            'TaskFailedToStart',
            `container ${d.name} timed out after ${d.startTimeout} s waiting for ${ready.blockedBy.containerName} to be ${ready.blockedBy.condition}`,
          );
        plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, left);
      }
    }
  }
  // ECS's agent reports a task at its least advanced container: RUNNING once every container, the
  // non-essential ones too, has started (one that has exited since counts). A container still
  // waiting for its dependencies keeps the task PENDING — and so does one not yet created, which a
  // client reading a RUNNING task would otherwise not find on the engine.
  const allStarted = def.containerDefinitions.every((d) => {
    const c = byName(d.name);
    return (c !== undefined && hasStarted(c)) || hasVanished(c, previousOf(task, d.name));
  });
  const lastStatus = laterStatus(last, allStarted ? 'RUNNING' : 'PENDING');
  // Starting containers while the task stays where it is: the status after the start (RUNNING, or
  // the failure) says more, and writing this one first would put an API round trip before every
  // container start — the start of a task bound just now, or of a replacement, waits on it.
  if (plan.start.length > 0 && restart.length === 0 && lastStatus === last) return plan;
  const containers = def.containerDefinitions.map((d) => {
    const previous = previousOf(task, d.name);
    // Reported as it was, one restart more: it runs again as soon as the status is written.
    if (restarting(d.name) && previous) return { ...previous, restartCount: (previous.restartCount ?? 0) + 1 };
    return containerStatus(d, byName(d.name), previous, false, sharedOf(def, d, input.sandbox));
  });
  const attachments = def.networkMode === 'awsvpc' && input.sandbox && isRunning(input.sandbox) ? [sandboxAttachment(input.sandbox)] : undefined;
  plan.status = statusPatch(task.status, {
    lastStatus,
    containers,
    ...(attachments ? { attachments } : {}),
    healthStatus: healthFromContainers(def.containerDefinitions, containers),
    ...(lastStatus === 'RUNNING' ? { discovery: discoveryOf(def, input.hostAddress) } : {}),
    ...connected(task, input.now),
    ...pulled(task, input),
    ...(lastStatus === 'RUNNING' ? { startedAt: task.status?.startedAt ?? iso(input.now) } : {}),
  });
  // Bound, the task's pendingReason is the agent's (a wait for secrets), and it is over now.
  if (task.status?.pendingReason !== undefined) plan.status = { ...plan.status, pendingReason: undefined };
  return plan;
}

/** Nothing can start yet (a secret is missing): PENDING with the reason, and a look again later. */
function planWaiting(
  input: TaskPlanInput,
  waiting: { reason: string; retryAfterMs: number },
  task: Task,
  def: TaskDefinitionSpec,
  byName: (name: string) => ObservedContainer | undefined,
): TaskPlan {
  const plan = empty();
  const containers = def.containerDefinitions.map((d) => containerStatus(d, byName(d.name), previousOf(task, d.name), false));
  plan.status = statusPatch(task.status, {
    lastStatus: laterStatus(task.status?.lastStatus ?? 'PENDING', 'PENDING'),
    pendingReason: waiting.reason,
    containers,
    healthStatus: healthFromContainers(def.containerDefinitions, containers),
    ...connected(task, input.now),
  });
  plan.requeueAfterMs = waiting.retryAfterMs;
  return plan;
}

/** Stop what runs (dependents first); once nothing runs, report STOPPED with the code and reason. */
function planStop(input: TaskPlanInput, task: Task, own: readonly ObservedContainer[], stopCode: StopCode, stoppedReason: string): TaskPlan {
  const plan = empty();
  const defs = input.definition?.containerDefinitions ?? [];
  const running = own.filter(isRunning);
  const last = task.status?.lastStatus ?? 'PENDING';
  const byName = (name: string) => own.find((c) => c.name === name);
  const reported = [...defs.map((d) => d.name), ...own.map((c) => c.name).filter((n) => !defs.some((d) => d.name === n))];
  const shared = (name: string) => {
    const d = defs.find((x) => x.name === name);
    return d && input.definition ? sharedOf(input.definition, d, input.sandbox) : undefined;
  };
  const containers = (final: boolean) => reported.map((name) => containerStatus({ name }, byName(name), previousOf(task, name), final, shared(name)));
  const common = { stopCode, stoppedReason, ...connected(task, input.now), ...pulled(task, input) };
  if (running.length > 0) {
    plan.stopWaves = stopWaves(defs, running);
    const current = containers(false);
    plan.status = statusPatch(task.status, {
      ...common,
      lastStatus: laterStatus(last, 'STOPPING'),
      stoppingAt: task.status?.stoppingAt ?? iso(input.now),
      containers: current,
      healthStatus: healthFromContainers(defs, current),
    });
    return plan;
  }
  const final = containers(true);
  // The sandbox goes with the stop (releaseNetwork), and with it the task's interface.
  const attachments = task.status?.attachments?.map((a) => ({ ...a, status: 'DELETED' as const }));
  plan.status = statusPatch(task.status, {
    ...common,
    ...(attachments ? { attachments } : {}),
    lastStatus: 'STOPPED',
    stoppingAt: task.status?.stoppingAt ?? iso(input.now),
    stoppedAt: iso(input.now),
    containers: final,
    healthStatus: healthFromContainers(defs, final),
  });
  plan.releasePorts = true;
  plan.releaseNetwork = true;
  plan.remove = neverStarted(own);
  return plan;
}

/**
 * Containers Docker created that never ran (their start failed, or the agent died in between): not
 * wanted once the task has ended, and with no output to keep. Left for the retention, a start that
 * failed task after task left one per task in `Created`.
 */
function neverStarted(own: readonly ObservedContainer[]): string[] {
  return own.filter((c) => !hasStarted(c)).map((c) => c.id);
}

/** The task has ended. What still runs was not stopped by us (the task was marked lost): stop and remove it now. */
function planEnded(input: TaskPlanInput, task: Task, own: readonly ObservedContainer[]): TaskPlan {
  const plan = empty();
  plan.releasePorts = true;
  const running = own.filter(isRunning);
  if (running.length > 0) {
    plan.stopWaves = stopWaves(input.definition?.containerDefinitions ?? [], running);
    plan.remove = own.map((c) => c.id);
    return plan;
  }
  if (own.length === 0) {
    plan.removeTaskResources = true;
    return plan;
  }
  plan.releaseNetwork = true;
  plan.remove = neverStarted(own);
  const ran = own.filter(hasStarted);
  if (ran.length === 0) return plan;
  const endedAt = parseTime(task.status?.stoppedAt) ?? Math.max(...ran.map((c) => c.finishedAt ?? 0));
  const left = endedAt + input.retentionMs - input.now;
  if (left > 0) plan.requeueAfterMs = left;
  else plan.remove = own.map((c) => c.id);
  return plan;
}

/** How long an orphan (its task is gone, and with it the stop timeout) gets between SIGTERM and SIGKILL. */
export const ORPHAN_STOP_TIMEOUT_SECONDS = 10;

function removeAll(containers: readonly ObservedContainer[]): TaskPlan {
  const plan = empty();
  plan.releasePorts = true;
  const running = containers.filter(isRunning);
  if (running.length > 0) plan.stopWaves = [running.map((c) => ({ id: c.id, name: c.name, timeoutSeconds: ORPHAN_STOP_TIMEOUT_SECONDS }))];
  plan.remove = containers.map((c) => c.id);
  plan.removeTaskResources = containers.length === 0;
  return plan;
}

/** The definition's stop waves restricted to what runs; containers the definition does not name go first. */
function stopWaves(defs: readonly ContainerDefinition[], running: readonly ObservedContainer[]): StopStep[][] {
  const step = (c: ObservedContainer): StopStep => ({
    id: c.id,
    name: c.name,
    timeoutSeconds: defs.find((d) => d.name === c.name)?.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
  });
  let waves: string[][];
  try {
    waves = defs.length > 0 ? startPlan(defs).stopWaves : [];
  } catch {
    waves = [];
  }
  const unknown = running.filter((c) => !waves.some((w) => w.includes(c.name)));
  const out = [unknown.map(step), ...waves.map((w) => running.filter((c) => w.includes(c.name)).map(step))];
  return out.filter((w) => w.length > 0);
}

/** An awsvpc container's share of its sandbox's network. */
function sharedOf(def: TaskDefinitionSpec, d: ContainerDefinition, sandbox: ObservedContainer | undefined): SharedNetwork | undefined {
  return def.networkMode === 'awsvpc' ? sharedNetwork(d, sandbox) : undefined;
}

function isExited(c: ObservedContainer | undefined): boolean {
  return c !== undefined && hasExited(c);
}

function previousOf(task: Task, name: string) {
  return task.status?.containers.find((c) => c.name === name);
}

/** CONNECTED once, when the agent first reports on the task. */
function connected(task: Task, now: number): Partial<TaskStatus> {
  return task.status?.connectivity === undefined ? { connectivity: 'CONNECTED', connectivityAt: iso(now) } : {};
}

function pulled(task: Task, input: TaskPlanInput): Partial<TaskStatus> {
  return {
    ...(input.pull?.startedAt && !task.status?.pullStartedAt ? { pullStartedAt: input.pull.startedAt } : {}),
    ...(input.pull?.stoppedAt && !task.status?.pullStoppedAt ? { pullStoppedAt: input.pull.stoppedAt } : {}),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function parseTime(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether `plan` asks for any change on the engine (as opposed to only a status write or a later look). */
export function hasEngineWork(plan: TaskPlan): boolean {
  return plan.stopWaves.length > 0 || plan.start.length > 0 || plan.restart.length > 0 || plan.remove.length > 0;
}

/** What service discovery needs of a running task that only this agent knows (records.ts). */
function discoveryOf(def: TaskDefinitionSpec, hostAddress: string | undefined): TaskDiscovery {
  return {
    ...(hostAddress !== undefined ? { hostAddress } : {}),
    healthChecked: def.containerDefinitions.some((d) => d.essential && d.healthCheck !== undefined),
  };
}
