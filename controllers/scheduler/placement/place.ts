/**
 * Choosing an instance for a task, and for many tasks in one pass.
 *
 * For each task: keep the instances with enough cpu and memory, whose static host ports (per
 * protocol) are neither in use nor reserved, and that satisfy every constraint; rank them by the
 * strategies in order (each breaking the previous one's ties); pick among what is still tied with
 * the injected `rng`. A pass takes each placed task's resources and records its group before the
 * next task is placed, so one pass never over-commits an instance and spread/distinctInstance see
 * the tasks it placed. Pure: same candidates, requests and rng sequence, same answer.
 */
import { DEFAULT_RESERVED_PORTS, parseTaskDefinitionRef, type PlacementStrategy } from '../../../api/v1/index.js';
import { isEligible, type PlacementCandidate } from './candidate.js';
import { compileConstraints, MemberOfCache, type CompiledConstraints, type ConstraintInput } from './constraints.js';
import type { HostPorts, TaskDemand } from './demand.js';
import { PassState, type ReservedPorts } from './pass-state.js';
import { diagnose, invalidExpression, noEligibleInstances, type PlacementFailure } from './reasons.js';
import { effectiveStrategies, strategyScores, type ScoreColumn } from './strategies.js';

/** A number in [0, 1), like Math.random, but seeded by the caller so placement is reproducible. */
export type Rng = () => number;

export interface PlacementRequest {
  readonly demand: TaskDemand;
  /** The task's group: `service:<name>` for a service's tasks, else e.g. `family:<family>`. */
  readonly group: string;
  /** The service's (or run-task's) constraints followed by the task definition's. */
  readonly constraints?: readonly ConstraintInput[];
  /** In order, at most 5; none (absent or empty) means DEFAULT_PLACEMENT_STRATEGIES. */
  readonly strategies?: readonly PlacementStrategy[];
}

export type PlacementResult =
  { readonly ok: true; readonly instance: string; readonly hostPorts: HostPorts } | { readonly ok: false; readonly reasons: readonly PlacementFailure[] };

export interface PlacementOptions {
  /** Host ports no task may take on any instance; ECS's defaults (TCP only) when absent. */
  readonly reservedPorts?: Partial<ReservedPorts>;
}

export const DEFAULT_RESERVED: ReservedPorts = Object.freeze({ tcp: DEFAULT_RESERVED_PORTS, udp: [] });

/** The ECS default group of a task started outside a service: `family:web` for `web:3`. */
export function familyGroup(taskDefinition: string): string {
  return `family:${parseTaskDefinitionRef(taskDefinition)?.family ?? taskDefinition}`;
}

export function placeTask(request: PlacementRequest, candidates: readonly PlacementCandidate[], rng: Rng, options: PlacementOptions = {}): PlacementResult {
  return new PlacementPass(candidates, options).place(request, rng);
}

/** Places `requests` in order against one evolving view of the candidates; results line up with requests. */
export function placeTasks(
  requests: readonly PlacementRequest[],
  candidates: readonly PlacementCandidate[],
  rng: Rng,
  options: PlacementOptions = {},
): PlacementResult[] {
  const pass = new PlacementPass(candidates, options);
  return requests.map((r) => pass.place(r, rng));
}

/** One scheduling pass, for callers that place tasks one at a time as they go. */
export class PlacementPass {
  private readonly state: PassState;
  private readonly memberOf: MemberOfCache;
  private readonly ties: Int32Array;
  /**
   * Failures of requests whose feasibility can only shrink during a pass (no task-dependent
   * memberOf): placing tasks only takes resources and ports and adds group members, so once such a
   * request fits nowhere, an identical one later in the pass fits nowhere either. Keyed by what
   * decides feasibility, so a service's 10,000 unplaceable tasks cost one scan, not 10,000.
   * (The remembered reasons and their counts are those of the first failure.)
   */
  private readonly hopeless = new Map<string, PlacementResult>();

  constructor(
    private readonly candidates: readonly PlacementCandidate[],
    options: PlacementOptions = {},
  ) {
    const reserved = {
      tcp: options.reservedPorts?.tcp ?? DEFAULT_RESERVED.tcp,
      udp: options.reservedPorts?.udp ?? DEFAULT_RESERVED.udp,
    };
    this.state = new PassState(candidates.filter(isEligible), reserved);
    this.memberOf = new MemberOfCache(this.state);
    this.ties = new Int32Array(this.state.size);
  }

  place(request: PlacementRequest, rng: Rng): PlacementResult {
    const state = this.state;
    if (state.size === 0) return { ok: false, reasons: [noEligibleInstances(this.candidates)] };
    const constraints = compileConstraints(request.constraints ?? [], request.group, state, this.memberOf);
    if (!constraints.ok) return { ok: false, reasons: [invalidExpression(constraints.error, state.size)] };

    const { demand } = request;
    const monotonic = constraints.memberOf.every((c) => !c.dependsOnTasks);
    const key = monotonic ? feasibilityKey(request) : undefined;
    const known = key === undefined ? undefined : this.hopeless.get(key);
    if (known) return known;

    const scores = strategyScores(effectiveStrategies(request.strategies), state, request.group);
    const tieCount = rankInstances(state, demand, constraints, scores, this.ties);

    if (tieCount === 0) {
      const failed: PlacementResult = { ok: false, reasons: diagnose(demand, request.group, constraints, state) };
      if (key !== undefined) this.hopeless.set(key, failed);
      return failed;
    }
    const pick = tieCount === 1 ? 0 : Math.min(tieCount - 1, Math.floor(rng() * tieCount));
    const chosen = this.ties[pick] ?? 0;
    state.place(chosen, demand, request.group);
    return { ok: true, instance: state.names[chosen] ?? '', hostPorts: demand.staticPorts };
  }
}

/** Everything that decides where a request can go (strategies only rank, so they are left out). */
function feasibilityKey({ demand, group, constraints }: PlacementRequest): string {
  const ports = `${demand.staticPorts.tcp.join(',')}/${demand.staticPorts.udp.join(',')}`;
  const rules = (constraints ?? []).map((c) => `${c.type}:${c.expression ?? ''}`).join('\u0000');
  return `${group}\u0000${demand.cpu}\u0000${demand.memory}\u0000${demand.gpu}\u0000${ports}\u0000${rules}`;
}

/**
 * The hot path: writes the best-ranked feasible instances into `ties` and returns how many there
 * are (0: nothing fits). It runs once per task over every instance, so it is written for speed:
 * first the feasible instances, then one narrowing pass per strategy (find the lowest score, keep
 * the instances that have it). Each pass is a simple loop whose appends (`ties[n] = i; n += keep`)
 * and minimum do not branch on the data; scoring inside one loop with data-dependent branches ran
 * about 3x slower, mostly in mispredicted branches. It is kept apart from the rarely taken paths
 * (diagnosis, the rng) so the optimizer never meets a call it has no feedback for.
 */
function rankInstances(
  state: PassState,
  demand: TaskDemand,
  constraints: Extract<CompiledConstraints, { ok: true }>,
  scores: readonly ScoreColumn[],
  ties: Int32Array,
): number {
  const { cpu, memory, size } = state;
  const needCpu = demand.cpu;
  const needMemory = demand.memory;
  let n = 0;
  for (let i = 0; i < size; i++) {
    ties[n] = i;
    n += (cpu[i] ?? 0) >= needCpu && (memory[i] ?? 0) >= needMemory ? 1 : 0;
  }
  // Rarer filters, each narrowing what is left.
  if (demand.gpu > 0) n = keepWhere(ties, n, (i) => (state.gpu[i] ?? 0) >= demand.gpu);
  const { tcp, udp } = demand.staticPorts;
  if (tcp.length > 0) n = keepWhere(ties, n, (i) => !anyTaken(state.portsTcp[i], tcp));
  if (udp.length > 0) n = keepWhere(ties, n, (i) => !anyTaken(state.portsUdp[i], udp));
  const { distinct, memberOf } = constraints;
  if (distinct !== undefined) n = keepWhere(ties, n, (i) => (distinct[i] ?? 0) === 0);
  for (const check of memberOf) n = keepWhere(ties, n, (i) => check.passes(i));

  for (const { values, index } of scores) {
    if (n <= 1) break;
    let min = Infinity;
    for (let j = 0; j < n; j++) min = Math.min(min, values[index[ties[j] ?? 0] ?? 0] ?? 0);
    let kept = 0;
    for (let j = 0; j < n; j++) {
      const i = ties[j] ?? 0;
      ties[kept] = i;
      kept += (values[index[i] ?? 0] ?? 0) === min ? 1 : 0;
    }
    n = kept;
  }
  return n;
}

/** Keeps, in order, the first `n` entries of `ties` that pass `test`; returns how many. */
function keepWhere(ties: Int32Array, n: number, test: (i: number) => boolean): number {
  let kept = 0;
  for (let j = 0; j < n; j++) {
    const i = ties[j] ?? 0;
    if (test(i)) ties[kept++] = i;
  }
  return kept;
}

function anyTaken(inUse: ReadonlySet<number> | undefined, wanted: readonly number[]): boolean {
  for (const p of wanted) if (inUse?.has(p)) return true;
  return false;
}
