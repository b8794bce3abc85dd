/**
 * The scheduler's decision for one cluster, as a pure function of what it observed: which pending
 * tasks go to which instances, why the others cannot go anywhere, and which unbound tasks to mark
 * STOPPED. No I/O and no clock: `now` and the rng come in, so the same observation gives the same
 * plan (two schedulers that see the same cluster plan the same binds).
 *
 * Remaining resources are computed here, from the instances' registered resources minus what every
 * bound, not yet STOPPED task takes; the agents' reported status.remainingResources lags behind
 * binds and would let consecutive passes over-commit an instance.
 */
import type { ContainerInstance, PlacementConstraint, PlacementStrategy, Service, Task, TaskDefinition, TaskStatus } from '../../api/v1/index.js';
import { SERVICE_GROUP_PREFIX } from '../../api/v1/task.js';
import { awaitsScheduler, isStopped } from '../conventions.js';
import {
  candidateFromInstance,
  describeFailures,
  familyGroup,
  PlacementPass,
  runtimePlatformConstraints,
  PLACEMENT_REASONS,
  taskDemand,
  type ConstraintInput,
  type PlacedTask,
  type PlacementCandidate,
  type PlacementFailure,
  type PlacementRequest,
  type ReservedPorts,
  type Rng,
  type TaskDemand,
} from './placement/index.js';

export interface SchedulingInput {
  /** Every task of the cluster, as the scheduler believes it to be (its cache plus its own recent binds). */
  readonly tasks: readonly Task[];
  /** Every container instance of the cluster, whatever its state. */
  readonly instances: readonly ContainerInstance[];
  /** A task definition revision by name (`web:3`). */
  readonly taskDefinition: (name: string) => TaskDefinition | undefined;
  /** A service by name, for the placement of its tasks. */
  readonly service: (name: string) => Service | undefined;
  /** Milliseconds since the epoch: the time stamp of tasks stopped before they were placed. */
  readonly now: number;
  readonly rng: Rng;
  readonly reservedPorts?: Partial<ReservedPorts>;
}

export interface Binding {
  readonly task: Task;
  readonly instance: string;
}

export interface Unplaceable {
  readonly task: Task;
  /** For status.pendingReason. */
  readonly reason: string;
}

export interface StatusWrite {
  readonly task: Task;
  /** The task's whole new status. */
  readonly status: Partial<TaskStatus>;
}

export interface SchedulingPlan {
  /** In placement order (oldest task first). */
  readonly binds: readonly Binding[];
  /** Every pending task that fits nowhere now. */
  readonly unplaceable: readonly Unplaceable[];
  /** The status writes: pendingReasons that changed, and unbound tasks asked to stop. */
  readonly statusWrites: readonly StatusWrite[];
  /** Bound tasks whose task definition is unknown, so their resources could not be counted. */
  readonly uncounted: readonly Task[];
}

/** The pendingReason prefix when instances exist but none fits (ECS's service event wording). */
export const NO_INSTANCE_MET = 'no container instance met all of its requirements';
export const STOPPED_BEFORE_PLACED = 'Task stopped before it was placed on a container instance';

const NOTHING: SchedulingPlan = Object.freeze({ binds: [], unplaceable: [], statusWrites: [], uncounted: [] });

export function planScheduling(input: SchedulingInput): SchedulingPlan {
  // Most passes are woken by changes that leave nothing to do: answer those without building candidates.
  if (!input.tasks.some(awaitsScheduler)) return NOTHING;
  const demands = new DemandMemo(input.taskDefinition);
  const { candidates, uncounted } = candidatesOf(input.instances, input.tasks, demands);
  const pass = new PlacementPass(candidates, { reservedPorts: input.reservedPorts });

  const binds: Binding[] = [];
  const unplaceable: Unplaceable[] = [];
  const statusWrites: StatusWrite[] = [];
  const pending: Task[] = [];
  for (const task of input.tasks) {
    if (!awaitsScheduler(task)) continue;
    if (task.spec.desiredStatus === 'STOPPED') statusWrites.push(stopUnbound(task, input.now));
    else pending.push(task);
  }
  pending.sort(oldestFirst);

  const requests = new Map<string, PlacementRequest | string>();
  for (const task of pending) {
    const request = requestFor(task, input, demands, requests);
    if (typeof request === 'string') {
      unplaceable.push({ task, reason: request });
      continue;
    }
    const result = pass.place(request, input.rng);
    if (result.ok) binds.push({ task, instance: result.instance });
    else unplaceable.push({ task, reason: pendingReason(result.reasons) });
  }
  for (const u of unplaceable)
    if (u.task.status?.pendingReason !== u.reason) statusWrites.push({ task: u.task, status: { ...u.task.status, pendingReason: u.reason } });
  return { binds, unplaceable, statusWrites, uncounted };
}

/** One line saying why a task is not placed, in ECS's words. */
export function pendingReason(failures: readonly PlacementFailure[]): string {
  const text = describeFailures(failures);
  const noInstances = failures.length === 1 && failures[0]?.reason === PLACEMENT_REASONS.noInstances;
  return noInstances ? text : `${NO_INSTANCE_MET}: ${text}`;
}

/** Creation order; the name breaks ties of tasks created in the same millisecond. */
function oldestFirst(a: Task, b: Task): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Nobody else can stop a task no agent has: the scheduler reports it STOPPED itself. */
function stopUnbound(task: Task, now: number): StatusWrite {
  const { pendingReason: _dropped, ...status } = task.status ?? {};
  return {
    task,
    status: {
      ...status,
      lastStatus: 'STOPPED',
      stoppedAt: new Date(now).toISOString(),
      stoppedReason: task.spec.stopReason ?? STOPPED_BEFORE_PLACED,
    },
  };
}

/**
 * The placement request of a task, or why there can be none. A service's task is placed by the
 * service's placement as it is NOW, not as it was when the task was created (the copy in the task's
 * spec): a task left pending by constraints the user has since changed must not wait on them
 * forever. Memoized per (group, definition, overrides) for tasks placed by their group's rules: a
 * service's 10,000 pending tasks share one request, and so one constraint compilation and one
 * "hopeless" entry in the pass.
 */
function requestFor(task: Task, input: SchedulingInput, demands: DemandMemo, memo: Map<string, PlacementRequest | string>): PlacementRequest | string {
  const { spec } = task;
  const group = spec.group ?? demands.familyGroup(spec.taskDefinition);
  const service = group.startsWith(SERVICE_GROUP_PREFIX) ? input.service(group.slice(SERVICE_GROUP_PREFIX.length)) : undefined;
  const own = service === undefined && (spec.placementConstraints !== undefined || spec.placementStrategy !== undefined);
  const key = own ? undefined : `${group}\u0000${demands.keyOf(task)}`;
  const known = key === undefined ? undefined : memo.get(key);
  if (known !== undefined) return known;

  const definition = input.taskDefinition(spec.taskDefinition);
  const demand = demands.of(task);
  let request: PlacementRequest | string;
  if (!definition || !demand) {
    request = `task definition ${spec.taskDefinition} is not registered in cluster ${task.metadata.cluster ?? 'default'}; register it or stop the task`;
  } else {
    const placement = service?.spec ?? spec;
    const constraints: ConstraintInput[] = [
      ...(placement.placementConstraints ?? ([] as PlacementConstraint[])),
      ...(definition.spec.placementConstraints ?? []),
      ...runtimePlatformConstraints(definition.spec.runtimePlatform),
    ];
    const strategies: readonly PlacementStrategy[] | undefined = placement.placementStrategy;
    request = { demand, group, constraints, strategies };
  }
  if (key !== undefined) memo.set(key, request);
  return request;
}

/** Task demands and default groups, computed once per definition (and overrides). */
class DemandMemo {
  private readonly known = new Map<string, TaskDemand | undefined>();
  private readonly groups = new Map<string, string>();
  constructor(private readonly definitionOf: (name: string) => TaskDefinition | undefined) {}

  /** `family:web` for `web:3`, parsed once per revision rather than once per task. */
  familyGroup(taskDefinition: string): string {
    let group = this.groups.get(taskDefinition);
    if (group === undefined) this.groups.set(taskDefinition, (group = familyGroup(taskDefinition)));
    return group;
  }

  keyOf(task: Task): string {
    const { taskDefinition, overrides } = task.spec;
    return overrides === undefined ? taskDefinition : `${taskDefinition}\u0000${JSON.stringify(overrides)}`;
  }

  of(task: Task): TaskDemand | undefined {
    const key = this.keyOf(task);
    if (this.known.has(key)) return this.known.get(key);
    const definition = this.definitionOf(task.spec.taskDefinition);
    const demand = definition ? taskDemand(definition.spec, task.spec.overrides) : undefined;
    this.known.set(key, demand);
    return demand;
  }
}

/**
 * The instances as placement sees them, in name order (so ties break the same way in every
 * scheduler). A bound task holds its resources until it is STOPPED, not merely asked to stop: its
 * containers (and their host ports) are still there while it stops.
 */
function candidatesOf(
  instances: readonly ContainerInstance[],
  tasks: readonly Task[],
  demands: DemandMemo,
): { candidates: PlacementCandidate[]; uncounted: Task[] } {
  const usage = new Map<string, { cpu: number; memory: number; gpu: number; tcp: number[]; udp: number[]; tasks: PlacedTask[] }>();
  for (const ci of instances) usage.set(ci.metadata.name, { cpu: 0, memory: 0, gpu: 0, tcp: [], udp: [], tasks: [] });
  const uncounted: Task[] = [];
  for (const task of tasks) {
    const on = task.spec.containerInstance;
    if (on === undefined || isStopped(task)) continue;
    const used = usage.get(on);
    if (!used) continue; // bound to an instance that is gone: the instance controller's business
    const demand = demands.of(task);
    if (!demand) {
      uncounted.push(task);
      continue;
    }
    used.cpu += demand.cpu;
    used.memory += demand.memory;
    used.gpu += demand.gpu;
    used.tcp.push(...demand.staticPorts.tcp);
    used.udp.push(...demand.staticPorts.udp);
    used.tasks.push({ group: task.spec.group ?? demands.familyGroup(task.spec.taskDefinition) });
  }
  const sorted = [...instances].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const candidates = sorted.map((ci) => {
    const registered = ci.spec.registeredResources;
    const used = usage.get(ci.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, tcp: [], udp: [], tasks: [] };
    return candidateFromInstance(ci, used.tasks, {
      cpu: registered.cpu - used.cpu,
      memory: registered.memory - used.memory,
      gpu: (registered.gpu ?? 0) - used.gpu,
      portsTcp: [...(registered.ports ?? []), ...used.tcp],
      portsUdp: [...(registered.portsUdp ?? []), ...used.udp],
    });
  });
  return { candidates, uncounted };
}
