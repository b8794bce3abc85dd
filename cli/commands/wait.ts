/** `berth wait --for=COND KIND/NAME [--timeout 30s]`: kubectl's wait, on berth objects. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface WaitFlags extends GlobalFlags {
  target: string;
  for: string;
  timeout: string;
}

export function waitCommand(): Command {
  return withGlobalOptions(
    new Command('wait')
      .description('Wait until an object meets a condition, e.g. berth wait --for=condition=steady service/web')
      .argument('<target>', 'KIND/NAME, e.g. service/web or task/NAME')
      .requiredOption('--for <condition>', "condition=steady (services), delete, or jsonpath='{.status.lastStatus}'=RUNNING")
      .option('--timeout <duration>', 'give up (exit 1) after this long, e.g. 30s, 5m', '30s'),
  ).action((target: string, flags: Omit<WaitFlags, 'target'>) => runLazy(() => import('./actions/wait.js'), { ...flags, target }));
}
