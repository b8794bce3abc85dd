/**
 * Draining (ECS's DRAINING): an operator takes an instance out of service. The scheduler places
 * nothing new on it; the instance controller moves service tasks off it, never taking a service
 * below its minimum of healthy RUNNING tasks. Replacements come from the service controller, which
 * may run up to maximumPercent of desiredCount while old tasks still run: so a task on a draining
 * instance is stopped once enough other tasks of its service are RUNNING, and the drain waits (is
 * re-checked) until then. Tasks that belong to no service are left to finish, as ECS does.
 */
import { isLive } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;
type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;

export interface DrainPlan {
  /** Tasks on the draining instance to stop now (set desiredStatus STOPPED). */
  readonly stop: readonly Task[];
  /** Live tasks on the instance that must wait for replacements to run elsewhere. */
  readonly waiting: number;
  /** The service's bounds, for logs: at least `minRunning` healthy RUNNING, at most `maxLive` live. */
  readonly minRunning: number;
  readonly maxLive: number;
}

/** ECS's deployment bounds for a service of `desiredCount` tasks. */
export function serviceBounds(service: Service): { minRunning: number; maxLive: number } {
  const { minimumHealthyPercent, maximumPercent } = service.spec.deploymentConfiguration;
  const desired = service.spec.desiredCount;
  return { minRunning: Math.ceil((minimumHealthyPercent * desired) / 100), maxLive: Math.floor((maximumPercent * desired) / 100) };
}

const isOn = (task: Task, instance: ContainerInstance) =>
  task.spec.containerInstance === instance.metadata.name && task.metadata.cluster === instance.metadata.cluster;

/**
 * Healthy and RUNNING: what minimumHealthyPercent counts. A task with container health checks must
 * have passed them (HEALTHY); one without any is healthy once RUNNING (its status stays UNKNOWN).
 */
function healthyRunning(hasHealthCheck: (task: Task) => boolean): (task: Task) => boolean {
  return (task) => {
    if (!isLive(task) || task.status?.lastStatus !== 'RUNNING') return false;
    return hasHealthCheck(task) ? task.status.healthStatus === 'HEALTHY' : task.status.healthStatus !== 'UNHEALTHY';
  };
}

/**
 * Pure: which of `service`'s tasks on the draining `instance` to stop now. `tasks` are all the
 * service's tasks (on every instance); `hasHealthCheck` says whether a task's definition has container
 * health checks; `targetHealthy` whether a task passes the checks of the target groups it is in (a
 * service behind a load balancer: a replacement the proxy does not send traffic to yet must not
 * count, or the drain would take away the tasks still serving). Tasks not yet RUNNING, or unhealthy,
 * serve nobody and are stopped at once; healthy RUNNING ones only while the service keeps
 * `minRunning` healthy RUNNING tasks without them. Stopping never adds live tasks, so maximumPercent
 * is kept by construction.
 */
export function planDrain(
  service: Service,
  tasks: readonly Task[],
  instance: ContainerInstance,
  hasHealthCheck: (task: Task) => boolean = () => false,
  targetHealthy: (task: Task) => boolean = () => true,
): DrainPlan {
  const { minRunning, maxLive } = serviceBounds(service);
  const containerHealthy = healthyRunning(hasHealthCheck);
  const isHealthyRunning = (task: Task) => containerHealthy(task) && targetHealthy(task);
  const onInstance = tasks.filter((t) => isLive(t) && isOn(t, instance)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const stop: Task[] = onInstance.filter((t) => !isHealthyRunning(t));
  let spare = tasks.filter(isHealthyRunning).length - minRunning;
  for (const task of onInstance) {
    if (spare <= 0) break;
    if (!isHealthyRunning(task)) continue;
    stop.push(task);
    spare--;
  }
  return { stop, waiting: onInstance.length - stop.length, minRunning, maxLive };
}

/** The reason written on a task the drain stops. */
export function drainReason(instanceName: string): string {
  return `Container instance ${instanceName} is DRAINING: task stopped to move it elsewhere`;
}
