/**
 * A container instance as placement sees it: what is left on it and which tasks are on it.
 */
import type { ContainerInstance, ContainerInstanceSpec } from '../../../api/v1/index.js';

/** A task bound to an instance, as far as placement cares: its group (`service:web`, `family:batch`). */
export interface PlacedTask {
  readonly group?: string;
}

export interface PlacementCandidate {
  /** The ContainerInstance's metadata.name: what `instanceId` means in expressions and spread. */
  readonly name: string;
  readonly status: ContainerInstanceSpec['status'];
  readonly agentConnected: boolean;
  readonly attributes: Readonly<Record<string, string>>;
  readonly registeredAt?: string;
  readonly agentVersion?: string;
  /** What is free: cpu units, MiB, and host ports already taken (reserved or bound). */
  readonly remaining: {
    readonly cpu: number;
    readonly memory: number;
    /** GPUs; absent: none. */
    readonly gpu?: number;
    readonly portsTcp: readonly number[];
    readonly portsUdp: readonly number[];
  };
  /** Every task bound to the instance that still holds resources there. */
  readonly tasks: readonly PlacedTask[];
}

/**
 * Builds a candidate from a stored ContainerInstance and the tasks bound to it.
 * Free resources come from what the agent reported (status.remainingResources); an instance that has
 * not reported yet offers its registeredResources, with its registered reserved ports taken. A
 * scheduler that binds tasks faster than agents report should pass `remaining` it computed itself
 * (registered minus the demand of every bound task), or it may over-commit across passes.
 */
export function candidateFromInstance(
  instance: ContainerInstance,
  tasks: readonly PlacedTask[],
  remaining?: PlacementCandidate['remaining'],
): PlacementCandidate {
  const registered = instance.spec.registeredResources;
  const reported = instance.status?.remainingResources;
  return {
    name: instance.metadata.name,
    status: instance.spec.status,
    agentConnected: instance.status?.agentConnected ?? false,
    attributes: instance.spec.attributes,
    registeredAt: instance.status?.registeredAt,
    agentVersion: instance.spec.agent?.version,
    remaining: remaining ??
      reported ?? {
        cpu: registered.cpu,
        memory: registered.memory,
        ...(registered.gpu !== undefined ? { gpu: registered.gpu } : {}),
        portsTcp: registered.ports ?? [],
        portsUdp: registered.portsUdp ?? [],
      },
    tasks,
  };
}

/** Only ACTIVE instances with a connected agent receive tasks (ECS: DRAINING instances get none). */
export function isEligible(candidate: PlacementCandidate): boolean {
  return candidate.status === 'ACTIVE' && candidate.agentConnected;
}
