/** `berth diff -f PATH…`: what apply would change, as a unified diff of YAML; exit 1 when different. */
import { Command } from 'commander';
import { collect, runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface DiffFlags extends GlobalFlags {
  filename: string[];
  recursive: boolean;
}

export function diffCommand(): Command {
  return withGlobalOptions(
    new Command('diff')
      .description('Show what apply would change (live vs applied, as YAML); exit 0: no differences, 1: differences, 2: error')
      .requiredOption('-f, --filename <path>', 'a file, a directory, or - for stdin (repeatable)', collect)
      .option('-R, --recursive', 'read directories recursively', false),
  ).action((flags: DiffFlags) => runLazy(() => import('./actions/diff.js'), flags));
}
