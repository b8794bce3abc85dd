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
import { DEFAULT_RESERVED_PORTS, type PlacementStrategy } from '../../../api/v1/index.js';
import { isEligible, type PlacementCandidate } from './candidate.js';
import { compileConstraints, MemberOfCache, type ConstraintInput } from './constraints.js';
import type { HostPorts, TaskDemand } from './demand.js';
import { PassState, type ReservedPorts } from './pass-state.js';
import { diagnose, invalidExpression, noEligibleInstances, type PlacementFailure } from './reasons.js';
import { effectiveStrategies, strategyScores } from './strategies.js';

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
  | { readonly ok: true; readonly instance: string; readonly hostPorts: HostPorts }
  | { readonly ok: false; readonly reasons: readonly PlacementFailure[] };

export interface PlacementOptions {
  /** Host ports no task may take on any instance; ECS's defaults (TCP only) when absent. */
  readonly reservedPorts?: Partial<ReservedPorts>;
}

export const DEFAULT_RESERVED: ReservedPorts = Object.freeze({ tcp: DEFAULT_RESERVED_PORTS, udp: [] });

/** The ECS default group of a task started outside a service: `family:web` for `web:3`. */
export function familyGroup(taskDefinition: string): string {
  const colon = taskDefinition.indexOf(':');
  return `family:${colon < 0 ? taskDefinition : taskDefinition.slice(0, colon)}`;
}

export function placeTask(
  request: PlacementRequest,
  candidates: readonly PlacementCandidate[],
  rng: Rng,
  options: PlacementOptions = {},
): PlacementResult {
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
  private readonly best = new Float64Array(8);

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
    const scores = strategyScores(effectiveStrategies(request.strategies), state, request.group);

    const { demand } = request;
    const { cpu, memory, portsTcp, portsUdp } = state;
    const { tcp, udp } = demand.staticPorts;
    const { distinct, memberOf } = constraints;
    const ties = this.ties;
    const m = scores.length;
    const best = m <= this.best.length ? this.best : new Float64Array(m);
    let tieCount = 0;

    for (let i = 0; i < state.size; i++) {
      if ((cpu[i] ?? 0) < demand.cpu || (memory[i] ?? 0) < demand.memory) continue;
      if (tcp.length > 0 && anyTaken(portsTcp[i], tcp)) continue;
      if (udp.length > 0 && anyTaken(portsUdp[i], udp)) continue;
      if (distinct !== undefined && (distinct[i] ?? 0) > 0) continue;
      if (!allPass(memberOf, i)) continue;

      // Compare score tuples lexicographically; stop at the first strategy that differs.
      let order = 0;
      if (tieCount > 0) {
        for (let k = 0; k < m; k++) {
          const s = scores[k]?.(i) ?? 0;
          const b = best[k] ?? 0;
          if (s === b) continue;
          order = s < b ? -1 : 1;
          if (order < 0) {
            best[k] = s;
            for (let j = k + 1; j < m; j++) best[j] = scores[j]?.(i) ?? 0;
          }
          break;
        }
      } else {
        for (let k = 0; k < m; k++) best[k] = scores[k]?.(i) ?? 0;
        order = -1;
      }
      if (order < 0) {
        ties[0] = i;
        tieCount = 1;
      } else if (order === 0) {
        ties[tieCount++] = i;
      }
    }

    if (tieCount === 0) return { ok: false, reasons: diagnose(demand, request.group, constraints, state) };
    const pick = tieCount === 1 ? 0 : Math.min(tieCount - 1, Math.floor(rng() * tieCount));
    const chosen = ties[pick] ?? 0;
    state.place(chosen, demand, request.group);
    return { ok: true, instance: state.names[chosen] ?? '', hostPorts: demand.staticPorts };
  }
}

function anyTaken(inUse: ReadonlySet<number> | undefined, wanted: readonly number[]): boolean {
  for (const p of wanted) if (inUse?.has(p)) return true;
  return false;
}

function allPass(checks: readonly { passes(i: number): boolean }[], i: number): boolean {
  for (const c of checks) if (!c.passes(i)) return false;
  return true;
}
