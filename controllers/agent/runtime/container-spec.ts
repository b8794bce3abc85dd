/**
 * toContainerSpec: one container of a task, as Docker create options. Pure and deterministic: the
 * same inputs always give the same options (and the same name), so the agent can compare what it
 * would create with what exists, and a retried create conflicts instead of duplicating.
 *
 * The agent decides everything stateful beforehand (host ports, secret values, the task network) and
 * passes it in.
 */
import type { ContainerCreateOptions, HealthConfig, HostConfig } from 'dockerode';
import { DEFAULT_STOP_TIMEOUT_SECONDS, type ContainerDefinition } from '../../../api/v1/container-definition.js';
import type { HealthCheck } from '../../../api/v1/health-check.js';
import type { LinuxParameters } from '../../../api/v1/container-parts.js';
import type { TaskDefinitionSpec } from '../../../api/v1/task-definition.js';
import type { Task } from '../../../api/v1/task.js';
import { ContainerSpecError } from './errors.js';
import { containerName, DOCKER_LABELS, taskLabels, type TaskIdentity } from './names.js';
import type { ContainerSpecInput, ContainerOverride } from './spec-input.js';
import { mountOptions } from './spec-mounts.js';
import { logOptions } from './spec-logs.js';
import { isNetworkSysctl } from './spec-network.js';
import { networkOptions } from './spec-network.js';
import type { ContainerSpec } from './types.js';

export { portKey, type ContainerSpecInput } from './spec-input.js';
export { dynamicPortMappings, needsTaskNetwork, networkAliases } from './spec-network.js';

/** Linux's smallest cpu.shares; ECS's agent gives a container without cpu units this many. */
export const MIN_CPU_SHARES = 2;
const MIB = 1024 * 1024;
const NS_PER_SECOND = 1_000_000_000;

export function toContainerSpec(input: ContainerSpecInput): ContainerSpec {
  const { task, taskDefinition, containerDefinition: c, instance } = input;
  const cluster = input.cluster ?? task.metadata.cluster;
  const identity: TaskIdentity = { name: task.metadata.name, ...(task.metadata.uid ? { uid: task.metadata.uid } : {}) };
  const override = input.overrides ?? task.spec.overrides?.containerOverrides?.find((o) => o.name === c.name);
  const ownLabels = taskLabels({ installation: input.installation, cluster, instance }, identity);
  const network = networkOptions(c, taskDefinition.spec, input.hostPorts ?? {}, input.networkName, input.sandbox, input.resolver);
  const mounts = mountOptions(c, { cluster, task: identity, volumes: taskDefinition.spec.volumes ?? [], taskLabels: ownLabels });
  const logs = logOptions(c.logConfiguration, input.logDrivers);

  const hostConfig: HostConfig = {
    ...network.HostConfig,
    ...mounts,
    ...resources(c, override, input.cgroupParent === undefined ? taskLimits(task, taskDefinition.spec) : {}),
    ...(input.cgroupParent !== undefined ? { CgroupParent: input.cgroupParent } : {}),
    ...linuxOptions(c.linuxParameters, override?.memory ?? c.memory),
    ...(c.ulimits?.length ? { Ulimits: c.ulimits.map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })) } : {}),
    ...logConfig(logs, input.logOptions),
    ...(c.privileged ? { Privileged: true } : {}),
    ...(c.readonlyRootFilesystem ? { ReadonlyRootfs: true } : {}),
    ...sysctls(c, taskDefinition.spec.networkMode),
    ...(c.dockerSecurityOptions?.length ? { SecurityOpt: [...c.dockerSecurityOptions] } : {}),
    ...gpuRequests(c),
    ...taskNamespaces(c.name, taskDefinition.spec, input.sandbox),
  };

  const spec: ContainerCreateOptions & { name: string } = {
    name: containerName(cluster, identity, c.name),
    Image: c.image,
    // berth's labels last: a dockerLabel cannot pretend a container belongs to another task.
    Labels: {
      ...c.dockerLabels,
      ...logs.labels,
      ...ownLabels,
      [DOCKER_LABELS.container]: c.name,
      [DOCKER_LABELS.taskDefinition]: task.spec.taskDefinition,
    },
    Env: environment(c, override, input.secrets ?? {}, input.environmentFiles ?? {}),
    StopTimeout: c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    HostConfig: hostConfig,
  };
  const command = override?.command ?? c.command;
  if (command) spec.Cmd = [...command];
  if (c.entryPoint) spec.Entrypoint = [...c.entryPoint];
  if (c.workingDirectory !== undefined) spec.WorkingDir = c.workingDirectory;
  if (c.user !== undefined) spec.User = c.user;
  if (c.healthCheck) spec.Healthcheck = healthcheck(c.healthCheck);
  if (c.interactive) spec.OpenStdin = true;
  if (c.pseudoTerminal) spec.Tty = true;
  if (network.ExposedPorts) spec.ExposedPorts = network.ExposedPorts;
  if (network.NetworkingConfig) spec.NetworkingConfig = network.NetworkingConfig;
  if (network.Hostname !== undefined) spec.Hostname = network.Hostname;
  if (network.NetworkDisabled) spec.NetworkDisabled = true;
  return spec;
}

/** `NAME=value`: the environment files, the definition's environment, the override's, then secrets; a later name wins in place. */
function environment(
  c: ContainerDefinition,
  override: ContainerOverride | undefined,
  secrets: Record<string, string>,
  files: Record<string, string>,
): string[] {
  const env = new Map<string, string>(Object.entries(files));
  for (const { name, value } of [...(c.environment ?? []), ...(override?.environment ?? [])]) env.set(name, value);
  c.secrets?.forEach((s, i) => {
    const value = secrets[s.name];
    if (value === undefined)
      throw new ContainerSpecError(
        c.name,
        `secrets[${i}]`,
        `secret "${s.name}" (from ${s.valueFrom}) was not resolved; resolve it before building the container`,
      );
    env.set(s.name, value);
  });
  return [...env].map(([name, value]) => `${name}=${value}`);
}

/** The task-level cpu units and MiB (the task's overrides win), which the task's cgroup enforces when there is one. */
export function taskLimits(task: Pick<Task, 'spec'>, spec: Pick<TaskDefinitionSpec, 'cpu' | 'memory'>): { cpu?: number; memory?: number } {
  const cpu = task.spec.overrides?.cpu ?? spec.cpu;
  const memory = task.spec.overrides?.memory ?? spec.memory;
  return { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
}

/**
 * The container's own limits: cpu units as shares, memory as the hard limit, memoryReservation as
 * the soft one. `task`: the task-level limits when no task cgroup holds them; then each container
 * without a memory limit of its own gets the task's (one container cannot exceed the task, though
 * together they can). Task cpu is not turned into per-container quotas: Docker refuses a quota
 * above the host's CPUs, and shares already divide the CPU by the containers' units.
 */
function resources(c: ContainerDefinition, override: ContainerOverride | undefined, task: { memory?: number }): HostConfig {
  const cpu = override?.cpu ?? c.cpu ?? 0;
  const memory = override?.memory ?? c.memory ?? task.memory;
  const reservation = override?.memoryReservation ?? c.memoryReservation;
  const out: HostConfig = { CpuShares: Math.max(cpu, MIN_CPU_SHARES) };
  if (memory !== undefined) out.Memory = memory * MIB;
  if (reservation !== undefined) out.MemoryReservation = reservation * MIB;
  return out;
}

/**
 * systemControls as Docker's sysctls. In awsvpc the network ones belong to the namespace the task
 * shares, so they are set on its sandbox (spec-sandbox.ts), as ECS sets them on the pause container;
 * Docker refuses them on a container that joins another's network.
 */
function sysctls(c: ContainerDefinition, mode: TaskDefinitionSpec['networkMode']): HostConfig {
  const own = (c.systemControls ?? []).filter((s) => mode !== 'awsvpc' || !isNetworkSysctl(s.namespace));
  return own.length ? { Sysctls: Object.fromEntries(own.map((s) => [s.namespace, s.value])) } : {};
}

/** GPU resourceRequirements as Docker's device requests (`docker run --gpus N`). */
function gpuRequests(c: ContainerDefinition): HostConfig {
  const count = (c.resourceRequirements ?? []).filter((r) => r.type === 'GPU').reduce((n, r) => n + Number(r.value), 0);
  return count > 0 ? { DeviceRequests: [{ Driver: '', Count: count, Capabilities: [['gpu']] }] } : {};
}

function linuxOptions(p: LinuxParameters | undefined, memoryMiB: number | undefined): HostConfig {
  if (!p) return {};
  const out: HostConfig = {};
  if (p.initProcessEnabled) out.Init = true;
  if (p.capabilities?.add?.length) out.CapAdd = [...p.capabilities.add];
  if (p.capabilities?.drop?.length) out.CapDrop = [...p.capabilities.drop];
  if (p.devices?.length)
    out.Devices = p.devices.map((d) => ({
      PathOnHost: d.hostPath,
      PathInContainer: d.containerPath ?? d.hostPath,
      CgroupPermissions: d.permissions?.length ? d.permissions.map((x) => x[0]).join('') : 'rwm',
    }));
  if (p.sharedMemorySize !== undefined) out.ShmSize = p.sharedMemorySize * MIB;
  if (p.tmpfs?.length) out.Tmpfs = Object.fromEntries(p.tmpfs.map((t) => [t.containerPath, [`size=${t.size}m`, ...(t.mountOptions ?? [])].join(',')]));
  // Docker's MemorySwap is memory plus swap, and needs a memory limit to add to.
  if (p.maxSwap !== undefined && memoryMiB !== undefined) out.MemorySwap = (memoryMiB + p.maxSwap) * MIB;
  if (p.swappiness !== undefined) out.MemorySwappiness = p.swappiness;
  return out;
}

/**
 * ECS's pidMode/ipcMode: `host` joins the host's namespace; `task` the one the task's sandbox holds
 * (spec-sandbox.ts), shared by all the task's containers, as ECS's containers join its pause container's.
 */
function taskNamespaces(container: string, spec: ContainerSpecInput['taskDefinition']['spec'], sandbox: string | undefined): HostConfig {
  const out: HostConfig = {};
  const joined = (field: 'pidMode' | 'ipcMode') => {
    if (sandbox === undefined)
      throw new ContainerSpecError(container, field, "the task's containers share its sandbox's namespace: create the sandbox and pass its name");
    return `container:${sandbox}`;
  };
  if (spec.pidMode === 'host') out.PidMode = 'host';
  if (spec.pidMode === 'task') out.PidMode = joined('pidMode');
  if (spec.ipcMode === 'host' || spec.ipcMode === 'none') out.IpcMode = spec.ipcMode;
  if (spec.ipcMode === 'task') out.IpcMode = joined('ipcMode');
  return out;
}

function healthcheck(h: HealthCheck): HealthConfig {
  const out: HealthConfig = {
    Test: [...h.command],
    Interval: h.interval * NS_PER_SECOND,
    Timeout: h.timeout * NS_PER_SECOND,
    Retries: h.retries,
  };
  if (h.startPeriod !== undefined) out.StartPeriod = h.startPeriod * NS_PER_SECOND;
  return out;
}

/**
 * The log driver's configuration with the values of its secretOptions added; a driver that runs on
 * the instance's local driver instead (spec-logs.ts) takes none of them.
 */
function logConfig(logs: ReturnType<typeof logOptions>, secretOptions: Record<string, string> | undefined): Pick<HostConfig, 'LogConfig'> {
  const config = logs.hostConfig.LogConfig;
  if (!config || !secretOptions || Object.keys(logs.labels).length > 0) return logs.hostConfig;
  return { LogConfig: { ...config, Config: { ...config.Config, ...secretOptions } } };
}
