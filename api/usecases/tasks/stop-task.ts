/**
 * stop-task: ask a task to stop. Sets spec.desiredStatus STOPPED and spec.stopReason; whoever owns
 * the task's status then acts (the agent stops its containers and reports stopCode UserInitiated,
 * or the scheduler ends a task never placed). Stopping a task already asked to stop keeps its first
 * reason, as ECS does; the task is returned either way.
 */
import type { BerthClient, ObjectOf } from '../../client/types.js';
import { DEFAULT_CLUSTER } from '../../v1/meta.js';
import { TaskRequestError } from './errors.js';
import { parseInput, StopTaskInput } from './inputs.js';

/** ECS's stoppedReason for a user's stop without a reason. */
export const USER_STOP_REASON = 'Task stopped by the user';

export async function stopTask(client: BerthClient, raw: StopTaskInput): Promise<ObjectOf<'Task'>> {
  const input = parseInput(StopTaskInput, raw);
  const cluster = input.cluster ?? DEFAULT_CLUSTER;
  try {
    const { object } = await client.mutate('Task', { cluster, name: input.task }, (task) => {
      if (task.spec.desiredStatus === 'STOPPED') return;
      task.spec.desiredStatus = 'STOPPED';
      task.spec.stopReason = input.reason ?? USER_STOP_REASON;
    });
    return object;
  } catch (err) {
    if (err instanceof Error && err.name === 'NotFound') throw new TaskRequestError('task', `task ${input.task} not found in cluster ${cluster}`);
    throw err;
  }
}
