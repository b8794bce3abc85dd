/**
 * ECS's health semantics for a service behind target groups (its spec.loadBalancers):
 * - a task counts healthy for a deployment only when its container health AND its health in every
 *   target group it is registered in pass; a target still `initial` (or not registered yet) keeps
 *   it `starting` (`unused`, while no proxy runs to check it, does not hold it back); a target `unhealthy` after healthCheckGracePeriodSeconds makes it `unhealthy`,
 *   and the plan replaces it;
 * - a task the plan stops is first deregistered (DEREGISTER_ANNOTATION), drained by the
 *   target-group controller for the deregistrationDelay, and stopped by it afterwards: the plan
 *   sees a deregistering task as already asked to stop (deregisteringView), so it counts and
 *   replaces it as such.
 */
import { DEREGISTER_ANNOTATION } from '../lb/conventions.js';
import { groupsOfTask, serviceGroupNames } from '../lb/service-groups.js';
import type { ObjectOf, ObjectRef } from '../kit/types.js';
import type { TaskHealth } from './task-health.js';

type Task = ObjectOf<'Task'>;
type Service = ObjectOf<'Service'>;
type TargetGroup = ObjectOf<'TargetGroup'>;

/** The tasks as the plan should see them: a deregistering task is already asked to stop. */
export function deregisteringView(tasks: readonly Task[]): Task[] {
  return tasks.map((t) => {
    const reason = t.metadata.annotations?.[DEREGISTER_ANNOTATION];
    if (reason === undefined || t.spec.desiredStatus === 'STOPPED') return t;
    return { ...t, spec: { ...t.spec, desiredStatus: 'STOPPED', stopReason: reason || 'deregistered' } };
  });
}

/** The target groups a service registers in that exist (from the cache). */
export function groupsOfService(service: Service, get: (name: string) => TargetGroup | undefined): TargetGroup[] {
  return serviceGroupNames(service)
    .map(get)
    .filter((g): g is TargetGroup => g !== undefined);
}

/** The services a group's targets belong to: a change of their health wakes them. */
export function servicesOfGroup(group: TargetGroup): ObjectRef[] {
  const names = new Set((group.status?.targets ?? []).map((t) => t.service));
  return [...names].map((name) => ({ kind: 'Service', cluster: group.metadata.cluster, name }));
}

/** `container` (task-health.ts) narrowed by the task's health in `groups`. */
export function withTargetHealth(container: TaskHealth, task: Task, groups: readonly TargetGroup[], now: number, gracePeriodMs: number): TaskHealth {
  if (groups.length === 0 || container.state === 'pending' || container.state === 'unhealthy') return container;
  const states = groups.map((g) => (g.status?.targets ?? []).filter((t) => t.task === task.metadata.name).map((t) => t.health));
  if (states.some((s) => s.includes('unhealthy'))) {
    const started = Date.parse(task.status?.startedAt ?? task.status?.createdAt ?? '') || now;
    const graceEnds = started + gracePeriodMs;
    return now >= graceEnds ? { state: 'unhealthy' } : { state: 'starting', recheckAt: graceEnds };
  }
  const allHealthy = states.every((s) => s.length > 0 && s.every((h) => h === 'healthy' || h === 'unused'));
  if (container.state === 'healthy' && allHealthy) return container;
  // Target health changes wake the service (its TargetGroup watch): no recheck time needed for it.
  return container.state === 'starting' ? container : { state: 'starting' };
}

/** Of the service's groups, those `task` registers in (one of each entry's two with advancedConfiguration). */
export function tasksGroups(service: Service, task: Task, groups: readonly TargetGroup[]): TargetGroup[] {
  const mine = new Set(groupsOfTask(service, task));
  return groups.filter((g) => mine.has(g.metadata.name));
}
