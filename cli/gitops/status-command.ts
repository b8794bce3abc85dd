/** `berth gitops status [--name N] [-o json|yaml]`: reads every Cluster's GitOps status annotations. */
import { withSession } from '../commands/actions/run.js';
import type { GitOpsStatusFlags } from '../commands/gitops.js';
import { readStatuses } from './status.js';
import { formatStatusData, formatStatusTable } from './status-view.js';

export class StatusUsageError extends Error {
  override readonly name = 'Usage';
  readonly retriable = false;
}

export default function runStatus(flags: GitOpsStatusFlags): Promise<number> {
  return withSession(flags, async ({ client }, io) => {
    const format = flags.output;
    if (format !== undefined && format !== 'json' && format !== 'yaml')
      throw new StatusUsageError(`invalid -o "${format}": use json or yaml, or leave it out for a table`);
    const { items } = await client.list('Cluster');
    const stored = readStatuses(items).filter((s) => flags.name === undefined || s.set === flags.name);
    if (stored.length === 0) {
      const which = flags.name === undefined ? 'no gitops sets found' : `no gitops set "${flags.name}" found`;
      io.stderr.write(`${which}: start one with \`berth gitops watch DIR\`; its status appears after its first sync\n`);
      return flags.name === undefined ? 0 : 1;
    }
    io.stdout.write(format ? formatStatusData(stored, format) : formatStatusTable(stored, new Date()));
    return 0;
  });
}
