/** `berth logs TASK [-c CONTAINER] [-f] [--tail N] [--since 5m]`: a task container's output, through its agent. */
import { Command, InvalidArgumentError } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface LogsFlags extends GlobalFlags {
  task: string;
  container?: string;
  follow: boolean;
  tail?: number;
  since?: string;
}

function lineCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

export function logsCommand(): Command {
  return withGlobalOptions(
    new Command('logs')
      .description("Print the output of a task's container, read through the agent of its instance")
      .argument('<task>', 'task name, or task/NAME')
      .option('-c, --container <name>', 'the container (default: the only one, else the first essential one)')
      .option('-f, --follow', 'keep printing new output until interrupted or the container ends', false)
      .option('--tail <n>', 'only the last N lines', lineCount)
      .option('--since <duration>', 'only output newer than this, e.g. 10s, 5m, 1h'),
  ).action((task: string, flags: Omit<LogsFlags, 'task'>) => runLazy(() => import('./actions/logs.js'), { ...flags, task }));
}
