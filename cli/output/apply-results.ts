/** One line per applied object, as kubectl prints them: `service/web configured`, `taskdefinition/web:4 created`. */
import { formatLocation } from '../../api/usecases/manifests/index.js';
import type { ApplyResult, DryRunMode } from '../apply/types.js';
import { formatError } from './errors.js';
import { kindLabel } from './kinds.js';

export function formatApplyResult(r: ApplyResult, dryRun: DryRunMode): string {
  const suffix = dryRun === 'server' ? ' (server dry run)' : dryRun === 'client' ? ' (dry run)' : '';
  return `${kindLabel(r.kind)}/${r.name} ${r.action}${suffix}${r.note ? ` (${r.note})` : ''}`;
}

/** A failed object: where it came from and what the server said. */
export function formatApplyFailure(r: ApplyResult): string {
  const where = r.source ? ` from ${formatLocation({ file: r.source.file, line: r.source.line, column: 1 })}` : '';
  const what = r.name ? `${kindLabel(r.kind)}/${r.name}` : kindLabel(r.kind);
  const message = formatError(r.error);
  // Put the object and file into kubectl's "Error from server (Reason): " sentence.
  const m = /^(Error from server \([^)]*\)): ([\s\S]*)$/.exec(message);
  return m ? `${m[1]}: error when applying ${what}${where}: ${m[2]}` : `error: when applying ${what}${where}: ${message.replace(/^error: /, '')}`;
}
