/** Reading manifests for apply, diff and delete: every error printed as FILE:LINE:COL: PATH: MESSAGE. */
import {
  formatManifestError,
  formatManifestWarning,
  loadManifests,
  type LoadedManifest,
  type ManifestErrorLocation,
} from '../../../api/usecases/manifests/index.js';
import type { Io } from './run.js';

export interface LoadReportOptions {
  /** Print what the manifests ask for that berth does not apply (apply does; delete and diff need not). */
  warn?: boolean;
  /** Treat those warnings as errors: nothing is done. */
  strict?: boolean;
}

/** `verb` completes "nothing was …" and "no objects passed to …" (applied/apply, deleted/delete, diffed/diff). */
export async function loadOrReport(
  paths: string[],
  recursive: boolean,
  io: Io,
  verb: { past: string; base: string } = { past: 'applied', base: 'apply' },
  options: LoadReportOptions = {},
): Promise<LoadedManifest[] | undefined> {
  const { manifests, errors, warnings } = await loadManifests(paths, { recursive, stdin: process.stdin });
  const strictErrors = options.warn && options.strict ? warnings : [];
  if (errors.length + strictErrors.length > 0) {
    for (const e of [...errors, ...strictErrors]) io.stderr.write(`${formatManifestError(e)}\n`);
    const count = errors.length + strictErrors.length;
    io.stderr.write(`${count} error${count === 1 ? '' : 's'} found${strictness(strictErrors)}; nothing was ${verb.past}\n`);
    return undefined;
  }
  if (manifests.length === 0) {
    io.stderr.write(
      `error: no objects passed to ${verb.base}: no manifests found in ${paths.join(', ')} (directories are read for *.yaml, *.yml, *.json; add -R to descend)\n`,
    );
    return undefined;
  }
  if (options.warn) for (const w of warnings) io.stderr.write(`${formatManifestWarning(w)}\n`);
  return manifests;
}

/** How many of the errors are warnings made errors by --strict, said so. */
export function strictness(strictErrors: readonly ManifestErrorLocation[]): string {
  return strictErrors.length > 0 ? ` (${strictErrors.length} of them accepted-but-not-applied fields, errors with --strict)` : '';
}
