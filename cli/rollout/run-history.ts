/** `berth rollout history service NAME [-o json]`: the revisions the service ran and when, oldest first. */
import type { RolloutFlags } from '../commands/rollout.js';
import { withSession } from '../commands/actions/run.js';
import { UsageError } from '../commands/actions/apply.js';
import { renderTable } from '../output/table.js';
import { HISTORY_HEADERS, historyOf, historyRows } from './history.js';
import { serviceName } from './target.js';

export default function runHistory(flags: RolloutFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const name = serviceName(flags.args, 'history');
    if (flags.output !== undefined && flags.output !== 'json') throw new UsageError(`unknown output format "${flags.output}": only json`);
    const service = await client.mustGet('Service', { cluster: flags.cluster ?? cluster, name });
    const records = historyOf(service);
    if (flags.output === 'json') io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    else if (records.length === 0) io.stderr.write(`service ${name} has not started a deployment yet.\n`);
    else io.stdout.write(`${renderTable(HISTORY_HEADERS, historyRows(records, new Date())).join('\n')}\n`);
    return 0;
  });
}
