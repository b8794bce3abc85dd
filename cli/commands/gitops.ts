/**
 * `berth gitops watch DIR` keeps a directory of manifests applied (on change, on an interval, with
 * optional prune); `berth gitops status` shows how each watched set's last sync went.
 */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface GitOpsWatchFlags extends GlobalFlags {
  dir: string;
  prune: boolean;
  interval: string;
  debounce: string;
  selector?: string;
  name?: string;
}

export interface GitOpsStatusFlags extends GlobalFlags {
  name?: string;
  output?: string;
}

export function gitopsCommand(): Command {
  const watch = withGlobalOptions(
    new Command('watch')
      .description('Apply the manifests under DIR now, on every change, and every --interval (undoing changes made by hand)')
      .argument('<dir>', 'directory of manifests (*.yaml, *.yml, *.json), read recursively')
      .option('--prune', "delete this set's objects whose manifests were removed", false)
      .option('--interval <duration>', 're-apply everything this often, e.g. 60s, 5m; 0 for never', '60s')
      .option('--debounce <duration>', 'wait this long after the last file change before syncing', '300ms')
      .option('-l, --selector <selector>', 'apply (and prune) only objects with these labels, e.g. app=web')
      .option('--name <name>', 'the set name: the berth.dev/gitops-set label and status key (default: the directory name)'),
  ).action((dir: string, flags: Omit<GitOpsWatchFlags, 'dir'>) => runLazy(() => import('../gitops/watch-command.js'), { ...flags, dir }));

  const status = withGlobalOptions(
    new Command('status')
      .description('Show the last sync of every GitOps set (or of --name): when, result, counts and errors')
      .option('--name <name>', 'only this set')
      .option('-o, --output <format>', 'json or yaml instead of the table'),
  ).action((flags: GitOpsStatusFlags) => runLazy(() => import('../gitops/status-command.js'), flags));

  return new Command('gitops').description('Keep directories of manifests applied, and see how that goes').addCommand(watch).addCommand(status);
}
