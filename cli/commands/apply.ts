/**
 * `berth apply -f PATH… [-R] [--dry-run=server|client] [--prune -l SELECTOR]`: creates or updates
 * the objects in manifests, kubectl-style (see cli/apply for the semantics).
 */
import { Command } from 'commander';
import { collect, runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface ApplyFlags extends GlobalFlags {
  filename: string[];
  recursive: boolean;
  dryRun?: string;
  prune: boolean;
  selector?: string;
  fieldManager?: string;
  singleTask: boolean;
  strict: boolean;
}

export function applyCommand(): Command {
  return withGlobalOptions(
    new Command('apply')
      .description('Create or update objects from manifests; unchanged objects are left alone')
      .requiredOption('-f, --filename <path>', 'a file, a directory, or - for stdin (repeatable)', collect)
      .option('-R, --recursive', 'read directories recursively', false)
      .option('--dry-run <mode>', '"server": the server validates and stores nothing; "client": no write calls at all')
      .option('--prune', 'delete objects matching -l that berth applied before and that are no longer in the files', false)
      .option('-l, --selector <selector>', 'label selector limiting --prune, e.g. app=web')
      .option('--field-manager <name>', 'the managed-by label value; prune only touches objects with the same value')
      .option('--single-task', 'compose files: one task definition holding every service, so depends_on is kept', false)
      .option('--strict', 'warnings are errors, and nothing is applied: ECS fields berth accepts but does not apply, compose keys it cannot map', false),
  ).action((flags: ApplyFlags) => runLazy(() => import('./actions/apply.js'), flags));
}
