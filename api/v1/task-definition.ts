/**
 * TaskDefinition: one immutable revision of a family. `spec` is ECS's RegisterTaskDefinition input,
 * so an ECS task definition's JSON is a valid spec unchanged.
 *
 * A manifest names the family (`metadata.name: web`); the registry stores revisions as `web:3`.
 * `spec.family` may be omitted and then comes from the name; when given, the two must agree.
 *
 * Fields accepted for compatibility but not applied are listed, with the reason, in
 * unapplied-fields.ts (validate and apply warn about each use).
 * runtimePlatform places the task (the instance's ecs.cpu-architecture and ecs.os-type must
 * match); cpu and memory become the task's cgroup, which all its containers share.
 */
import { z } from 'zod';
import { EcsIdentifier, KeyValuePair, Tags } from './common.js';
import { ContainerDefinition } from './container-definition.js';
import { defineKind, Timestamp } from './meta.js';
import { DEFAULT_NETWORK_MODE, NetworkMode } from './networking.js';
import { MAX_PLACEMENT_CONSTRAINTS, TaskDefinitionPlacementConstraint } from './placement.js';
import { parseTaskDefinitionRef } from './task-definition-ref.js';
import { taskDefinitionIssues } from './task-definition-rules.js';
import { TaskCpu, TaskMemory } from './units.js';
import { Volume } from './volume.js';

export const COMPATIBILITIES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;
export const TASK_DEFINITION_DEFAULTS = { networkMode: DEFAULT_NETWORK_MODE } as const;

export const RuntimePlatform = z.strictObject({
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).optional(),
  operatingSystemFamily: z.string().min(1).optional(),
});

const ProxyConfiguration = z.strictObject({
  type: z.literal('APPMESH').optional(),
  containerName: z.string().min(1),
  properties: z.array(KeyValuePair).optional(),
});

export const TaskDefinitionSpec = z
  .strictObject({
    family: EcsIdentifier.optional(),
    taskRoleArn: z.string().min(1).optional(),
    executionRoleArn: z.string().min(1).optional(),
    networkMode: NetworkMode.default(TASK_DEFINITION_DEFAULTS.networkMode),
    containerDefinitions: z.array(ContainerDefinition).min(1, 'a task definition needs at least one container'),
    volumes: z.array(Volume).optional(),
    placementConstraints: z
      .array(TaskDefinitionPlacementConstraint)
      .max(MAX_PLACEMENT_CONSTRAINTS, `at most ${MAX_PLACEMENT_CONSTRAINTS} placement constraints are allowed`)
      .optional(),
    requiresCompatibilities: z.array(z.enum(COMPATIBILITIES)).optional(),
    /** CPU units for the whole task: 256, "256" or "0.25 vCPU" all parse to 256. */
    cpu: TaskCpu.optional(),
    /** MiB for the whole task: 512, "512" or "0.5 GB" all parse to 512. */
    memory: TaskMemory.optional(),
    pidMode: z.enum(['host', 'task']).optional(),
    ipcMode: z.enum(['host', 'task', 'none']).optional(),
    tags: Tags.optional(),
    runtimePlatform: RuntimePlatform.optional(),
    // Accepted, not applied (unapplied-fields.ts).
    proxyConfiguration: ProxyConfiguration.optional(),
    inferenceAccelerators: z.array(z.strictObject({ deviceName: z.string(), deviceType: z.string() })).optional(),
    ephemeralStorage: z.strictObject({ sizeInGiB: z.int().min(21).max(200) }).optional(),
    enableFaultInjection: z.boolean().optional(),
  })
  .superRefine((spec, ctx) => {
    for (const issue of taskDefinitionIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

export const TASK_DEFINITION_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export const TaskDefinitionStatus = z.strictObject({
  status: z.enum(TASK_DEFINITION_STATUSES).default('ACTIVE'),
  revision: z.int().min(1).optional(),
  registeredAt: Timestamp.optional(),
  deregisteredAt: Timestamp.optional(),
});

const NAME_MESSAGE = 'a task definition is named by its family ("web") or family:revision ("web:3")';

export const TaskDefinition = defineKind('TaskDefinition', TaskDefinitionSpec, TaskDefinitionStatus)
  .superRefine((td, ctx) => {
    const ref = parseTaskDefinitionRef(td.metadata.name);
    if (!ref) return ctx.addIssue({ code: 'custom', path: ['metadata', 'name'], message: NAME_MESSAGE });
    if (td.spec.family !== undefined && td.spec.family !== ref.family)
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'family'],
        message: `family "${td.spec.family}" does not match metadata.name "${td.metadata.name}"; omit spec.family or make them agree`,
      });
    const revision = td.status?.revision;
    if (ref.revision !== undefined && revision !== undefined && revision !== ref.revision)
      ctx.addIssue({
        code: 'custom',
        path: ['status', 'revision'],
        message: `revision ${revision} does not match metadata.name "${td.metadata.name}"`,
      });
  })
  // Fill in the family from the name so every reader sees `spec.family` set. First, where the
  // schema has it: parsing the output again must give the same JSON, key order included, since the
  // store skips a write by comparing JSON text.
  .transform(({ spec: { family, ...spec }, ...td }) => ({
    ...td,
    spec: { family: family ?? parseTaskDefinitionRef(td.metadata.name)?.family ?? td.metadata.name, ...spec },
  }));

export type TaskDefinition = z.infer<typeof TaskDefinition>;
export type TaskDefinitionSpec = TaskDefinition['spec'];
export type TaskDefinitionStatus = z.infer<typeof TaskDefinitionStatus>;
