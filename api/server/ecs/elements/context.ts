/**
 * The ECS describe-call elements (DescribeServices' `services[]` and the others), one shape per kind
 * in one place, used by the ECS endpoint (api/server/ecs/shapes.ts, epoch-second timestamps) and by the
 * CLI's `-o ecs` (cli/output/ecs, timestamps as the AWS CLI prints them). What they need besides the objects: where the ARNs live (region, account) and the task
 * definitions tasks refer to (a task's containers show their image, cpu and memory, as ECS's do).
 */
import { accountIdFor, ecsArn, type ArnContext } from '../../../v1/arn.js';
import { parseTaskDefinitionRef } from '../../../v1/task-definition-ref.js';
import type { TaskDefinition } from '../../../v1/task-definition.js';

export interface EcsContext extends ArnContext {
  /** By name (`web:3`). */
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
}

export function ecsContext(installationUid: string, region: string, taskDefinitions: readonly TaskDefinition[] = []): EcsContext {
  return { region, accountId: accountIdFor(installationUid), taskDefinitions: new Map(taskDefinitions.map((td) => [td.metadata.name, td])) };
}

/** ECS's timestamps as the AWS CLI prints them: `2021-08-11T16:21:26.681000+00:00`. */
export function ecsTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** `web:3` as its ARN; undefined for a family without a revision, which has none. */
export function taskDefinitionArnOf(ctx: ArnContext, ref: string): string | undefined {
  const parsed = parseTaskDefinitionRef(ref);
  return parsed?.revision === undefined ? undefined : ecsArn.taskDefinition(ctx, parsed.family, parsed.revision);
}

/**
 * A deployment's id (`ecs-svc/123…`) as the last part of its service deployment and service revision
 * ARNs (`123…`): an ARN's id has no slash. berth records one revision per deployment (what it runs),
 * so the two share the id.
 */
export const serviceDeploymentId = (deploymentId: string) => deploymentId.replace(/^ecs-svc\//, '');

/** Drops undefined members, as the AWS CLI leaves absent fields out. */
export function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
