/** Prints a compose load's warnings and errors; false when there were errors (nothing to apply). */
import { formatManifestError } from '../../api/usecases/manifests/errors.js';
import type { ComposeLoad } from './load.js';

export function reportCompose(load: ComposeLoad, stderr: { write(text: string): unknown }): boolean {
  for (const w of load.warnings) stderr.write(`warning: ${formatManifestError(w)}\n`);
  for (const e of load.errors) stderr.write(`${formatManifestError(e)}\n`);
  if (load.errors.length > 0) stderr.write(`${load.errors.length} error${load.errors.length === 1 ? '' : 's'} in ${load.file}; nothing was converted\n`);
  return load.errors.length === 0;
}
