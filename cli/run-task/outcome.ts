/** How a stopped one-off task ended, for `run-task --wait`: a line to print and whether it succeeded. */
import type { ObjectOf } from '../../api/client/types.js';

type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;

export interface TaskOutcome {
  line: string;
  /** 0 when every essential container exited 0; else the first failing one's code, or 1. */
  exitCode: number;
}

export function taskOutcome(task: Task, definition: TaskDefinition): TaskOutcome {
  const essential = new Set(definition.spec.containerDefinitions.filter((c) => c.essential !== false).map((c) => c.name));
  const containers = task.status?.containers ?? [];
  const failed = [...essential].map((name) => containers.find((c) => c.name === name) ?? { name, exitCode: undefined }).find((c) => c.exitCode !== 0);
  const codes = containers.map((c) => `${c.name} ${c.exitCode === undefined ? 'did not run to an exit' : `exited ${c.exitCode}`}`).join(', ');
  const why = [task.status?.stopCode, task.status?.stoppedReason].filter(Boolean).join(': ');
  const line = `task/${task.metadata.name} STOPPED${why ? ` (${why})` : ''}${codes ? `: ${codes}` : ''}`;
  if (!failed) return { line, exitCode: 0 };
  return { line, exitCode: failed.exitCode !== undefined && failed.exitCode > 0 && failed.exitCode < 256 ? failed.exitCode : 1 };
}
