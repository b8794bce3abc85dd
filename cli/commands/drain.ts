/** `berth drain INSTANCE [--undo]`: stop placing tasks on an instance and move its service tasks away. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface DrainFlags extends GlobalFlags {
  instances: string[];
  undo: boolean;
}

export function drainCommand(): Command {
  return withGlobalOptions(
    new Command('drain')
      .description('Set container instances to DRAINING (no new tasks; service tasks are replaced elsewhere)')
      .argument('<instances...>', 'container instance names')
      .option('--undo', 'set them back to ACTIVE', false),
  ).action((instances: string[], flags: Omit<DrainFlags, 'instances'>) => runLazy(() => import('./actions/drain.js'), { ...flags, instances }));
}
