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
import { ContainerSpecError } from './errors.js';
import { containerName, DOCKER_LABELS, taskLabels, type TaskIdentity } from './names.js';
import type { ContainerSpecInput, ContainerOverride } from './spec-input.js';
import { mountOptions } from './spec-mounts.js';
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
  const network = networkOptions(c, taskDefinition.spec, input.hostPorts ?? {}, input.networkName);
  const mounts = mountOptions(c, { cluster, task: identity, volumes: taskDefinition.spec.volumes ?? [], taskLabels: ownLabels });

  const hostConfig: HostConfig = {
    ...network.HostConfig,
    ...mounts,
    ...resources(c, override),
    ...linuxOptions(c.linuxParameters, override?.memory ?? c.memory),
    ...(c.ulimits?.length ? { Ulimits: c.ulimits.map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })) } : {}),
    ...(c.logConfiguration ? { LogConfig: { Type: c.logConfiguration.logDriver, Config: { ...c.logConfiguration.options } } } : {}),
    ...(c.privileged ? { Privileged: true } : {}),
    ...(c.readonlyRootFilesystem ? { ReadonlyRootfs: true } : {}),
    ...(c.systemControls?.length ? { Sysctls: Object.fromEntries(c.systemControls.map((s) => [s.namespace, s.value])) } : {}),
    ...taskNamespaces(taskDefinition.spec),
  };

  const spec: ContainerCreateOptions & { name: string } = {
    name: containerName(cluster, identity, c.name),
    Image: c.image,
    // berth's labels last: a dockerLabel cannot pretend a container belongs to another task.
    Labels: {
      ...c.dockerLabels,
      ...ownLabels,
      [DOCKER_LABELS.container]: c.name,
      [DOCKER_LABELS.taskDefinition]: task.spec.taskDefinition,
    },
    Env: environment(c, override, input.secrets ?? {}),
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

/** `NAME=value`: the definition's environment, then the override's, then secrets; a later name wins in place. */
function environment(c: ContainerDefinition, override: ContainerOverride | undefined, secrets: Record<string, string>): string[] {
  const env = new Map<string, string>();
  for (const { name, value } of [...(c.environment ?? []), ...(override?.environment ?? [])]) env.set(name, value);
  c.secrets?.forEach((s, i) => {
    const value = secrets[s.name];
    if (value === undefined)
      throw new ContainerSpecError(c.name, `secrets[${i}]`, `secret "${s.name}" (from ${s.valueFrom}) was not resolved; resolve it before building the container`);
    env.set(s.name, value);
  });
  return [...env].map(([name, value]) => `${name}=${value}`);
}

function resources(c: ContainerDefinition, override: ContainerOverride | undefined): HostConfig {
  const cpu = override?.cpu ?? c.cpu ?? 0;
  const memory = override?.memory ?? c.memory;
  const reservation = override?.memoryReservation ?? c.memoryReservation;
  const out: HostConfig = { CpuShares: Math.max(cpu, MIN_CPU_SHARES) };
  if (memory !== undefined) out.Memory = memory * MIB;
  if (reservation !== undefined) out.MemoryReservation = reservation * MIB;
  return out;
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
  if (p.tmpfs?.length)
    out.Tmpfs = Object.fromEntries(p.tmpfs.map((t) => [t.containerPath, [`size=${t.size}m`, ...(t.mountOptions ?? [])].join(',')]));
  // Docker's MemorySwap is memory plus swap, and needs a memory limit to add to.
  if (p.maxSwap !== undefined && memoryMiB !== undefined) out.MemorySwap = (memoryMiB + p.maxSwap) * MIB;
  if (p.swappiness !== undefined) out.MemorySwappiness = p.swappiness;
  return out;
}

/** ECS's pidMode/ipcMode `host`; `task` (sharing among the task's containers) needs a pause container berth does not run yet. */
function taskNamespaces(spec: ContainerSpecInput['taskDefinition']['spec']): HostConfig {
  const out: HostConfig = {};
  if (spec.pidMode === 'host') out.PidMode = 'host';
  if (spec.ipcMode === 'host' || spec.ipcMode === 'none') out.IpcMode = spec.ipcMode;
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
