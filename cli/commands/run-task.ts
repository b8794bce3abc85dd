/** `berth run-task TD [--count N] [--group G] [--started-by S] [--instance I…]`: one-off tasks (ECS RunTask/StartTask). */
import { Command, InvalidArgumentError } from 'commander';
import { collect, runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface RunTaskFlags extends GlobalFlags {
  taskDefinition: string;
  count: number;
  group?: string;
  startedBy?: string;
  instance?: string[];
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

export function runTaskCommand(): Command {
  return withGlobalOptions(
    new Command('run-task')
      .description('Run one-off tasks of a task definition (web = newest revision, web:3 = that one)')
      .argument('<taskDefinition>', 'family or family:revision')
      .option('--count <n>', 'how many tasks (1-10)', positive, 1)
      .option('--group <group>', 'task group (default: family:<family>)')
      .option('--started-by <text>', 'recorded on the tasks, e.g. a job id')
      .option('--instance <name>', 'start one task on this container instance instead of letting the scheduler place it (repeatable)', collect),
  ).action((taskDefinition: string, flags: Omit<RunTaskFlags, 'taskDefinition'>) => runLazy(() => import('./actions/run-task.js'), { ...flags, taskDefinition }));
}
