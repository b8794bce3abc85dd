/**
 * Reconciles one task: observe its containers on the engine → plan (plan.ts, pure) → apply, again
 * and again until the plan asks for nothing more on the engine. The work queue guarantees that one
 * task is never reconciled by two workers at once, so a task's memory needs no locking.
 */
import { ConflictError, NotFoundError } from '../../api/usecases/resources/errors.js';
import type { BerthClient, TaskSecretsSource } from '../../api/client/types.js';
import type { Logger } from '../../api/log.js';
import type { TaskDefinitionSpec } from '../../api/v1/task-definition.js';
import type { Task, TaskStatus } from '../../api/v1/task.js';
import type { Clock } from '../kit/clock.js';
import type { TaskDefinitionCache } from './definitions.js';
import { TaskDefinitionMissingError, TaskNotSettledError } from './errors.js';
import { forgetContainer, Launcher, newTaskMemory, type TaskMemory } from './launcher.js';
import { toObserved, type ObservedContainer } from './observed.js';
import { hasEngineWork, planTask, type TaskPlan } from './plan.js';
import { ContainerNotFoundError } from './runtime/errors.js';
import { isOwnedBy, DOCKER_LABELS, legacyScopeLabels, taskNetworkName, type AgentScope } from './runtime/names.js';
import type { LogDriverChoice } from './runtime/spec-logs.js';
import type { SandboxImage } from './runtime/spec-sandbox.js';
import type { ContainerIndex } from './container-index.js';
import type { OwnEngineEvents } from './own-events.js';
import type { HostPortAllocator } from './runtime/ports.js';
import type { ContainerInspection, ContainerRuntime } from './runtime/types.js';
import type { TaskView } from './task-view.js';

/** Plan/apply rounds per reconcile; more means something undoes our work, so look again later (with backoff). */
const MAX_ROUNDS = 12;

/** How long a task waiting for a secret waits before the agent asks again: doubling from the first, up to the last. */
export const SECRET_RETRY_MS = { first: 500, max: 8_000 } as const;

export interface TaskWorkerDeps {
  client: BerthClient;
  secrets: TaskSecretsSource;
  runtime: ContainerRuntime;
  /** The engine events the worker sets off itself, which need no reconcile (see own-events.ts). */
  ownEvents: OwnEngineEvents;
  tasks: TaskView;
  /** Which containers each task has on the engine (the reconcile lists nothing itself). */
  containers: ContainerIndex;
  definitions: TaskDefinitionCache;
  ports: HostPortAllocator;
  /** This agent's installation, cluster and instance: it touches only objects labelled with all three. */
  scope: AgentScope;
  sandbox: SandboxImage;
  logDrivers: LogDriverChoice;
  /** The agent's DNS server address, given to containers as their resolver (service discovery). */
  resolver?: string;
  /** Where other instances reach this instance's published ports (status.discovery.hostAddress). */
  hostAddress?: string;
  clock: Clock;
  log: Logger;
  retentionMs: number;
  /** A container's first health check passed right after its start (launcher.ts): reconcile its task. */
  onHealthProbed: (task: string) => void;
}

export class TaskWorker {
  private readonly memories = new Map<string, TaskMemory>();
  private readonly launcher: Launcher;

  constructor(private readonly deps: TaskWorkerDeps) {
    this.launcher = new Launcher(deps);
  }

  /** Brings task `name` one reconcile closer to its desired state; returns when to look again, if ever. */
  async reconcile(name: string): Promise<number | undefined> {
    const log = this.deps.log.child({ task: name });
    // A task waiting for a secret asks again once per reconcile (a requeue or news of the task).
    const waiting = this.memories.get(name);
    if (waiting) waiting.waiting = undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const task = this.deps.tasks.current(name);
      const memory = this.memoryOf(name, task);
      // The engine and the API at once: a new task's first round waits for both.
      const [definition, observed] = await Promise.all([task ? this.definitionOf(task, memory) : undefined, this.observe(name, memory)]);
      // The sandbox holds the task's shared namespaces and is not one of its containers: it goes with the network.
      const sandbox = observed.find((c) => c.sandbox);
      const containers = observed.filter((c) => !c.sandbox);
      const plan = planTask({
        task,
        containers,
        ...(sandbox ? { sandbox } : {}),
        now: this.deps.clock.now(),
        retentionMs: this.deps.retentionMs,
        ...(definition ? { definition } : {}),
        ...(memory.failure !== undefined ? { failure: memory.failure } : {}),
        ...(memory.waiting !== undefined
          ? { waiting: { reason: memory.waiting, retryAfterMs: Math.min(SECRET_RETRY_MS.first * 2 ** Math.max(0, memory.waits - 1), SECRET_RETRY_MS.max) } }
          : {}),
        ...(memory.pull ? { pull: memory.pull } : {}),
        ...(this.deps.hostAddress !== undefined ? { hostAddress: this.deps.hostAddress } : {}),
      });
      if (task && plan.status && !(await this.writeStatus(task, plan.status, log))) continue;
      if (plan.releasePorts) this.launcher.releasePorts(memory);
      if (!hasEngineWork(plan)) {
        if (plan.removeTaskResources) await this.removeTaskResources(name, memory, sandbox?.id);
        else if (plan.releaseNetwork) await this.releaseNetworks(name, memory, sandbox?.id);
        if (!task && observed.length === 0) this.memories.delete(name);
        return plan.requeueAfterMs;
      }
      await this.apply(plan, task, definition, memory, log);
    }
    throw new TaskNotSettledError(name, MAX_ROUNDS);
  }

  private memoryOf(name: string, task: Task | undefined): TaskMemory {
    const uid = task?.metadata.uid;
    let memory = this.memories.get(name);
    if (memory && task && memory.uid !== uid) {
      this.launcher.releasePorts(memory);
      memory = undefined;
    }
    if (!memory) {
      memory = newTaskMemory(uid);
      this.memories.set(name, memory);
    }
    return memory;
  }

  /** The task's definition; a missing one is the task's failure (unless it has ended anyway). */
  private async definitionOf(task: Task, memory: TaskMemory): Promise<TaskDefinitionSpec | undefined> {
    try {
      return await this.deps.definitions.load(task.spec.taskDefinition);
    } catch (err) {
      if (!(err instanceof TaskDefinitionMissingError)) throw err;
      if (task.status?.lastStatus !== 'STOPPED') memory.failure ??= err.message;
      return undefined;
    }
  }

  /**
   * The task's containers: which ones from the index, what each is like from the engine — or, for a
   * container the agent stopped whose exit Docker has announced, its last inspection with that exit
   * (an inspect would wait out Docker's cleanup after the exit; see ContainerIndex). An exit the
   * agent did not cause is inspected, so a container removed behind its back reads as removed.
   */
  private async observe(name: string, memory: TaskMemory): Promise<ObservedContainer[]> {
    const { containers, ports } = this.deps;
    const inspected = await Promise.all(containers.ofTask(name).map((id) => this.inspect(id, memory)));
    const out: ObservedContainer[] = [];
    for (const c of inspected) {
      if (!c) continue;
      // Ports of containers found after a restart must not be handed out again.
      for (const p of c.hostPorts) ports.claim(p.hostPort, p.protocol);
      const uid = c.labels[DOCKER_LABELS.taskUid];
      if (uid !== undefined) memory.uids.add(uid);
      out.push(withProbedHealth(toObserved(c), memory));
    }
    return out;
  }

  private async inspect(id: string, memory: TaskMemory): Promise<ContainerInspection | undefined> {
    const { runtime, containers } = this.deps;
    const exit = containers.exitOf(id);
    const last = memory.inspections.get(id);
    if (exit && last?.state === 'running' && memory.stopping.has(id)) {
      const exited: ContainerInspection = {
        ...last,
        state: 'exited',
        exitCode: exit.exitCode,
        oomKilled: exit.oomKilled,
        finishedAt: new Date(exit.at).toISOString(),
        hostPorts: [],
      };
      memory.inspections.set(id, exited); // the next observe asks the engine again
      return exited;
    }
    try {
      const c = await runtime.inspectContainer(id);
      memory.inspections.set(id, c);
      if (c.state !== 'running') containers.forgetExit(id);
      return c;
    } catch (err) {
      if (!(err instanceof ContainerNotFoundError)) throw err;
      containers.remove(id); // removed meanwhile
      forgetContainer(memory, id);
      return undefined;
    }
  }

  /**
   * The changed status fields written over the task as the plan saw it (a compare-and-swap on its
   * resourceVersion), so a change made meanwhile (the task marked lost, a stop requested) is never
   * overwritten. In process that is one write and no read (updateFrom); over HTTP one status PUT.
   * On Conflict the task is re-read and planned again. False: plan again.
   */
  private async writeStatus(task: Task, status: Partial<TaskStatus>, log: Logger): Promise<boolean> {
    const ref = { cluster: task.metadata.cluster, name: task.metadata.name };
    try {
      const written = await this.writeStatusOf(task, status);
      this.deps.tasks.observeWrite(written);
      if (status.lastStatus)
        log.info({ lastStatus: status.lastStatus, stopCode: written.status?.stopCode, reason: written.status?.stoppedReason }, 'task status reported');
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) {
        this.deps.tasks.forget(task.metadata.name);
        return false;
      }
      if (!(err instanceof ConflictError)) throw err;
      const fresh = await this.deps.client.get('Task', ref);
      if (fresh) this.deps.tasks.observeWrite(fresh);
      else this.deps.tasks.forget(task.metadata.name);
      return false;
    }
  }

  private writeStatusOf(task: Task, status: Partial<TaskStatus>): Promise<Task> {
    if (!task.status) {
      const patch = { metadata: { resourceVersion: task.metadata.resourceVersion }, status };
      return this.deps.client.patch('Task', { cluster: task.metadata.cluster, name: task.metadata.name }, patch, { subresource: 'status' });
    }
    // A shallow copy is enough: updateFrom never changes what it is given (and `task` is the cache's, frozen).
    return this.deps.client.updateFrom(task, { ...task, status: { ...task.status, ...status } });
  }

  private async apply(plan: TaskPlan, task: Task | undefined, definition: TaskDefinitionSpec | undefined, memory: TaskMemory, log: Logger): Promise<void> {
    const { runtime } = this.deps;
    for (const wave of plan.stopWaves) {
      log.info({ containers: wave.map((s) => s.name) }, 'stopping containers');
      await Promise.all(wave.map((s) => this.stop(s.id, s.timeoutSeconds, memory, log)));
    }
    if (plan.start.length > 0 && task && definition) {
      log.info({ containers: plan.start }, 'starting containers');
      await this.launcher.start(task, definition, plan.start, memory);
    }
    if (plan.restart.length > 0) {
      log.info({ containers: plan.restart.map((r) => r.name) }, 'restarting exited containers in place (restartPolicy)');
      await Promise.all(plan.restart.map((r) => this.deps.ownEvents.around('start', r.id, () => runtime.startContainer(r.id))));
    }
    if (plan.remove.length > 0) {
      log.info({ containers: plan.remove.map((id) => id.slice(0, 12)) }, 'removing containers');
      await Promise.all(
        plan.remove.map(async (id) => {
          await runtime.removeContainer(id);
          this.deps.containers.remove(id);
          forgetContainer(memory, id);
        }),
      );
    }
  }

  /**
   * Stops a container; done when Docker announces its exit (die), without waiting for the stop call,
   * which returns only after Docker's cleanup. A stop that fails after the exit is only logged.
   */
  private async stop(id: string, timeoutSeconds: number, memory: TaskMemory, log: Logger): Promise<void> {
    const { runtime, containers, ownEvents } = this.deps;
    memory.stopping.add(id);
    const exit = containers.whenExited(id);
    const stopping = ownEvents.around('die', id, () => runtime.stopContainer(id, timeoutSeconds)).catch(ignoreGone);
    let exitedFirst = false;
    try {
      await Promise.race([stopping, exit.exited.then(() => (exitedFirst = true))]);
    } finally {
      exit.cancel();
    }
    if (exitedFirst) stopping.catch((err: unknown) => log.warn({ err, dockerId: id }, 'the stop call of a container that has exited failed'));
  }

  /** The task's sandbox and networks (its own, made by this agent), once nothing of the task runs. */
  private async releaseNetworks(name: string, memory: TaskMemory, sandboxId: string | undefined): Promise<void> {
    if (memory.networkReleased) return;
    const { runtime, scope } = this.deps;
    // Older berths' objects carry no installation label: list by cluster and instance, keep our own.
    const owner = { name, ...(memory.uid !== undefined ? { uid: memory.uid } : {}) };
    const labels = { ...legacyScopeLabels(scope), [DOCKER_LABELS.task]: name };
    // The sandbox as observed (the container index knows it, after a restart too): no engine list per task.
    if (sandboxId !== undefined) {
      await runtime.removeContainer(sandboxId);
      this.deps.containers.remove(sandboxId);
      forgetContainer(memory, sandboxId);
    }
    memory.sandbox = undefined;
    const networks = (await runtime.listNetworks({ labels })).filter((n) => isOwnedBy(n.labels, scope, owner));
    const names = new Set(networks.map((n) => n.name));
    if (memory.network) names.add(memory.network);
    for (const network of names) await runtime.removeTaskNetwork(network);
    memory.network = undefined;
    memory.networkReleased = true;
  }

  /** The task's networks and task-scoped volumes, once its containers are gone. */
  private async removeTaskResources(name: string, memory: TaskMemory, sandboxId: string | undefined): Promise<void> {
    if (memory.resourcesRemoved) return;
    await this.releaseNetworks(name, memory, sandboxId);
    const { runtime, scope } = this.deps;
    const volumes = await runtime.listVolumes({ labels: { ...legacyScopeLabels(scope), [DOCKER_LABELS.task]: name } });
    for (const volume of volumes.filter((v) => isOwnedBy(v.labels, scope, { name, ...(memory.uid !== undefined ? { uid: memory.uid } : {}) })))
      await runtime.removeVolume(volume.name);
    // Docker leaves the task's cgroup behind (of every uid this name had, a deleted task's too).
    for (const uid of [undefined, ...memory.uids])
      await runtime.removeTaskCgroup(taskNetworkName(scope.cluster, { name, ...(uid !== undefined ? { uid } : {}) }));
    memory.cgroupParent = undefined;
    memory.cgroupChecked = false;
    memory.resourcesRemoved = true;
  }
}

/** Healthy on the agent's own first check until Docker's first says otherwise; after that, Docker's word. */
function withProbedHealth(c: ObservedContainer, memory: TaskMemory): ObservedContainer {
  if (c.health !== 'starting') memory.probedHealthy.delete(c.id);
  return c.health === 'starting' && memory.probedHealthy.has(c.id) ? { ...c, health: 'healthy' } : c;
}

function ignoreGone(err: unknown): void {
  if (!(err instanceof ContainerNotFoundError)) throw err;
}
