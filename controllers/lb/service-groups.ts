/**
 * Which target groups a service's tasks register in. An entry of spec.loadBalancers names one group,
 * or — with advancedConfiguration (BLUE_GREEN, LINEAR, CANARY) — two: the production one
 * (targetGroupName/Arn) and the alternate. A task registers in the one its deployment was given
 * (Deployment.targetGroupSide), which the service controller writes on the task as a label when it
 * creates it, so a green task is never registered, even for a moment, where production traffic goes.
 */
import { alternateGroupNameOf, type TargetGroupSide } from '../../api/v1/advanced-configuration.js';
import type { ServiceLoadBalancer } from '../../api/v1/service-load-balancers.js';
import { targetGroupNameOf } from '../../api/v1/target-group-ref.js';
import { TASK_LABELS } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';

type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;

/** The group an entry registers a task of `side` in. */
export function entryGroupOf(entry: ServiceLoadBalancer, side: TargetGroupSide): string | undefined {
  if (side === 'ALTERNATE' && entry.advancedConfiguration !== undefined) return alternateGroupNameOf(entry.advancedConfiguration);
  return targetGroupNameOf(entry);
}

/** Every group a service may register tasks in (both sides of each entry). */
export function serviceGroupNames(service: Service): string[] {
  const names = (service.spec.loadBalancers ?? []).flatMap((e) => [entryGroupOf(e, 'PRIMARY'), entryGroupOf(e, 'ALTERNATE')]);
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

export function sideOfTask(task: Task): TargetGroupSide {
  return task.metadata.labels?.[TASK_LABELS.targetGroupSide] === 'ALTERNATE' ? 'ALTERNATE' : 'PRIMARY';
}

/** The entries of `service` that register `task` in `group`. */
export function entriesRegistering(service: Service, group: string, task: Task): ServiceLoadBalancer[] {
  const side = sideOfTask(task);
  return (service.spec.loadBalancers ?? []).filter((e) => entryGroupOf(e, side) === group);
}

/** The groups `task` registers in. */
export function groupsOfTask(service: Service, task: Task): string[] {
  const side = sideOfTask(task);
  return [...new Set((service.spec.loadBalancers ?? []).map((e) => entryGroupOf(e, side)).filter((n): n is string => n !== undefined))];
}
