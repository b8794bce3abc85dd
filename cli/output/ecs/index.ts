/**
 * `-o ecs`: objects as the matching ECS `describe-*` call prints them (AWS CLI JSON), so an ECS
 * user's `jq` keeps working: `{"taskDefinition": …}` for one task definition, `{"tasks": […],
 * "failures": []}`, `{"services": …}`, `{"containerInstances": …}`. Clusters have no such shape here.
 */
import type { KindName } from '../../../api/keys.js';
import type { BerthObject } from '../../../api/v1/index.js';
import { DEFAULT_REGION } from '../../../api/v1/arn.js';
import { ecsContainerInstance } from '../../../api/server/ecs/elements/container-instance.js';
import type { EcsContext } from '../../../api/server/ecs/elements/context.js';
import { ecsService } from '../../../api/server/ecs/elements/service.js';
import { ecsTaskDefinition } from '../../../api/server/ecs/elements/task-definition.js';
import { ecsTask } from '../../../api/server/ecs/elements/task.js';

export { ecsContext, type EcsContext } from '../../../api/server/ecs/elements/context.js';

/** The region as the AWS CLI finds it in the environment, else ECS's examples' us-east-1. */
export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
}

export const ECS_OUTPUT_KINDS: readonly KindName[] = ['TaskDefinition', 'Task', 'Service', 'ContainerInstance'];

export class EcsOutputError extends Error {
  override readonly name = 'EcsOutput';
  readonly retriable = false;
}

/** One object as its describe call's element. */
export function ecsElement(object: BerthObject, ctx: EcsContext): Record<string, unknown> {
  switch (object.kind) {
    case 'TaskDefinition':
      return ecsTaskDefinition(object, ctx);
    case 'Task':
      return ecsTask(object, ctx);
    case 'Service':
      return ecsService(object, ctx);
    case 'ContainerInstance':
      return ecsContainerInstance(object, ctx);
    default:
      throw new EcsOutputError(`-o ecs prints ${ECS_OUTPUT_KINDS.join(', ')}; ${object.kind} has no ECS describe shape`);
  }
}

/** The describe call's whole output for `objects` of `kind`. */
export function formatEcs(kind: KindName, objects: BerthObject[], ctx: EcsContext, single: boolean): string {
  const elements = objects.map((o) => ecsElement(o, ctx));
  let body: unknown;
  const first = objects[0];
  if (kind === 'TaskDefinition')
    body =
      single && elements[0]
        ? { taskDefinition: elements[0], tags: first?.kind === 'TaskDefinition' ? (first.spec.tags ?? []) : [] }
        : { taskDefinitions: elements };
  else if (kind === 'Task') body = { tasks: elements, failures: [] };
  else if (kind === 'Service') body = { services: elements, failures: [] };
  else if (kind === 'ContainerInstance') body = { containerInstances: elements, failures: [] };
  else throw new EcsOutputError(`-o ecs prints ${ECS_OUTPUT_KINDS.join(', ')}; ${kind} has no ECS describe shape`);
  return `${JSON.stringify(body, null, 4)}\n`;
}
