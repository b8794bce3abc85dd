/**
 * Builders for placement tests (berth's and extension authors'): candidates and demands with
 * sensible defaults, overridden field by field.
 */
import type { PlacementCandidate, PlacedTask } from './candidate.js';
import type { TaskDemand } from './demand.js';

export interface CandidateOverrides {
  readonly status?: PlacementCandidate['status'];
  readonly agentConnected?: boolean;
  readonly attributes?: Record<string, string>;
  readonly registeredAt?: string;
  readonly agentVersion?: string;
  readonly cpu?: number;
  readonly memory?: number;
  readonly gpu?: number;
  readonly portsTcp?: number[];
  readonly portsUdp?: number[];
  /** Groups of the tasks already on the instance, one entry per task. */
  readonly groups?: string[];
}

export function testCandidate(name: string, o: CandidateOverrides = {}): PlacementCandidate {
  const tasks: PlacedTask[] = (o.groups ?? []).map((group) => ({ group }));
  return {
    name,
    status: o.status ?? 'ACTIVE',
    agentConnected: o.agentConnected ?? true,
    attributes: o.attributes ?? {},
    registeredAt: o.registeredAt,
    agentVersion: o.agentVersion,
    remaining: {
      cpu: o.cpu ?? 4096,
      memory: o.memory ?? 8192,
      ...(o.gpu !== undefined ? { gpu: o.gpu } : {}),
      portsTcp: o.portsTcp ?? [],
      portsUdp: o.portsUdp ?? [],
    },
    tasks,
  };
}

export function testDemand(o: Partial<{ cpu: number; memory: number; gpu: number; tcp: number[]; udp: number[]; dynamicPorts: number }> = {}): TaskDemand {
  return {
    cpu: o.cpu ?? 0,
    memory: o.memory ?? 128,
    gpu: o.gpu ?? 0,
    staticPorts: { tcp: o.tcp ?? [], udp: o.udp ?? [] },
    dynamicPorts: o.dynamicPorts ?? 0,
  };
}
