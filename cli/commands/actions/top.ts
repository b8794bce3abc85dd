/** `berth top`: list the cluster's container instances and print their utilisation reports. */
import { renderTable } from '../../output/table.js';
import { reportedTasks } from '../../../api/utilization-summary.js';
import { topTable } from '../../top/view.js';
import type { TopFlags } from '../top.js';
import { withSession } from './run.js';

export class TopFlagError extends Error {
  override readonly name = 'TopFlagError';
  readonly retriable = false;
}

export default function runTop(flags: TopFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    if (flags.output !== undefined && flags.output !== 'json') throw new TopFlagError(`-o ${flags.output}: berth top prints a table, or json with -o json`);
    const { items } = await client.list('ContainerInstance', { cluster: cluster });
    if (flags.output === 'json') {
      io.stdout.write(`${JSON.stringify(reportedTasks(items), null, 2)}\n`);
      return 0;
    }
    const table = topTable(flags.subject, items);
    if (table.rows.length === 0) {
      io.stderr.write(`no utilisation reported yet in cluster ${cluster} (agents sample every --stats-interval and report with their heartbeat)\n`);
      return 0;
    }
    io.stdout.write(`${renderTable(table.headers, table.rows).join('\n')}\n`);
    return 0;
  });
}
