/** `berth describe`: each object's sectioned description, separated by blank lines as kubectl does. */
import type { BerthObject } from '../../../api/v1/index.js';
import { describeObject } from '../../output/describe.js';
import { formatError } from '../../output/errors.js';
import { resolveKind, splitKindName } from '../../output/kinds.js';
import type { DescribeFlags } from '../describe.js';
import { noResources } from './get.js';
import { getNamed, listAll } from './objects.js';
import { withSession } from './run.js';

export default function runDescribe(flags: DescribeFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const slashed = splitKindName(flags.kind);
    const kind = slashed ? slashed.kind : resolveKind(flags.kind);
    const names = slashed ? [slashed.name, ...flags.names] : flags.names;
    const cluster = flags.cluster ?? defaultCluster;
    let objects: BerthObject[];
    let code = 0;
    if (names.length > 0) {
      const { found, missing } = await getNamed(client, kind, cluster, names);
      for (const err of missing) io.stderr.write(`${formatError(err)}\n`);
      if (missing.length > 0) code = 1;
      objects = found;
    } else {
      objects = (await listAll(client, kind, { cluster, selector: flags.selector })).items;
      if (objects.length === 0) io.stderr.write(`${noResources(kind, cluster)}\n`);
    }
    const now = new Date();
    io.stdout.write(objects.map((o) => describeObject(o, now)).join('\n'));
    return code;
  });
}
