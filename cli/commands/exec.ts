/** `berth exec TASK [-c CONTAINER] [-i] [-t] -- CMD [ARG…]`: run a command in a task's container, through the agent of its instance. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface ExecFlags extends GlobalFlags {
  task: string;
  command: string[];
  container?: string;
  stdin: boolean;
  tty: boolean;
}

export function execCommand(): Command {
  return withGlobalOptions(
    new Command('exec')
      .description("Run a command in a running task's container (needs the edit role); exits with the command's exit code")
      .argument('<task>', 'task name, or task/NAME')
      .argument('<command...>', 'the command and its arguments, after --')
      .option('-c, --container <name>', 'the container (default: the only one, else the first essential one)')
      .option('-i, --stdin', 'pass standard input to the command', false)
      .option('-t, --tty', 'give the command a terminal (with -i: an interactive shell)', false),
  ).action((task: string, command: string[], flags: Omit<ExecFlags, 'task' | 'command'>) =>
    runLazy(() => import('./actions/exec.js'), { ...flags, task, command }),
  );
}
