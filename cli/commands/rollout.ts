/**
 * `berth rollout status|history|undo service NAME`: follow, list and undo a service's deployments.
 * The implementations live in cli/rollout/.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface RolloutFlags extends GlobalFlags {
  args: string[];
  timeout?: string;
  output?: string;
  toRevision?: number;
}

function revision(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a revision number, 1 or more');
  return n;
}

const TARGET = 'service NAME, or service/NAME';

export function rolloutCommand(): Command {
  const status = withGlobalOptions(
    new Command('status')
      .description('Follow the rollout of the current spec until it completes (exit 0) or fails or is rolled back (exit 1); exit 2 on --timeout')
      .argument('<args...>', TARGET)
      .option('--timeout <duration>', 'give up after this long (90s, 5m, 1h; default: wait for ever)'),
  ).action((args: string[], flags: Omit<RolloutFlags, 'args'>) => runLazy(() => import('../rollout/run-status.js'), { ...flags, args }));
  const history = withGlobalOptions(
    new Command('history')
      .description('List the task definition revisions the service ran, when, and how each deployment ended (oldest first)')
      .argument('<args...>', TARGET)
      .option('-o, --output <format>', 'json'),
  ).action((args: string[], flags: Omit<RolloutFlags, 'args'>) => runLazy(() => import('../rollout/run-history.js'), { ...flags, args }));
  const undo = withGlobalOptions(
    new Command('undo')
      .description('Point the service at the previous revision that completed a rollout (or --to-revision N), pinned as FAMILY:N')
      .argument('<args...>', TARGET)
      .option('--to-revision <n>', 'the revision of the family to return to', revision),
  ).action((args: string[], flags: Omit<RolloutFlags, 'args'>) => runLazy(() => import('../rollout/run-undo.js'), { ...flags, args }));
  const act = (verb: string, action: 'CONTINUE' | 'ROLLBACK' | 'STOP', description: string) =>
    withGlobalOptions(
      new Command(verb).description(description).argument('<args...>', TARGET).option('--hook-id <id>', 'only this pause hook (continue)'),
    ).action((args: string[], flags: Omit<RolloutFlags, 'args'> & { hookId?: string }) =>
      runLazy(() => import('../rollout/run-action.js'), { ...flags, args, action }),
    );
  return new Command('rollout')
    .description('Follow, list, undo, continue and stop service deployments')
    .addCommand(status)
    .addCommand(history)
    .addCommand(undo)
    .addCommand(act('continue', 'CONTINUE', 'Continue a deployment paused by a PAUSE lifecycle hook (ECS ContinueServiceDeployment)'))
    .addCommand(act('rollback', 'ROLLBACK', 'Roll the deployment in progress back to the last one that completed (ContinueServiceDeployment ROLLBACK)'))
    .addCommand(act('stop', 'STOP', 'Stop the deployment in progress and roll it back (ECS StopServiceDeployment)'));
}
