/** Reading manifests for apply, diff and delete: every error printed as FILE:LINE:COL: PATH: MESSAGE. */
import { formatManifestError, loadManifests, type LoadedManifest } from '../../../api/manifests/index.js';
import type { Io } from './run.js';

/** `verb` completes "nothing was …" and "no objects passed to …" (applied/apply, deleted/delete, diffed/diff). */
export async function loadOrReport(paths: string[], recursive: boolean, io: Io, verb: { past: string; base: string } = { past: 'applied', base: 'apply' }): Promise<LoadedManifest[] | undefined> {
  const { manifests, errors } = await loadManifests(paths, { recursive, stdin: process.stdin });
  if (errors.length > 0) {
    for (const e of errors) io.stderr.write(`${formatManifestError(e)}\n`);
    io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'} found; nothing was ${verb.past}\n`);
    return undefined;
  }
  if (manifests.length === 0) {
    io.stderr.write(`error: no objects passed to ${verb.base}: no manifests found in ${paths.join(', ')} (directories are read for *.yaml, *.yml, *.json; add -R to descend)\n`);
    return undefined;
  }
  return manifests;
}
