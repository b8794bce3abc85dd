/** `berth apply`: load and validate everything, then apply through the engine and print per object. */
import { applyManifests } from '../../apply/apply-manifests.js';
import type { DryRunMode } from '../../apply/types.js';
import { formatApplyFailure, formatApplyResult } from '../../output/apply-results.js';
import type { ApplyFlags } from '../apply.js';
import { takeComposeFiles } from '../../compose/apply-input.js';
import { loadOrReport } from './load.js';
import { processIo, withSession } from './run.js';

export class UsageError extends Error {
  override readonly name = 'Usage';
  readonly retriable = false;
}

export function parseDryRun(text: string | undefined): DryRunMode {
  if (text === undefined || text === 'none') return undefined;
  if (text === 'server' || text === 'client') return text;
  throw new UsageError(`invalid --dry-run value "${text}": must be "none", "server" or "client"`);
}

export default async function runApply(flags: ApplyFlags): Promise<number> {
  const io = processIo;
  let dryRun: DryRunMode;
  try {
    dryRun = parseDryRun(flags.dryRun);
    if (flags.prune && !flags.selector) throw new UsageError('--prune needs -l SELECTOR, so that it only ever considers the objects you mean');
  } catch (err) {
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const compose = await takeComposeFiles(flags.filename, { singleTask: flags.singleTask, strict: flags.strict }, io.stderr);
  if (!compose) return 1;
  const loaded = compose.rest.length > 0 ? await loadOrReport(compose.rest, flags.recursive, io, undefined, { warn: true, strict: flags.strict }) : [];
  if (!loaded) return 1;
  const manifests = [...compose.manifests, ...loaded];
  return withSession(flags, async ({ client, cluster }) => {
    const inputs = manifests.filter((m) => m.ok);
    const outcome = await applyManifests(client, inputs, {
      dryRun,
      prune: flags.prune,
      selector: flags.selector,
      fieldManager: flags.fieldManager,
      defaultCluster: cluster,
    });
    for (const r of outcome.results) {
      if (r.action === 'failed') io.stderr.write(`${formatApplyFailure(r)}\n`);
      else io.stdout.write(`${formatApplyResult(r, dryRun)}\n`);
    }
    if (!outcome.ok && flags.prune) io.stderr.write('prune skipped: not every object could be applied\n');
    return outcome.ok ? 0 : 1;
  });
}
