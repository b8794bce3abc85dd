/**
 * Which container's logs `berth logs TASK` shows when none is named, kubectl's way: the only
 * container, else the first essential one (the one whose exit stops the task), else the first.
 * The CLI and the API server both decide with this, so they never disagree.
 */
import type { ObjectOf } from '../../client/types.js';

export interface LogContainers {
  /** Every container of the task, in definition order. */
  names: string[];
  /** The one to show when the caller named none; undefined when the task has no known containers. */
  chosen: string | undefined;
}

type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;

export function logContainers(containers: { name: string; essential?: boolean }[]): LogContainers {
  const chosen = containers.length === 1 ? containers[0] : (containers.find((c) => c.essential !== false) ?? containers[0]);
  return { names: containers.map((c) => c.name), chosen: chosen?.name };
}

/** From the task's definition; from its reported status when the definition is gone. */
export async function taskLogContainers(task: Task, definition: (name: string) => Promise<TaskDefinition | undefined>): Promise<LogContainers> {
  const td = await definition(task.spec.taskDefinition);
  if (td) return logContainers(td.spec.containerDefinitions);
  return logContainers(task.status?.containers ?? []);
}
