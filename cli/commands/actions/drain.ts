/** `berth drain`: a merge patch of the instance's spec.status. */
import type { DrainFlags } from '../drain.js';
import { withSession } from './run.js';

export default function runDrain(flags: DrainFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const status = flags.undo ? 'ACTIVE' : 'DRAINING';
    for (const name of flags.instances) {
      await client.patch('ContainerInstance', { cluster: flags.cluster ?? cluster, name }, { spec: { status } });
      io.stdout.write(`containerinstance/${name} ${flags.undo ? 'activated' : 'drained'}\n`);
    }
    return 0;
  });
}
