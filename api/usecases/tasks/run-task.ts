/**
 * run-task: start `count` one-off tasks of a definition, placed by the scheduler (created unbound,
 * PENDING). Everything the request can get wrong is checked before the first task is created; with
 * a placement check, tasks no instance can take now are reported in `failures` and not created.
 */
import type { BerthClient, ObjectOf } from '../../client/types.js';
import { API_VERSION } from '../../v1/meta.js';
import { Task } from '../../v1/task.js';
import { createTask, failureOf, prepare, type TaskApiOptions, type TasksResult } from './create-tasks.js';
import { parseInput, RunTaskInput } from './inputs.js';

export async function runTask(client: BerthClient, raw: RunTaskInput, options: TaskApiOptions = {}): Promise<TasksResult> {
  const input = parseInput(RunTaskInput, raw);
  const { cluster, definition, group } = await prepare(client, input);
  const spec = {
    group,
    ...(input.startedBy ? { startedBy: input.startedBy } : {}),
    ...(input.overrides ? { overrides: input.overrides } : {}),
    ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
    ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
  };
  const result: TasksResult = { tasks: [], failures: [] };
  const unplaceable = options.placement ? await options.placement(cluster, drafts(cluster, definition, spec, input.count, options)) : new Map<string, string>();
  // The drafts are alike, so which of them fit does not matter: only how many.
  for (const reason of unplaceable.values()) result.failures.push({ reason });
  for (let i = 0; i < input.count - unplaceable.size; i++) {
    try {
      result.tasks.push(await createTask(client, cluster, definition, spec, options));
    } catch (err) {
      // Invalid now means invalid for every copy: say so once, as an error, if nothing was created.
      if (result.tasks.length === 0 && err instanceof Error && err.name === 'Invalid') throw err;
      result.failures.push(failureOf(err));
    }
  }
  return result;
}

/** The tasks about to be created, as the scheduler would see them (unbound, PENDING, newest). */
function drafts(
  cluster: string,
  definition: ObjectOf<'TaskDefinition'>,
  spec: Record<string, unknown>,
  count: number,
  options: TaskApiOptions,
): ObjectOf<'Task'>[] {
  const now = (options.now ?? (() => new Date()))().toISOString();
  // Parsed as stored objects are, so the check sees defaults filled in.
  return Array.from({ length: count }, (_, i) =>
    Task.parse({
      apiVersion: API_VERSION,
      kind: 'Task',
      metadata: { name: `run-task-draft-${String(i).padStart(2, '0')}`, cluster, creationTimestamp: now },
      spec: { taskDefinition: definition.metadata.name, desiredStatus: 'RUNNING', ...spec },
      status: { lastStatus: 'PENDING', createdAt: now },
    }),
  );
}
