/** `berth gitops status` output: a kubectl-style table, then each set's errors; or JSON/YAML. Pure. */
import { stringify } from 'yaml';
import { age } from '../output/age.js';
import { renderTable } from '../output/table.js';
import type { StoredStatus } from './status.js';

const HEADERS = ['NAME', 'CLUSTER', 'RESULT', 'LAST SYNC', 'CREATED', 'CONFIGURED', 'UNCHANGED', 'PRUNED', 'ERRORS', 'DIR'];

export function formatStatusTable(stored: readonly StoredStatus[], now: Date): string {
  const rows = stored.map((s) => {
    if ('unreadable' in s) return [s.set, s.cluster, 'Unknown', '-', '-', '-', '-', '-', '-', '(unreadable status)'];
    const { status } = s;
    const c = status.counts;
    const n = (v: number | undefined) => (v === undefined ? '-' : String(v));
    return [
      s.set,
      s.cluster,
      status.result,
      `${age(status.lastSyncAt, now)} ago`,
      n(c?.created),
      n(c?.configured),
      n(c?.unchanged),
      n(c?.pruned),
      String(status.errors.length),
      status.dir,
    ];
  });
  const out = renderTable(HEADERS, rows);
  for (const s of stored) {
    if ('unreadable' in s) {
      out.push('', `${s.set}: the status annotation cannot be read: ${s.unreadable}`);
      continue;
    }
    const { status } = s;
    const notes: string[] = [];
    if (status.failedAttempts) notes.push(`  (${status.failedAttempts} failed sync${status.failedAttempts === 1 ? '' : 's'} before this one)`);
    if (status.result !== 'Synced' && status.lastSuccessAt) notes.push(`  last successful sync ${age(status.lastSuccessAt, now)} ago`);
    if (status.errors.length === 0 && notes.length === 0) continue;
    out.push('', `${s.set}: ${status.result.toLowerCase()} at ${status.lastSyncAt} on ${status.host} (${status.reason})`);
    out.push(...status.errors.map((e) => `  ${e.replace(/\n/g, '\n    ')}`), ...notes);
  }
  return `${out.join('\n')}\n`;
}

export function formatStatusData(stored: readonly StoredStatus[], format: 'json' | 'yaml'): string {
  const items = stored.map((s) => ('unreadable' in s ? { set: s.set, cluster: s.cluster, unreadable: s.unreadable } : { cluster: s.cluster, ...s.status }));
  return format === 'json' ? `${JSON.stringify({ items }, null, 2)}\n` : stringify({ items });
}
