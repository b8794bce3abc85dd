/** `berth scale`: a merge patch of spec.desiredCount, the one field it owns. */
import { kindLabel, resolveKind, splitKindName } from '../../output/kinds.js';
import type { ScaleFlags } from '../scale.js';
import { UsageError } from './apply.js';
import { withSession } from './run.js';

export default function runScale(flags: ScaleFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const targets =
      flags.args.length === 1 ? [splitKindName(flags.args[0] ?? '')] : flags.args.slice(1).map((name) => ({ kind: resolveKind(flags.args[0] ?? ''), name }));
    for (const t of targets) {
      if (!t) throw new UsageError('expected `service NAME` or `service/NAME`');
      if (t.kind !== 'Service') throw new UsageError(`only services can be scaled, not ${kindLabel(t.kind)}`);
      await client.patch('Service', { cluster: flags.cluster ?? cluster, name: t.name }, { spec: { desiredCount: flags.replicas } });
      io.stdout.write(`service/${t.name} scaled\n`);
    }
    return 0;
  });
}
