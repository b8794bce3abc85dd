/**
 * `berth diff`: a server-side dry-run apply (so defaults, units and revision numbers are the server's),
 * then each object before and after as YAML. Exit 0: no differences; 1: differences; 2: an error,
 * as kubectl diff, so scripts can tell "drift" from "could not tell".
 */
import { applyManifests } from '../../apply/apply-manifests.js';
import { formatApplyFailure } from '../../output/apply-results.js';
import { diffOfResult } from '../../output/diff-view.js';
import type { DiffFlags } from '../diff.js';
import { loadOrReport } from './load.js';
import { processIo, withSession } from './run.js';

const DIFFERENT = 1;
const ERROR = 2;

export default async function runDiff(flags: DiffFlags): Promise<number> {
  const io = processIo;
  const manifests = await loadOrReport(flags.filename, flags.recursive, io, { past: 'compared', base: 'diff' });
  if (!manifests) return ERROR;
  return withSession(
    flags,
    async ({ client, cluster }) => {
      const outcome = await applyManifests(client, manifests, { dryRun: 'server', defaultCluster: cluster });
      let different = false;
      for (const r of outcome.results) {
        if (r.action === 'failed') {
          io.stderr.write(`${formatApplyFailure(r)}\n`);
          continue;
        }
        const text = diffOfResult(r);
        if (text !== '') {
          different = true;
          io.stdout.write(text);
        }
      }
      if (!outcome.ok) return ERROR;
      return different ? DIFFERENT : 0;
    },
    { errorCode: ERROR },
  );
}
