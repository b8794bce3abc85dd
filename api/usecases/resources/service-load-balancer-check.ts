/**
 * A Service's loadBalancers must name a container and a containerPort its task definition maps
 * (ECS refuses CreateService otherwise): checked when the service is written, against the revision
 * it names (`web`: the newest ACTIVE one). A task definition that does not exist yet is not checked
 * here: the service controller reports it, and the target-group controller checks again.
 */
import { isDeepStrictEqual } from 'node:util';
import { loadBalancerPortIssues } from '../../v1/service-load-balancers.js';
import type { BerthObject } from '../../v1/index.js';
import type { TaskDefinition } from '../../v1/task-definition.js';
import { isOfKind } from './codec.js';
import { InvalidError, type ResourceId } from './errors.js';

/** The task definition a service's `taskDefinition` names (undefined: none such). */
export type TaskDefinitionReader = (ref: string) => Promise<TaskDefinition | undefined>;

/** Throws InvalidError at spec.loadBalancers[i] when a container or port is not in the task definition. */
export async function checkServiceLoadBalancers(
  next: BerthObject,
  previous: BerthObject | undefined,
  id: ResourceId,
  read: TaskDefinitionReader,
): Promise<void> {
  if (!isOfKind(next, 'Service') || !next.spec.loadBalancers?.length) return;
  // A write that changes neither the entries nor the revision (a count, a label) is not checked again.
  if (
    previous &&
    isOfKind(previous, 'Service') &&
    previous.spec.taskDefinition === next.spec.taskDefinition &&
    isDeepStrictEqual(previous.spec.loadBalancers, next.spec.loadBalancers)
  )
    return;
  const td = await read(next.spec.taskDefinition);
  if (!td) return;
  const issues = loadBalancerPortIssues(next.spec.loadBalancers, td.spec.containerDefinitions, td.metadata.name);
  if (issues.length > 0) throw new InvalidError(id, issues);
}
