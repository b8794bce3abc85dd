/**
 * What one task takes from a container instance: cpu units, MiB of memory, fixed host ports per
 * protocol, and how many ports Docker will pick dynamically.
 */
import {
  DYNAMIC_HOST_PORT,
  effectiveHostPort,
  takesHostPorts,
  type ContainerDefinition,
  type TaskDefinitionSpec,
  type TaskOverrides,
} from '../../../api/v1/index.js';

export interface HostPorts {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

export interface TaskDemand {
  /** CPU units (1024 per vCPU); 0 is allowed and reserves nothing. */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
  /** GPUs (resourceRequirements of type GPU), which the instance must have free. */
  readonly gpu: number;
  /** Fixed host ports the task binds, each protocol sorted and without repeats. */
  readonly staticPorts: HostPorts;
  /** Mappings whose host port Docker picks (bridge mode, hostPort 0 or absent); these never conflict. */
  readonly dynamicPorts: number;
}

export const NO_PORTS: HostPorts = Object.freeze({ tcp: Object.freeze([]), udp: Object.freeze([]) });

export type DemandSource = Pick<TaskDefinitionSpec, 'cpu' | 'memory' | 'networkMode' | 'containerDefinitions'>;

/**
 * The resources a task of `definition` (with a task's `overrides`) reserves, as ECS computes them:
 * - cpu: the task-level cpu if set, else the sum of the containers' cpu (absent counts as 0);
 * - memory: the task-level memory if set, else per container its memoryReservation (the soft limit)
 *   when given, otherwise its memory hard limit. ECS documents this order: "If you specify
 *   memoryReservation, then that value is subtracted from the available memory resources for the
 *   container instance ... Otherwise, the value of memory is used.";
 * - ports: a mapping's host port as the network mode makes it (networking.ts effectiveHostPort); none in
 *   awsvpc, whose ports are on the task's own address, so any number of its tasks share an instance;
 * - gpu: the containers' GPU resourceRequirements, summed.
 * Task-level values arrive already normalized to units and MiB by api/v1's TaskCpu and TaskMemory.
 */
export function taskDemand(definition: DemandSource, overrides?: TaskOverrides): TaskDemand {
  const containers = definition.containerDefinitions.map((c) => withOverride(c, overrides));
  const taskCpu = overrides?.cpu ?? definition.cpu;
  const taskMemory = overrides?.memory ?? definition.memory;
  const cpu = taskCpu ?? containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  const memory = taskMemory ?? containers.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0);

  const tcp = new Set<number>();
  const udp = new Set<number>();
  let dynamicPorts = 0;
  if (takesHostPorts(definition.networkMode)) {
    for (const c of containers)
      for (const mapping of c.portMappings ?? []) {
        const port = effectiveHostPort(mapping, definition.networkMode);
        if (port === DYNAMIC_HOST_PORT) dynamicPorts++;
        else (mapping.protocol === 'udp' ? udp : tcp).add(port);
      }
  }
  const sorted = (ports: Set<number>) => [...ports].sort((a, b) => a - b);
  const gpu = definition.containerDefinitions.reduce((sum, c) => sum + gpusOf(c), 0);
  return { cpu, memory, gpu, staticPorts: { tcp: sorted(tcp), udp: sorted(udp) }, dynamicPorts };
}

/** A container's GPUs: ECS's resourceRequirements `{type: GPU, value: "2"}`. */
export function gpusOf(c: Pick<ContainerDefinition, 'resourceRequirements'>): number {
  return (c.resourceRequirements ?? []).filter((r) => r.type === 'GPU').reduce((sum, r) => sum + (Number.parseInt(r.value, 10) || 0), 0);
}

type Sizing = Pick<ContainerDefinition, 'cpu' | 'memory' | 'memoryReservation' | 'portMappings'>;

/** A container's sizing with the task's per-container override applied field by field. */
function withOverride(c: ContainerDefinition, overrides: TaskOverrides | undefined): Sizing {
  const o = overrides?.containerOverrides?.find((x) => x.name === c.name);
  if (!o) return c;
  return {
    cpu: o.cpu ?? c.cpu,
    memory: o.memory ?? c.memory,
    memoryReservation: o.memoryReservation ?? c.memoryReservation,
    portMappings: c.portMappings,
  };
}
