/**
 * run-task: start `count` one-off tasks of a definition, placed by the scheduler (created unbound,
 * PENDING). Everything the request can get wrong is checked before the first task is created.
 */
import type { BerthClient } from '../client/types.js';
import { createTask, failureOf, prepare, type TaskApiOptions, type TasksResult } from './create-tasks.js';
import { parseInput, RunTaskInput } from './inputs.js';

export async function runTask(client: BerthClient, raw: RunTaskInput, options: TaskApiOptions = {}): Promise<TasksResult> {
  const input = parseInput(RunTaskInput, raw);
  const { definition, group } = await prepare(client, input);
  const spec = {
    group,
    ...(input.startedBy ? { startedBy: input.startedBy } : {}),
    ...(input.overrides ? { overrides: input.overrides } : {}),
    ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
    ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
  };
  const result: TasksResult = { tasks: [], failures: [] };
  for (let i = 0; i < input.count; i++) {
    try {
      result.tasks.push(await createTask(client, definition, spec, options));
    } catch (err) {
      // Invalid now means invalid for every copy: say so once, as an error, if nothing was created.
      if (result.tasks.length === 0 && err instanceof Error && err.name === 'Invalid') throw err;
      result.failures.push(failureOf(err));
    }
  }
  return result;
}
