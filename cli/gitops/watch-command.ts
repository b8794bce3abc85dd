/** `berth gitops watch DIR`: checks its flags and directory, then runs a GitOpsWatcher until a signal. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rootLogger } from '../../api/log.js';
import { parseLabelSelector } from '../../api/usecases/resources/label-selector.js';
import { processIo, reportErrors } from '../commands/actions/run.js';
import { connect } from '../commands/connect.js';
import type { GitOpsWatchFlags } from '../commands/gitops.js';
import { stopOnSignal } from '../../cmd/until-signal.js';
import { GITOPS_FIELD_MANAGER, setName } from './constants.js';
import { parseDuration } from '../duration.js';
import { GitOpsWatcher } from './watcher.js';

export class NotADirectoryError extends Error {
  override readonly name = 'NotADirectory';
  readonly retriable = false;
}

export default function runWatch(flags: GitOpsWatchFlags): Promise<number> {
  return reportErrors(async () => {
    const dir = resolve(flags.dir);
    const intervalMs = parseDuration(flags.interval, '--interval');
    const debounceMs = parseDuration(flags.debounce, '--debounce');
    if (flags.selector) parseLabelSelector(flags.selector);
    const set = setName(dir, flags.name);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new NotADirectoryError(`${flags.dir} is not a directory; give the directory of manifests to watch`);
    const session = connect(flags);
    const watcher = new GitOpsWatcher({
      client: session.client,
      dir,
      set,
      fieldManager: GITOPS_FIELD_MANAGER,
      defaultCluster: session.cluster,
      statusCluster: session.cluster,
      prune: flags.prune,
      selector: flags.selector,
      intervalMs,
      debounceMs,
      log: rootLogger,
    });
    processIo.stderr.write(`watching ${dir} as gitops set "${set}" against ${session.server}${flags.prune ? ' (with prune)' : ''}; Ctrl-C to stop\n`);
    await watcher.start();
    await stopOnSignal(async () => {
      await watcher.stop();
      session.close();
    }, rootLogger);
    return 0;
  });
}
