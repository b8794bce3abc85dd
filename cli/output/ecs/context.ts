/**
 * What `-o ecs` needs besides the objects: where the ARNs live (region, account) and the task
 * definitions tasks refer to (a task's containers show their image, cpu and memory, as ECS's do).
 */
import { accountIdFor, DEFAULT_REGION, ecsArn, type ArnContext } from '../../../api/v1/arn.js';
import { parseTaskDefinitionRef } from '../../../api/v1/task-definition-ref.js';
import type { TaskDefinition } from '../../../api/v1/task-definition.js';

export interface EcsContext extends ArnContext {
  /** By name (`web:3`). */
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
}

/** The region as the AWS CLI finds it in the environment, else ECS's examples' us-east-1. */
export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
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

/** Drops undefined members, as the AWS CLI leaves absent fields out. */
export function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
