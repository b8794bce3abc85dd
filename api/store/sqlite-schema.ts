/**
 * The embedded store's tables, in the manner of k3s's kine:
 *  - log: one row per key changed per revision (the history watches and old reads are served from);
 *    a delete is a row with deleted = 1. Compaction removes rows no read at or after the compact
 *    revision can see.
 *  - kv: the current state, so ordinary reads need no "latest row per key" query.
 *  - meta: the revision counter and the compact revision (they survive restarts, so revisions only grow).
 *  - leases: expiry as wall-clock milliseconds, so a lease's remaining TTL survives a restart.
 */
import type { Database } from 'better-sqlite3';
import type { KeyValue } from './types.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER NOT NULL,
  key TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  lease TEXT,
  value TEXT NOT NULL,
  PRIMARY KEY (revision, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS log_by_key ON log (key, revision);
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  lease TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_by_lease ON kv (lease) WHERE lease IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ttl INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_by_expiry ON leases (expires_at);
`;

export interface KvRow {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  lease: string | null;
}

export interface LogRow {
  revision: number;
  key: string;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  version: number;
  lease: string | null;
  value: string;
}

/** A log row joined with the row it replaced (columns p_*; null when compacted or none). */
export interface LogRowWithPrev extends LogRow {
  p_value: string | null;
  p_create_revision: number | null;
  p_version: number | null;
  p_lease: string | null;
}

export function kvFromRow(row: KvRow): KeyValue {
  const kv: KeyValue = {
    key: row.key,
    value: row.value,
    createRevision: row.create_revision,
    modRevision: row.mod_revision,
    version: row.version,
  };
  if (row.lease !== null) kv.lease = row.lease;
  return kv;
}

/** The state a log row records (for a delete: empty value, modRevision = the deletion). */
export function kvFromLog(row: LogRow): KeyValue {
  return kvFromRow({ ...row, mod_revision: row.revision });
}

export function prevFromLog(row: LogRowWithPrev): KeyValue | undefined {
  if (row.prev_revision === 0 || row.p_value === null) return undefined;
  return kvFromRow({
    key: row.key,
    value: row.p_value,
    create_revision: row.p_create_revision ?? 0,
    mod_revision: row.prev_revision,
    version: row.p_version ?? 0,
    lease: row.p_lease,
  });
}

export function openSchema(db: Database): void {
  // WAL lets reads proceed during a write; synchronous=NORMAL is durable across process crashes
  // (the embedded store's case) at a fraction of FULL's fsync cost.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
}

export function readMeta(db: Database, name: string): number {
  const row = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?').get(name);
  return row?.value ?? 0;
}
