/**
 * The inputs of run-task, start-task and stop-task, parsed with zod at the edge (CLI flags and
 * ECS API bodies arrive as unknown JSON). Limits follow ECS: 1-10 tasks per call.
 */
import { z } from 'zod';
import { Name } from '../../v1/meta.js';
import { PlacementConstraints, PlacementStrategies } from '../../v1/placement.js';
import { TaskDefinitionRefString } from '../../v1/task-definition-ref.js';
import { TaskOverrides } from '../../v1/task.js';
import { toIssues } from '../../v1/index.js';
import { TaskRequestError } from './errors.js';

/** ECS runs or starts at most 10 tasks per call. */
export const MAX_TASKS_PER_CALL = 10;

const common = {
  cluster: Name.optional(),
  /** `web` (newest ACTIVE revision) or `web:3`. */
  taskDefinition: TaskDefinitionRefString,
  group: z.string().min(1).max(255).optional(),
  startedBy: z.string().min(1).max(128).optional(),
  overrides: TaskOverrides.optional(),
};

export const RunTaskInput = z.strictObject({
  ...common,
  count: z.int().min(1, `count must be 1-${MAX_TASKS_PER_CALL}`).max(MAX_TASKS_PER_CALL, `count must be 1-${MAX_TASKS_PER_CALL}`).default(1),
  placementConstraints: PlacementConstraints.optional(),
  placementStrategy: PlacementStrategies.optional(),
});
export type RunTaskInput = z.input<typeof RunTaskInput>;

export const StartTaskInput = z.strictObject({
  ...common,
  /** Names of the container instances to start one task on each. */
  containerInstances: z
    .array(Name)
    .min(1, `name 1-${MAX_TASKS_PER_CALL} container instances`)
    .max(MAX_TASKS_PER_CALL, `name 1-${MAX_TASKS_PER_CALL} container instances`),
});
export type StartTaskInput = z.input<typeof StartTaskInput>;

export const StopTaskInput = z.strictObject({
  cluster: Name.optional(),
  /** The task's name. */
  task: Name,
  /** Recorded as the task's stopReason (ECS: up to 1024 characters is what a reason may be here). */
  reason: z.string().min(1).max(1024).optional(),
});
export type StopTaskInput = z.input<typeof StopTaskInput>;

/** Parses `raw` with `schema`, turning the first problem into a TaskRequestError naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = toIssues(parsed.error);
  const first = issues[0];
  const field = first && first.path.length > 0 ? first.path.join('.') : 'input';
  throw new TaskRequestError(field, issues.map((i) => (i === first ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; '));
}
