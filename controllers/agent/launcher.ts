/**
 * Launching a task's containers: its images (pull only when missing), its network (only for links),
 * its cgroup (task-level cpu/memory), its sandbox (awsvpc, pidMode/ipcMode task), its dynamic host ports, then
 * create and start. Every step is safe to repeat after a crash:
 * names are deterministic, so a create that already happened conflicts and the agent adopts that
 * container instead of making a twin.
 *
 * A failure that the task itself causes (an image that cannot be had, a command that does not
 * exist, no free port) is remembered in the task's memory and ends the task (TaskFailedToStart);
 * an engine that cannot be reached is thrown, so the worker retries with backoff instead.
 */
import type { Logger } from '../../api/log.js';
import type { HealthCheck } from '../../api/v1/health-check.js';
import type { TaskDefinitionSpec } from '../../api/v1/task-definition.js';
import type { Task } from '../../api/v1/task.js';
import type { Clock } from '../kit/clock.js';
import type { TaskSecretsSource } from '../../api/client/types.js';
import { unresolvedReason, usesSecrets, type ContainerSecrets } from '../../api/usecases/secrets/resolve.js';
import { dynamicPortMappings, needsTaskNetwork, portKey, taskLimits, toContainerSpec } from './runtime/container-spec.js';
import type { LogDriverChoice } from './runtime/spec-logs.js';
import { needsSandbox, sandboxSpec, type SandboxImage } from './runtime/spec-sandbox.js';
import { ContainerNameConflictError, ForeignObjectError, ImageUnavailableError } from './runtime/errors.js';
import { HostPortTakenError } from './errors.js';
import type { ContainerIndex } from './container-index.js';
import type { OwnEngineEvents } from './own-events.js';
import { isOwnedBy, DOCKER_LABELS, taskLabels, taskNetworkName, type AgentScope, type TaskIdentity } from './runtime/names.js';
import type { HostPortAllocator } from './runtime/ports.js';
import type { ContainerInspection, ContainerRuntime, ContainerSpec } from './runtime/types.js';

/** What the agent remembers of a task between reconciles. Lost on restart, and that is fine: all of it can be re-derived or redone. */
export interface TaskMemory {
  /** The uid of the task this memory is of: a task recreated under the same name starts afresh. */
  uid?: string;
  /** Why launching failed; the plan turns it into TaskFailedToStart. */
  failure?: string;
  /** Why launching waits (a secret that does not exist yet); the plan reports it as pendingReason and looks again. */
  waiting?: string;
  /** How many times in a row launching has waited: the next look comes later each time. */
  waits: number;
  /** The task's resolved secrets by container, held only in memory until the task ends. */
  secrets?: Record<string, ContainerSecrets>;
  pull?: { startedAt?: string; stoppedAt?: string };
  network?: string;
  /** Dynamic host ports handed out, per container, keyed by portKey. */
  hostPorts: Map<string, Record<string, number>>;
  /** The name of the task's sandbox (awsvpc, pidMode/ipcMode task), once it runs. */
  sandbox?: string;
  /** The task's cgroup (its parent path), once made; `cgroupChecked` also when the engine has none. */
  cgroupParent?: string;
  cgroupChecked?: boolean;
  /** Task uids seen on this task name's containers (a deleted task's included): whose cgroups to remove. */
  uids: Set<string>;
  /** The task's network is gone (it has ended and nothing of it runs). */
  networkReleased?: boolean;
  /** The task's network and volumes are gone. */
  resourcesRemoved?: boolean;
  /** Containers whose health check passed when run right after their start, before Docker's first. */
  probedHealthy: Set<string>;
  /** Each container's last inspection, which an exit announced by Docker updates (see ContainerIndex). */
  inspections: Map<string, ContainerInspection>;
  /** Containers the agent has asked to stop. */
  stopping: Set<string>;
}

/**
 * The shortest health-check interval at which the agent runs a container's first check itself. At
 * Docker's 1 s minimum, Docker's own first check comes about as soon as one more exec on a busy
 * engine answers: in a 20-task rolling update at 1 s, the extra check cost more than it gained
 * (median 6.4 s against 5.75 s over 6 interleaved pairs); at 30 s it saves ~30 s per task.
 */
export const PROBE_FIRST_FROM_INTERVAL_S = 2;

export function newTaskMemory(uid?: string): TaskMemory {
  return {
    hostPorts: new Map(),
    probedHealthy: new Set(),
    inspections: new Map(),
    stopping: new Set(),
    waits: 0,
    uids: new Set(uid !== undefined ? [uid] : []),
    ...(uid !== undefined ? { uid } : {}),
  };
}

export interface LauncherDeps {
  runtime: ContainerRuntime;
  /** Resolves a task's secrets (the API server, for this agent's own tasks only). */
  secrets: TaskSecretsSource;
  /** Told of every container created or adopted, so the next observe inspects it. */
  containers: ContainerIndex;
  /** Where the start of each container is announced as the agent's own (see own-events.ts). */
  ownEvents: OwnEngineEvents;
  ports: HostPortAllocator;
  /** This agent's installation, cluster and instance: on every object it makes. */
  scope: AgentScope;
  /** What an awsvpc task's sandbox runs (spec-sandbox.ts). */
  sandbox: SandboxImage;
  /** Which log drivers run as asked (spec-logs.ts). */
  logDrivers: LogDriverChoice;
  /** The agent's DNS server address, given to containers as their resolver (service discovery). */
  resolver?: string;
  clock: Clock;
  log: Logger;
  /** A container's first health check passed (see probeOnce): the task has news to report. */
  onHealthProbed: (task: string) => void;
}

/** Container `id` is gone: what the task's memory holds of it goes too. */
export function forgetContainer(memory: TaskMemory, id: string): void {
  memory.probedHealthy.delete(id);
  memory.inspections.delete(id);
  memory.stopping.delete(id);
}

export function taskIdentity(task: Task): TaskIdentity {
  return { name: task.metadata.name, ...(task.metadata.uid ? { uid: task.metadata.uid } : {}) };
}

export class Launcher {
  constructor(private readonly deps: LauncherDeps) {}

  /** Creates (or adopts) and starts `names` in parallel; failures land in `memory.failure`. */
  async start(task: Task, def: TaskDefinitionSpec, names: readonly string[], memory: TaskMemory): Promise<void> {
    if (!(await this.prepare(task, def, memory))) return;
    const results = await Promise.allSettled(names.map((name) => this.startOne(task, def, name, memory)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) await this.recordFailure(memory, failed.reason);
  }

  /** Secrets, images, the task's cgroup, network and sandbox, once per task. False when the task cannot start (now or at all). */
  private async prepare(task: Task, def: TaskDefinitionSpec, memory: TaskMemory): Promise<boolean> {
    const { runtime, clock } = this.deps;
    if (!(await this.resolveSecrets(task, def, memory))) return false;
    if (!memory.pull?.stoppedAt) {
      const startedAt = new Date(clock.now()).toISOString();
      memory.pull = { startedAt };
      try {
        // Each image with its container's registry credentials, if it has any (repositoryCredentials).
        const images = new Map(def.containerDefinitions.map((c) => [c.image, memory.secrets?.[c.name]?.registryAuth]));
        if (needsSandbox(def) && !images.has(this.deps.sandbox.image)) images.set(this.deps.sandbox.image, undefined);
        await Promise.all([...images].map(([image, auth]) => runtime.ensureImage(image, auth)));
      } catch (err) {
        if (!(err instanceof ImageUnavailableError)) throw err;
        memory.failure = `CannotPullContainerError: ${err.message}`;
        return false;
      }
      memory.pull = { startedAt, stoppedAt: new Date(clock.now()).toISOString() };
    }
    if (needsTaskNetwork(def) && memory.network === undefined) {
      const identity = taskIdentity(task);
      try {
        memory.network = await runtime.createTaskNetwork({
          name: taskNetworkName(this.deps.scope.cluster, identity),
          labels: taskLabels(this.deps.scope, identity),
        });
      } catch (err) {
        // E.g. Docker's address pools are used up: the task cannot start, and its status says why.
        await this.recordFailure(memory, err, "ResourceInitializationError: cannot create the task's network: ");
        return false;
      }
    }
    if (!memory.cgroupChecked) {
      const limits = taskLimits(task, def);
      if (limits.cpu !== undefined || limits.memory !== undefined) {
        const cgroup = await runtime.createTaskCgroup({
          name: taskNetworkName(this.deps.scope.cluster, taskIdentity(task)),
          ...(limits.cpu !== undefined ? { cpuUnits: limits.cpu } : {}),
          ...(limits.memory !== undefined ? { memoryMiB: limits.memory } : {}),
        });
        if (cgroup !== undefined) memory.cgroupParent = cgroup;
      }
      memory.cgroupChecked = true;
    }
    if (needsSandbox(def) && memory.sandbox === undefined) {
      try {
        memory.sandbox = await this.startSandbox(task, def, memory);
      } catch (err) {
        await this.recordFailure(memory, err, "ResourceInitializationError: cannot start the task's sandbox: ");
        return false;
      }
    }
    return true;
  }

  /**
   * The task's secrets, asked of the API once per task: a secret that does not exist yet makes the
   * task wait (memory.waiting), a reference that can never resolve ends it (memory.failure).
   */
  private async resolveSecrets(task: Task, def: TaskDefinitionSpec, memory: TaskMemory): Promise<boolean> {
    if (memory.secrets || !usesSecrets(def)) return true;
    const answer = await this.deps.secrets.taskSecrets({ cluster: task.metadata.cluster, name: task.metadata.name });
    if (answer.ok) {
      memory.secrets = answer.containers;
      memory.waits = 0;
      return true;
    }
    const reason = unresolvedReason(answer.unresolved);
    if (answer.unresolved.some((u) => u.problem === 'invalid')) memory.failure = reason;
    else {
      memory.waiting = reason;
      memory.waits += 1;
    }
    return false;
  }

  /** Creates (or adopts, after a crash) and starts the task's sandbox; returns its name. */
  private async startSandbox(task: Task, def: TaskDefinitionSpec, memory: TaskMemory): Promise<string> {
    const { runtime, scope } = this.deps;
    const spec = sandboxSpec({
      task,
      taskDefinition: { spec: def },
      scope,
      sandbox: this.deps.sandbox,
      ...(memory.cgroupParent !== undefined ? { cgroupParent: memory.cgroupParent } : {}),
      ...(this.deps.resolver !== undefined ? { resolver: this.deps.resolver } : {}),
    });
    const id = await this.createOrAdopt(task, spec);
    await this.deps.ownEvents.around('start', id, () => runtime.startContainer(id));
    return spec.name;
  }

  private async createOrAdopt(task: Task, spec: ContainerSpec): Promise<string> {
    let id: string;
    try {
      id = await this.deps.runtime.createContainer(spec);
    } catch (err) {
      if (!(err instanceof ContainerNameConflictError) || err.existingId === undefined) throw err;
      if (!isOwnedBy(err.existingLabels, this.deps.scope, taskIdentity(task)))
        throw new ForeignObjectError('container', spec.name, err.existingLabels[DOCKER_LABELS.installation]);
      // Created before a crash (or by a concurrent retry): adopt it rather than make a twin.
      this.deps.log.info({ task: task.metadata.name, container: spec.name, dockerId: err.existingId }, 'adopting existing container');
      id = err.existingId;
    }
    this.deps.containers.add(id, task.metadata.name);
    return id;
  }

  private async startOne(task: Task, def: TaskDefinitionSpec, name: string, memory: TaskMemory): Promise<void> {
    const { runtime, log } = this.deps;
    const container = def.containerDefinitions.find((c) => c.name === name);
    if (!container) throw new Error(`internal: no container ${name} in ${task.spec.taskDefinition}`);
    const hostPorts = await this.hostPortsFor(name, dynamicPortMappings(container, def.networkMode), memory);
    const spec = toContainerSpec({
      task,
      taskDefinition: { spec: def },
      containerDefinition: container,
      instance: this.deps.scope.instance,
      cluster: this.deps.scope.cluster,
      installation: this.deps.scope.installation,
      hostPorts,
      logDrivers: this.deps.logDrivers,
      ...(this.deps.resolver !== undefined ? { resolver: this.deps.resolver } : {}),
      ...(memory.network !== undefined ? { networkName: memory.network } : {}),
      ...secretInputs(memory.secrets?.[name]),
      ...(memory.sandbox !== undefined ? { sandbox: memory.sandbox } : {}),
      ...(memory.cgroupParent !== undefined ? { cgroupParent: memory.cgroupParent } : {}),
    });
    const id = await this.createOrAdopt(task, spec);
    try {
      await this.deps.ownEvents.around('start', id, () => runtime.startContainer(id));
    } catch (err) {
      if (!isPortTaken(err) || Object.keys(hostPorts).length === 0) throw err;
      // Another engine or process took a chosen port between the check and the start: give the
      // ports back (the round-robin reuses them last, and the bind check skips held ones), and
      // let the worker retry soon with new ones.
      await runtime.removeContainer(id);
      this.deps.containers.remove(id);
      forgetContainer(memory, id);
      this.releaseContainerPorts(hostPorts);
      memory.hostPorts.delete(name);
      throw new HostPortTakenError(name, Object.values(hostPorts));
    }
    log.debug({ task: task.metadata.name, container: name, dockerId: id }, 'container started');
    if (container.healthCheck && container.healthCheck.interval >= PROBE_FIRST_FROM_INTERVAL_S)
      this.probeOnce(task.metadata.name, id, container.healthCheck, memory);
  }

  /**
   * Runs the health check once right after the start, as Kubernetes probes a container from its
   * start on: Docker runs its first check only one interval after the start (30 s by default), and
   * a rolling deployment waits for every new task to turn healthy. A pass is reported at once;
   * a failure or an error changes nothing, and Docker's own checks decide from then on.
   * Not for intervals under PROBE_FIRST_FROM_INTERVAL_S (see there).
   */
  private probeOnce(task: string, id: string, check: HealthCheck, memory: TaskMemory): void {
    this.deps.runtime.probe(id, check.command, check.timeout).then(
      (passed) => {
        if (!passed) return;
        memory.probedHealthy.add(id);
        this.deps.onHealthProbed(task);
      },
      (err: unknown) => this.deps.log.debug({ err, task, dockerId: id }, "the first health check could not run; Docker's own checks decide"),
    );
  }

  private async hostPortsFor(name: string, dynamic: { containerPort: number; protocol: 'tcp' | 'udp' }[], memory: TaskMemory): Promise<Record<string, number>> {
    const have = memory.hostPorts.get(name);
    if (have) return have;
    const chosen: Record<string, number> = {};
    for (const m of dynamic) chosen[portKey(m.containerPort, m.protocol)] = await this.deps.ports.allocate(m.protocol);
    memory.hostPorts.set(name, chosen);
    return chosen;
  }

  /** The engine answering means the task is at fault (bad command, bad options): remember it. Else rethrow to retry. */
  private async recordFailure(memory: TaskMemory, reason: unknown, prefix = ''): Promise<void> {
    if (reason instanceof HostPortTakenError) throw reason;
    try {
      await this.deps.runtime.info();
    } catch {
      throw reason instanceof Error ? reason : new Error(String(reason));
    }
    memory.failure = prefix + (reason instanceof Error ? reason.message : String(reason));
  }

  /** Gives the task's dynamic host ports back to the allocator. */
  releasePorts(memory: TaskMemory): void {
    for (const ports of memory.hostPorts.values()) this.releaseContainerPorts(ports);
    memory.hostPorts.clear();
  }

  private releaseContainerPorts(ports: Record<string, number>): void {
    for (const [key, port] of Object.entries(ports)) this.deps.ports.release(port, key.endsWith('/udp') ? 'udp' : 'tcp');
  }
}

/** Docker's words for a published port that something else holds. */
function isPortTaken(err: unknown): boolean {
  return err instanceof Error && /port is already allocated|address already in use/i.test(err.message);
}

/** A container's resolved secrets as toContainerSpec takes them. */
function secretInputs(secrets: ContainerSecrets | undefined) {
  if (!secrets) return {};
  return { secrets: secrets.environment, environmentFiles: secrets.environmentFiles, logOptions: secrets.logOptions };
}
