/**
 * What `toContainerSpec` is given: the task, its definition, the one container to build, and the
 * decisions the agent already made elsewhere (host ports, resolved secrets, the task network).
 */
import type { ContainerDefinition } from '../../../api/v1/container-definition.js';
import type { TaskDefinitionSpec } from '../../../api/v1/task-definition.js';
import type { Task, TaskOverrides } from '../../../api/v1/task.js';
import type { LogDriverChoice } from './spec-logs.js';

export type ContainerOverride = NonNullable<TaskOverrides['containerOverrides']>[number];

export interface ContainerSpecInput {
  task: Pick<Task, 'metadata' | 'spec'>;
  taskDefinition: { spec: TaskDefinitionSpec };
  containerDefinition: ContainerDefinition;
  /** The container instance's name. */
  instance: string;
  /** The installation's uid (label berth.installation). */
  installation: string;
  /** Defaults to the task's cluster. */
  cluster?: string;
  /** Defaults to the task's override for this container, if any. */
  overrides?: ContainerOverride;
  /**
   * Host ports the agent chose for dynamic mappings, keyed by `portKey(containerPort, protocol)`.
   * Choosing is the allocator's job (ports.ts), so this function stays pure.
   */
  hostPorts?: Record<string, number>;
  /** Secret values, by the secret's `name` (the environment variable it becomes), already resolved. */
  secrets?: Record<string, string>;
  /** Variables of the container's environmentFiles, already resolved; `environment` wins over them, as in ECS. */
  environmentFiles?: Record<string, string>;
  /** The log driver's secretOptions, already resolved, by option name. */
  logOptions?: Record<string, string>;
  /** The task's bridge network (see `needsTaskNetwork`); absent means Docker's default bridge. */
  networkName?: string;
  /** The name of the task's sandbox (awsvpc, pidMode/ipcMode task), whose namespaces the container joins (spec-sandbox.ts). */
  sandbox?: string;
  /**
   * The task's cgroup (cgroups.ts), which holds the task-level cpu and memory for all its
   * containers; absent when the engine has none, and then each container gets the task's limits.
   */
  cgroupParent?: string;
  /** Which log drivers run as asked, and what the others run on (spec-logs.ts). */
  logDrivers?: LogDriverChoice;
  /** The agent's DNS server (service discovery), the resolver of a container that names no dnsServers of its own. */
  resolver?: string;
}

/** `8080/tcp`: how dynamic host ports are keyed, and Docker's own key for a container port. */
export function portKey(containerPort: number, protocol: 'tcp' | 'udp'): string {
  return `${containerPort}/${protocol}`;
}
