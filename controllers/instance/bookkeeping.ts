/**
 * What an instance's status says about the tasks bound to it: how many run, how many are pending,
 * and what is left of its registered resources for the scheduler and for people reading it.
 */
import { isDeepStrictEqual } from 'node:util';
import { taskDemand, type TaskDemand } from '../scheduler/placement/index.js';
import { isStopped } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;
type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;

export interface InstanceBookkeeping {
  runningTasksCount: number;
  pendingTasksCount: number;
  remainingResources: { cpu: number; memory: number; portsTcp: number[]; portsUdp: number[] };
}

const PENDING_STATUSES = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/**
 * Pure: counts and remaining resources of `instance` given the tasks bound to it.
 * A task holds its resources until it is STOPPED, even after it was asked to stop: its containers
 * still occupy the machine while they shut down. A task whose definition is unknown (`definitionOf`
 * returns undefined) is counted but reserves only the host ports it reported.
 * Ports in use are the instance's reserved ports, the tasks' fixed host ports, and every host port
 * the agent reported binding (which covers dynamically chosen ones).
 */
export function instanceBookkeeping(
  instance: ContainerInstance,
  tasks: readonly Task[],
  definitionOf: (task: Task) => TaskDefinition | undefined,
): InstanceBookkeeping {
  const registered = instance.spec.registeredResources;
  let cpu = registered.cpu;
  let memory = registered.memory;
  const tcp = new Set(registered.ports ?? []);
  const udp = new Set(registered.portsUdp ?? []);
  let runningTasksCount = 0;
  let pendingTasksCount = 0;
  for (const task of tasks) {
    if (isStopped(task)) continue;
    const lastStatus = task.status?.lastStatus ?? 'PENDING';
    if (lastStatus === 'RUNNING') runningTasksCount++;
    else if (PENDING_STATUSES.has(lastStatus)) pendingTasksCount++;
    const definition = definitionOf(task);
    const demand: TaskDemand | undefined = definition ? taskDemand(definition.spec, task.spec.overrides) : undefined;
    if (demand) {
      cpu -= demand.cpu;
      memory -= demand.memory;
      for (const p of demand.staticPorts.tcp) tcp.add(p);
      for (const p of demand.staticPorts.udp) udp.add(p);
    }
    for (const c of task.status?.containers ?? []) for (const b of c.networkBindings) (b.protocol === 'udp' ? udp : tcp).add(b.hostPort);
  }
  const sorted = (ports: Set<number>) => [...ports].sort((a, b) => a - b);
  return { runningTasksCount, pendingTasksCount, remainingResources: { cpu, memory, portsTcp: sorted(tcp), portsUdp: sorted(udp) } };
}

/** Pure: whether `status` already says what `next` says (then nothing is written). */
export function bookkeepingUpToDate(status: ContainerInstance['status'], next: InstanceBookkeeping): boolean {
  return (
    status?.runningTasksCount === next.runningTasksCount &&
    status.pendingTasksCount === next.pendingTasksCount &&
    isDeepStrictEqual(status.remainingResources, next.remainingResources)
  );
}
