/**
 * `berth delete`: by manifests (in reverse apply order: tasks and services before the definitions
 * and clusters they use), by kind and names, or by kind and selector. Prints `service "web" deleted`.
 */
import type { BerthClient } from '../../../api/client/types.js';
import type { KindName } from '../../../api/keys.js';
import { NotFoundError } from '../../../api/usecases/resources/errors.js';
import { applyRank } from '../../apply/constants.js';
import { prepareManifest } from '../../apply/prepare.js';
import { formatError } from '../../output/errors.js';
import { kindLabel, resolveKind, splitKindName } from '../../output/kinds.js';
import type { DeleteFlags } from '../delete.js';
import { UsageError } from './apply.js';
import { loadOrReport } from './load.js';
import { getNamed, listAll } from './objects.js';
import { processIo, withSession, type Io } from './run.js';

interface Target {
  kind: KindName;
  cluster: string;
  name: string;
}

export default async function runDelete(flags: DeleteFlags): Promise<number> {
  const io = processIo;
  const manifests = flags.filename ? await loadOrReport(flags.filename, flags.recursive, io, { past: 'deleted', base: 'delete' }) : [];
  if (!manifests) return 1;
  return withSession(flags, async ({ client, cluster: defaultCluster }) => {
    const cluster = flags.cluster ?? defaultCluster;
    let targets: Target[];
    if (flags.filename) {
      if (flags.args.length > 0) throw new UsageError('give either -f or KIND NAME…, not both');
      targets = manifests
        .map((m) => prepareManifest(m, { fieldManager: '', defaultCluster: cluster }))
        .sort((a, b) => applyRank(b.kind) - applyRank(a.kind))
        .map((m) => ({ kind: m.kind, cluster: m.cluster, name: m.name }));
    } else targets = await targetsFromArgs(client, flags, cluster);
    let code = 0;
    for (const t of targets) if (!(await deleteTarget(client, t, flags.ignoreNotFound, io))) code = 1;
    return code;
  });
}

async function targetsFromArgs(client: BerthClient, flags: DeleteFlags, cluster: string): Promise<Target[]> {
  const [first, ...rest] = flags.args;
  if (first === undefined) throw new UsageError('nothing to delete: give -f PATH, KIND NAME…, KIND/NAME… or KIND -l SELECTOR');
  if (first.includes('/')) {
    return flags.args.map((arg) => {
      const parsed = splitKindName(arg);
      if (!parsed) throw new UsageError(`"${arg}" is not KIND/NAME`);
      return { kind: parsed.kind, cluster, name: parsed.name };
    });
  }
  const kind = resolveKind(first);
  if (rest.length === 0) {
    if (!flags.selector) throw new UsageError(`name the ${kind} objects to delete, or select them with -l`);
    const { items } = await listAll(client, kind, { cluster, selector: flags.selector });
    return items.map((o) => ({ kind, cluster: o.metadata.cluster, name: o.metadata.name }));
  }
  return rest.map((name) => ({ kind, cluster, name }));
}

/** True when deleted (or absent and that is fine). A task definition family deletes every revision. */
async function deleteTarget(client: BerthClient, t: Target, ignoreNotFound: boolean, io: Io): Promise<boolean> {
  const { found, missing } = await getNamed(client, t.kind, t.cluster, [t.name]);
  if (missing.length > 0) {
    if (ignoreNotFound) return true;
    for (const err of missing) io.stderr.write(`${formatError(err)}\n`);
    return false;
  }
  let ok = true;
  for (const obj of found) {
    try {
      await client.delete(obj.kind, { cluster: obj.metadata.cluster, name: obj.metadata.name });
      io.stdout.write(`${kindLabel(obj.kind)} "${obj.metadata.name}" deleted\n`);
    } catch (err) {
      if (err instanceof NotFoundError && ignoreNotFound) continue;
      io.stderr.write(`${formatError(err)}\n`);
      ok = false;
    }
  }
  return ok;
}
