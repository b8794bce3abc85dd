/** `berth delete -f PATH… | KIND NAME…` [--ignore-not-found]. */
import { Command } from 'commander';
import { collect, runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface DeleteFlags extends GlobalFlags {
  args: string[];
  filename?: string[];
  recursive: boolean;
  ignoreNotFound: boolean;
  selector?: string;
}

export function deleteCommand(): Command {
  return withGlobalOptions(
    new Command('delete')
      .description('Delete the objects in manifests, or objects by kind and name (a task definition family deletes all its revisions)')
      .argument('[args...]', 'KIND NAME… or KIND/NAME…')
      .option('-f, --filename <path>', 'a file, a directory, or - for stdin (repeatable)', collect)
      .option('-R, --recursive', 'read directories recursively', false)
      .option('-l, --selector <selector>', 'delete every object of KIND matching this label selector')
      .option('--ignore-not-found', 'treat objects that do not exist as deleted', false),
  ).action((args: string[], flags: Omit<DeleteFlags, 'args'>) => runLazy(() => import('./actions/delete.js'), { ...flags, args }));
}
