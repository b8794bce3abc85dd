/**
 * Why a task could not be placed, in ECS's words (the `reason` codes of RunTask's failures and of
 * service events), each with how many instances it ruled out.
 */
import type { PlacementCandidate } from './candidate.js';
import type { CompiledConstraints } from './constraints.js';
import type { TaskDemand } from './demand.js';
import type { PassState } from './pass-state.js';
import type { ClusterQuerySyntaxError } from '../../../api/cluster-query/index.js';

export const PLACEMENT_REASONS = {
  noInstances: 'no container instances ACTIVE and connected',
  invalidExpression: 'MemberOf expression invalid',
  distinctInstance: 'DistinctInstance placement constraint unsatisfied',
  memberOf: 'MemberOf placement constraint unsatisfied',
  cpu: 'RESOURCE:CPU',
  memory: 'RESOURCE:MEMORY',
  gpu: 'RESOURCE:GPU',
  portsTcp: 'RESOURCE:PORTS_TCP',
  portsUdp: 'RESOURCE:PORTS_UDP',
} as const;
export type PlacementReason = (typeof PLACEMENT_REASONS)[keyof typeof PLACEMENT_REASONS];

export interface PlacementFailure {
  readonly reason: PlacementReason;
  /** How many instances this reason ruled out ... */
  readonly instances: number;
  /** ... of how many that were considered. */
  readonly of: number;
  /** For people: `3 of 3 instances lacked MEMORY (the task needs 512 MiB; the most free on any is 256 MiB)`. */
  readonly message: string;
}

/** One line for a task's status.pendingReason or a service event. */
export function describeFailures(failures: readonly PlacementFailure[]): string {
  return failures.map((f) => f.message).join('; ');
}

export function noEligibleInstances(candidates: readonly PlacementCandidate[]): PlacementFailure {
  const reason = PLACEMENT_REASONS.noInstances;
  if (candidates.length === 0) return { reason, instances: 0, of: 0, message: `${reason} (the cluster has no container instances)` };
  const draining = candidates.filter((c) => c.status !== 'ACTIVE').length;
  const disconnected = candidates.filter((c) => c.status === 'ACTIVE' && !c.agentConnected).length;
  const parts: string[] = [];
  if (draining > 0) parts.push(`${draining} DRAINING`);
  if (disconnected > 0) parts.push(`${disconnected} with the agent disconnected`);
  return {
    reason,
    instances: candidates.length,
    of: candidates.length,
    message: `${reason} (of ${candidates.length}: ${parts.join(', ')})`,
  };
}

export function invalidExpression(error: ClusterQuerySyntaxError, instances: number): PlacementFailure {
  return { reason: PLACEMENT_REASONS.invalidExpression, instances, of: instances, message: error.message };
}

/**
 * Checks every instance against every requirement (not stopping at the first that fails, unlike
 * the placement loop) so each reason's count is complete. Only runs when nothing fits.
 */
export function diagnose(demand: TaskDemand, group: string, constraints: Extract<CompiledConstraints, { ok: true }>, state: PassState): PlacementFailure[] {
  const n = state.size;
  let distinct = 0;
  let memberOf = 0;
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  let maxGpu = -Infinity;
  let maxCpu = -Infinity;
  let maxMemory = -Infinity;
  const failedExpressions = new Set<string>();
  const takenTcp = new Set<number>();
  const takenUdp = new Set<number>();
  let tcp = 0;
  let udp = 0;
  for (let i = 0; i < n; i++) {
    if (constraints.distinct && (constraints.distinct[i] ?? 0) > 0) distinct++;
    let memberOfFailed = false;
    for (const check of constraints.memberOf)
      if (!check.passes(i)) {
        memberOfFailed = true;
        failedExpressions.add(check.expression);
      }
    if (memberOfFailed) memberOf++;
    const freeCpu = state.cpu[i] ?? 0;
    const freeMemory = state.memory[i] ?? 0;
    maxCpu = Math.max(maxCpu, freeCpu);
    maxMemory = Math.max(maxMemory, freeMemory);
    if (freeCpu < demand.cpu) cpu++;
    if (freeMemory < demand.memory) memory++;
    const freeGpu = state.gpu[i] ?? 0;
    maxGpu = Math.max(maxGpu, freeGpu);
    if (freeGpu < demand.gpu) gpu++;
    if (collectTaken(state.portsTcp[i], demand.staticPorts.tcp, takenTcp)) tcp++;
    if (collectTaken(state.portsUdp[i], demand.staticPorts.udp, takenUdp)) udp++;
  }
  const out: PlacementFailure[] = [];
  const add = (reason: PlacementReason, count: number, what: string) => {
    if (count > 0) out.push({ reason, instances: count, of: n, message: `${count} of ${n} ${n === 1 ? 'instance' : 'instances'} ${what}` });
  };
  add(PLACEMENT_REASONS.distinctInstance, distinct, `already run a task of group "${group}" (distinctInstance)`);
  add(PLACEMENT_REASONS.memberOf, memberOf, `did not satisfy memberOf ${[...failedExpressions].map((e) => JSON.stringify(e)).join(' and ')}`);
  add(PLACEMENT_REASONS.cpu, cpu, `lacked CPU (the task needs ${demand.cpu} units; the most free on any is ${maxCpu})`);
  add(PLACEMENT_REASONS.memory, memory, `lacked MEMORY (the task needs ${demand.memory} MiB; the most free on any is ${maxMemory} MiB)`);
  add(PLACEMENT_REASONS.gpu, gpu, `lacked GPU (the task needs ${demand.gpu}; the most free on any is ${maxGpu})`);
  add(PLACEMENT_REASONS.portsTcp, tcp, `lacked PORTS_TCP (${portList(takenTcp, 'tcp')} taken or reserved)`);
  add(PLACEMENT_REASONS.portsUdp, udp, `lacked PORTS_UDP (${portList(takenUdp, 'udp')} taken or reserved)`);
  return out;
}

/** Adds the wanted ports that are taken to `taken`; true when any was. */
function collectTaken(inUse: ReadonlySet<number> | undefined, wanted: readonly number[], taken: Set<number>): boolean {
  let any = false;
  for (const p of wanted)
    if (inUse?.has(p)) {
      taken.add(p);
      any = true;
    }
  return any;
}

function portList(ports: ReadonlySet<number>, protocol: string): string {
  const sorted = [...ports].sort((a, b) => a - b).map((p) => `${p}/${protocol}`);
  return `${sorted.length === 1 ? 'host port' : 'host ports'} ${sorted.join(', ')}`;
}
