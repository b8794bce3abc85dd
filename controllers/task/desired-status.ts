/**
 * A task that ended on its own (an essential container exited, it failed to start) is still desired
 * RUNNING when its agent reports it STOPPED: the agent owns status, not spec (conventions.ts). ECS
 * shows such a task with desiredStatus STOPPED, and so does berth: the task controller settles the
 * spec once the task is STOPPED. Nothing can run it again, so this changes no decision; the stop
 * code (TaskFailedToStart, EssentialContainerExited) keeps saying why it ended.
 */
import { isStopped } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';

type Task = ObjectOf<'Task'>;

/** Pure: the task has ended but its spec still asks for it to run. */
export function needsDesiredStopped(task: Task): boolean {
  return isStopped(task) && task.spec.desiredStatus === 'RUNNING';
}
