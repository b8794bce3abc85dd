/** `berth deregister taskdefinition web:3…`: marks revisions INACTIVE (ECS's DeregisterTaskDefinition). */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface DeregisterFlags extends GlobalFlags {
  args: string[];
}

export function deregisterCommand(): Command {
  return withGlobalOptions(
    new Command('deregister')
      .description(
        'Mark task definition revisions INACTIVE: running tasks and services already on them keep them; nothing new is put on them, and services following the family move to the newest ACTIVE revision',
      )
      .argument('<args...>', 'taskdefinition FAMILY:REVISION…, or taskdefinition/FAMILY:REVISION…'),
  ).action((args: string[], flags: Omit<DeregisterFlags, 'args'>) => runLazy(() => import('../rollout/deregister.js'), { ...flags, args }));
}
