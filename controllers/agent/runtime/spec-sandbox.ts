/**
 * The sandbox of a task: one small container that holds the namespaces the task's containers share,
 * as the ECS agent's pause container and a Kubernetes pod's sandbox hold theirs.
 * - `awsvpc`: its network namespace, which every container joins (`--network container:<sandbox>`):
 *   they reach each other on localhost and share one address, the task's (as an ECS task's elastic
 *   network interface), where its ports are reached; nothing is published on the instance.
 * - `pidMode: task` / `ipcMode: task`: its PID / IPC namespace, which every container joins
 *   (`--pid` / `--ipc container:<sandbox>`): they see each other's processes, share System V IPC and
 *   /dev/shm. Its init is PID 1 of the shared PID namespace and reaps what the containers leave.
 *   Without awsvpc it has no network of its own (`none`): the containers keep their network mode.
 * It outlives container restarts and goes with the task.
 *
 * Pure, like toContainerSpec: the same task always gives the same options and the same name, so a
 * create retried after a crash conflicts and the agent adopts the sandbox it made before.
 */
import type { HostConfig } from 'dockerode';
import type { TaskDefinitionSpec } from '../../../api/v1/task-definition.js';
import type { Task } from '../../../api/v1/task.js';
import { DOCKER_LABELS, sandboxName, taskLabels, type AgentScope, type TaskIdentity } from './names.js';
import { isNetworkSysctl, resolverOf, sandboxPorts } from './spec-network.js';
import type { ContainerSpec } from './types.js';

export interface SandboxImage {
  image: string;
  /** What it runs: anything that waits forever (default: busybox's sleep; a pause image needs none). */
  command?: readonly string[];
}

/** busybox's `sleep` takes seconds up to 2^31-1: 68 years. */
export const DEFAULT_SANDBOX_COMMAND = ['sleep', '2147483647'] as const;

/** Whether a task has a sandbox: it shares a network (awsvpc), PID or IPC namespace among its containers. */
export function needsSandbox(spec: Pick<TaskDefinitionSpec, 'networkMode' | 'pidMode' | 'ipcMode'>): boolean {
  return spec.networkMode === 'awsvpc' || spec.pidMode === 'task' || spec.ipcMode === 'task';
}

export interface SandboxSpecInput {
  task: Pick<Task, 'metadata' | 'spec'>;
  taskDefinition: { spec: Pick<TaskDefinitionSpec, 'containerDefinitions' | 'networkMode' | 'pidMode' | 'ipcMode'> };
  scope: AgentScope;
  sandbox: SandboxImage;
  /** The task's cgroup (see cgroups.ts), so the sandbox counts against the task as on ECS. */
  cgroupParent?: string;
  /** The agent's DNS server, for a task whose containers name no dnsServers (spec-network.ts resolverOf). */
  resolver?: string;
}

export function sandboxSpec(input: SandboxSpecInput): ContainerSpec {
  const { task, scope } = input;
  const identity: TaskIdentity = { name: task.metadata.name, ...(task.metadata.uid ? { uid: task.metadata.uid } : {}) };
  const spec = input.taskDefinition.spec;
  const base: HostConfig = {
    // --init: the sleep as PID 1 would ignore SIGTERM, and a stop would wait out its timeout.
    Init: true,
    // Docker lets other containers join an IPC namespace only when its holder makes it shareable.
    ...(spec.ipcMode === 'task' ? { IpcMode: 'shareable' } : {}),
    ...(input.cgroupParent !== undefined ? { CgroupParent: input.cgroupParent } : {}),
  };
  const network = spec.networkMode === 'awsvpc' ? networkOf(spec.containerDefinitions, input.resolver) : { hostConfig: { NetworkMode: 'none' } };
  return {
    name: sandboxName(scope.cluster, identity),
    Image: input.sandbox.image,
    Cmd: [...(input.sandbox.command ?? DEFAULT_SANDBOX_COMMAND)],
    Labels: { ...taskLabels(scope, identity), [DOCKER_LABELS.sandbox]: 'true', [DOCKER_LABELS.taskDefinition]: task.spec.taskDefinition },
    ...(network.exposedPorts ? { ExposedPorts: network.exposedPorts } : {}),
    HostConfig: { ...network.hostConfig, ...base },
  };
}

/** awsvpc: the task's network namespace, with what belongs to it rather than to one container. */
function networkOf(
  containers: TaskDefinitionSpec['containerDefinitions'],
  resolver: string | undefined,
): { hostConfig: HostConfig; exposedPorts?: Record<string, object> } {
  const { ExposedPorts } = sandboxPorts(containers);
  const dns = resolverOf(containers, resolver);
  const search = unique(containers.flatMap((c) => c.dnsSearchDomains ?? []));
  const hosts = unique(containers.flatMap((c) => (c.extraHosts ?? []).map((h) => `${h.hostname}:${h.ipAddress}`)));
  // The task's network sysctls, set on the namespace all its containers share (as ECS does).
  const sysctls = Object.fromEntries(
    containers.flatMap((c) => (c.systemControls ?? []).filter((s) => isNetworkSysctl(s.namespace)).map((s) => [s.namespace, s.value])),
  );
  const hostConfig: HostConfig = {
    NetworkMode: 'bridge',
    ...(dns.length ? { Dns: dns } : {}),
    ...(search.length ? { DnsSearch: search } : {}),
    ...(hosts.length ? { ExtraHosts: hosts } : {}),
    ...(Object.keys(sysctls).length ? { Sysctls: sysctls } : {}),
  };
  return { hostConfig, ...(ExposedPorts ? { exposedPorts: ExposedPorts } : {}) };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
