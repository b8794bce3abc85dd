/**
 * `berth run-task TD [--count N] [--overrides FILE] [--env K=V…] [--wait]`: one-off tasks (ECS
 * RunTask, or StartTask with --instance).
 */
import { Command, InvalidArgumentError } from 'commander';
import { collect, runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface RunTaskFlags extends GlobalFlags {
  taskDefinition: string;
  count: number;
  group?: string;
  startedBy?: string;
  instance?: string[];
  overrides?: string;
  env?: string[];
  container?: string;
  wait?: boolean;
  timeout?: string;
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
      .option('--instance <name>', 'start one task on this container instance instead of letting the scheduler place it (repeatable)', collect)
      .option('--overrides <file>', "a JSON file with ECS's task overrides (containerOverrides, cpu, memory); file://PATH also works")
      .option('--env <NAME=VALUE>', 'set an environment variable in the container (repeatable; wins over --overrides)', collect)
      .option('-c, --container <name>', 'the container --env applies to (needed when the definition has several)')
      .option('--wait', 'wait until the tasks stop; exit 0 only if every essential container exited 0')
      .option('--timeout <duration>', 'with --wait: give up (exit 1) after this long, e.g. 10m (default: no limit)'),
  ).action((taskDefinition: string, flags: Omit<RunTaskFlags, 'taskDefinition'>) =>
    runLazy(() => import('./actions/run-task.js'), { ...flags, taskDefinition }),
  );
}
