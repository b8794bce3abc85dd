/**
 * start-task: one task on each named container instance, created already bound ("bring your own
 * scheduler"): the scheduler leaves bound tasks alone, and the instance's agent starts it. No
 * resource check is made, as in ECS; the instances must exist, be ACTIVE and have a connected agent.
 */
import type { BerthClient } from '../../client/types.js';
import { createTask, failureOf, prepare, type TaskApiOptions, type TasksResult } from './create-tasks.js';
import { TaskRequestError } from './errors.js';
import { parseInput, StartTaskInput } from './inputs.js';

export async function startTask(client: BerthClient, raw: StartTaskInput, options: TaskApiOptions = {}): Promise<TasksResult> {
  const input = parseInput(StartTaskInput, raw);
  const { cluster, definition, group } = await prepare(client, input);
  for (const [i, name] of input.containerInstances.entries()) {
    const field = `containerInstances.${i}`;
    const instance = await client.get('ContainerInstance', { cluster, name });
    if (!instance) throw new TaskRequestError(field, `container instance ${name} not found in cluster ${cluster}; see berth get containerinstances`);
    if (instance.spec.status !== 'ACTIVE')
      throw new TaskRequestError(field, `container instance ${name} is ${instance.spec.status}; tasks can only be started on ACTIVE instances`);
    if (!instance.status?.agentConnected)
      throw new TaskRequestError(field, `container instance ${name} has no connected agent; start its agent (or wait for its heartbeat) and retry`);
  }
  const base = {
    group,
    ...(input.startedBy ? { startedBy: input.startedBy } : {}),
    ...(input.overrides ? { overrides: input.overrides } : {}),
  };
  const result: TasksResult = { tasks: [], failures: [] };
  for (const containerInstance of input.containerInstances) {
    try {
      result.tasks.push(await createTask(client, cluster, definition, { ...base, containerInstance }, options));
    } catch (err) {
      if (result.tasks.length === 0 && err instanceof Error && err.name === 'Invalid') throw err;
      result.failures.push(failureOf(err, containerInstance));
    }
  }
  return result;
}
