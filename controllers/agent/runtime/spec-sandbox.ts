/**
 * The network sandbox of an `awsvpc` task: one small container that holds the task's network
 * namespace, which every container of the task joins (`--network container:<sandbox>`), as the ECS
 * agent's pause container and a Kubernetes pod's sandbox hold theirs. The task's containers then
 * reach each other on localhost, share one address, and the task's ports are published once, on
 * the sandbox. It outlives container restarts and goes with the task.
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

export interface SandboxSpecInput {
  task: Pick<Task, 'metadata' | 'spec'>;
  taskDefinition: { spec: Pick<TaskDefinitionSpec, 'containerDefinitions'> };
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
  const containers = input.taskDefinition.spec.containerDefinitions;
  const { ExposedPorts, PortBindings } = sandboxPorts(containers);
  const dns = resolverOf(containers, input.resolver);
  const search = unique(containers.flatMap((c) => c.dnsSearchDomains ?? []));
  const hosts = unique(containers.flatMap((c) => (c.extraHosts ?? []).map((h) => `${h.hostname}:${h.ipAddress}`)));
  // The task's network sysctls, set on the namespace all its containers share (as ECS does).
  const sysctls = Object.fromEntries(
    containers.flatMap((c) => (c.systemControls ?? []).filter((s) => isNetworkSysctl(s.namespace)).map((s) => [s.namespace, s.value])),
  );
  const hostConfig: HostConfig = {
    NetworkMode: 'bridge',
    // --init: the sleep as PID 1 would ignore SIGTERM, and a stop would wait out its timeout.
    Init: true,
    ...(PortBindings ? { PortBindings } : {}),
    ...(dns.length ? { Dns: dns } : {}),
    ...(search.length ? { DnsSearch: search } : {}),
    ...(hosts.length ? { ExtraHosts: hosts } : {}),
    ...(Object.keys(sysctls).length ? { Sysctls: sysctls } : {}),
    ...(input.cgroupParent !== undefined ? { CgroupParent: input.cgroupParent } : {}),
  };
  return {
    name: sandboxName(scope.cluster, identity),
    Image: input.sandbox.image,
    Cmd: [...(input.sandbox.command ?? DEFAULT_SANDBOX_COMMAND)],
    Labels: { ...taskLabels(scope, identity), [DOCKER_LABELS.sandbox]: 'true', [DOCKER_LABELS.taskDefinition]: task.spec.taskDefinition },
    ...(ExposedPorts ? { ExposedPorts } : {}),
    HostConfig: hostConfig,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
