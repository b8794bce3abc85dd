/** `berth stop-task TASK… [--reason R]`: ask tasks to stop (ECS StopTask). */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface StopTaskFlags extends GlobalFlags {
  tasks: string[];
  reason?: string;
}

export function stopTaskCommand(): Command {
  return withGlobalOptions(
    new Command('stop-task')
      .description('Stop tasks: desiredStatus STOPPED with a reason; the agent stops the containers')
      .argument('<tasks...>', 'task names')
      .option('--reason <text>', 'recorded as the stop reason'),
  ).action((tasks: string[], flags: Omit<StopTaskFlags, 'tasks'>) => runLazy(() => import('./actions/stop-task.js'), { ...flags, tasks }));
}
