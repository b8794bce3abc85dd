/** `berth task protect TASK… [--minutes N] | --disable`: task scale-in protection (ECS UpdateTaskProtection). */
import { Command, InvalidArgumentError } from 'commander';
import { TASK_PROTECTION_DEFAULT_MINUTES, TASK_PROTECTION_MAX_MINUTES } from '../../api/v1/task-protection.js';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface TaskProtectFlags extends GlobalFlags {
  tasks: string[];
  minutes?: number;
  disable?: boolean;
}

function minutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > TASK_PROTECTION_MAX_MINUTES)
    throw new InvalidArgumentError(`must be a whole number of minutes, 1-${TASK_PROTECTION_MAX_MINUTES}`);
  return n;
}

export function taskCommand(): Command {
  const protect = withGlobalOptions(
    new Command('protect')
      .description('Protect tasks from scale-in and deployment replacement by their service until the protection expires (ECS UpdateTaskProtection)')
      .argument('<tasks...>', 'task names')
      .option('--minutes <n>', `protection lasts this long (ECS expiresInMinutes; default ${TASK_PROTECTION_DEFAULT_MINUTES})`, minutes)
      .option('--disable', 'remove the protection'),
  ).action((tasks: string[], flags: Omit<TaskProtectFlags, 'tasks'>) => runLazy(() => import('./actions/task-protect.js'), { ...flags, tasks }));
  return new Command('task').description('Act on tasks').addCommand(protect);
}
