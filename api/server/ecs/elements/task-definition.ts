/** A TaskDefinition as DescribeTaskDefinition's `taskDefinition` element. */
import { ecsArn } from '../../../v1/arn.js';
import type { TaskDefinition } from '../../../v1/task-definition.js';
import { defined, ecsTime, type EcsContext } from './context.js';

export function ecsTaskDefinition(td: TaskDefinition, ctx: EcsContext): Record<string, unknown> {
  // Tags are not part of the element: describe-task-definition prints them beside it.
  const { family, containerDefinitions, cpu, memory, requiresCompatibilities, volumes, placementConstraints, tags: _tags, ...rest } = td.spec;
  const revision = td.status?.revision ?? Number(td.metadata.name.split(':')[1] ?? 0);
  const compatibilities = [...new Set(['EC2', ...(requiresCompatibilities ?? [])])];
  return defined({
    taskDefinitionArn: ecsArn.taskDefinition(ctx, family, revision),
    containerDefinitions: containerDefinitions.map((c) => ({
      ...c,
      cpu: c.cpu ?? 0,
      portMappings: c.portMappings ?? [],
      environment: c.environment ?? [],
      mountPoints: c.mountPoints ?? [],
      volumesFrom: c.volumesFrom ?? [],
    })),
    family,
    ...rest,
    revision,
    volumes: volumes ?? [],
    status: td.status?.status ?? 'ACTIVE',
    requiresAttributes: [],
    placementConstraints: placementConstraints ?? [],
    compatibilities,
    requiresCompatibilities,
    // ECS keeps task-level cpu and memory as the strings they were registered as.
    cpu: cpu === undefined ? undefined : String(cpu),
    memory: memory === undefined ? undefined : String(memory),
    registeredAt: ecsTime(td.status?.registeredAt ?? td.metadata.creationTimestamp),
    deregisteredAt: ecsTime(td.status?.deregisteredAt),
    registeredBy: `arn:aws:iam::${ctx.accountId}:root`,
  });
}
