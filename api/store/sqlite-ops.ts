/**
 * The embedded store's reads and row-level writes, as prepared statements. Callers run the writes
 * inside one SQLite transaction per store revision; nothing here allocates revisions.
 */
import type { Database, Statement } from 'better-sqlite3';
import { prefixEnd } from './prefix.js';
import { kvFromLog, kvFromRow, prevFromLog, type KvRow, type LogRowWithPrev } from './sqlite-schema.js';
import type { KeyValue, WatchEvent } from './types.js';

interface RangeParams {
  lo: string;
  hi?: string;
  limit: number;
  rev: number;
}

/**
 * Each bound is its own statement: written as `(@after IS NULL OR key > @after)` SQLite cannot
 * seek the index to the bound, so it walked every key before it and each page of a paged list
 * cost more than the one before.
 */
type RangeShape = 'from' | 'after' | 'fromTo' | 'afterTo';
const RANGE_FILTERS: Record<RangeShape, string> = {
  from: 'key >= @lo',
  after: 'key > @lo',
  fromTo: 'key >= @lo AND key < @hi',
  afterTo: 'key > @lo AND key < @hi',
};
const RANGE_SHAPES = Object.keys(RANGE_FILTERS) as RangeShape[];

export class SqliteOps {
  private readonly getKv: Statement<[string], KvRow>;
  private readonly getVersions: Statement<[string], Pick<KvRow, 'create_revision' | 'mod_revision' | 'version'>>;
  private readonly rangeNow = new Map<RangeShape, Statement<[RangeParams], KvRow>>();
  private readonly rangeAt = new Map<RangeShape, Statement<[RangeParams], KvRow>>();
  private readonly upsertKv: Statement<[KvRow]>;
  private readonly deleteKv: Statement<[string]>;
  private readonly insertLog: Statement<[unknown[]]>;
  private readonly logSince: Statement<[{ lo: string; hi: string | null; from: number }], LogRowWithPrev>;
  private readonly keysOfLease: Statement<[string], { key: string }>;
  private readonly compactLog: Statement<[{ rev: number }]>;
  private readonly setMeta: Statement<[string, number]>;

  constructor(db: Database) {
    this.getKv = db.prepare('SELECT * FROM kv WHERE key = ?');
    // A compare, and a put nobody wants the previous value of, need a key's revisions only: not its
    // value (~1 KB per task), which get() would copy out of SQLite.
    this.getVersions = db.prepare('SELECT create_revision, mod_revision, version FROM kv WHERE key = ?');
    for (const shape of RANGE_SHAPES) {
      const filter = RANGE_FILTERS[shape];
      this.rangeNow.set(shape, db.prepare(`SELECT * FROM kv WHERE ${filter} ORDER BY key LIMIT @limit`));
      // The state at an old revision: for each key, its latest log row at or before it, if not a delete.
      this.rangeAt.set(
        shape,
        db.prepare(
          `SELECT l.key, l.value, l.create_revision, l.revision AS mod_revision, l.version, l.lease FROM log l
           WHERE ${filter.replaceAll('key', 'l.key')} AND l.revision <= @rev AND l.deleted = 0
             AND l.revision = (SELECT MAX(revision) FROM log m WHERE m.key = l.key AND m.revision <= @rev)
           ORDER BY l.key LIMIT @limit`,
        ),
      );
    }
    this.upsertKv = db.prepare(
      `INSERT INTO kv (key, value, create_revision, mod_revision, version, lease)
       VALUES (@key, @value, @create_revision, @mod_revision, @version, @lease)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, mod_revision = excluded.mod_revision,
         version = excluded.version, lease = excluded.lease`,
    );
    this.deleteKv = db.prepare('DELETE FROM kv WHERE key = ?');
    this.insertLog = db.prepare(
      `INSERT INTO log (revision, key, deleted, create_revision, prev_revision, version, lease, value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.logSince = db.prepare(
      `SELECT l.*, p.value AS p_value, p.create_revision AS p_create_revision, p.version AS p_version,
              p.lease AS p_lease
       FROM log l LEFT JOIN log p ON p.key = l.key AND p.revision = l.prev_revision
       WHERE l.revision >= @from AND l.key >= @lo AND (@hi IS NULL OR l.key < @hi)
       ORDER BY l.revision, l.key`,
    );
    this.keysOfLease = db.prepare('SELECT key FROM kv WHERE lease = ?');
    // Drop rows no read at or after `rev` can see: those replaced by a later row at or before
    // `rev`, and deletes before it. Rows at `rev` itself stay so a watch from `rev` still works.
    this.compactLog = db.prepare(
      `DELETE FROM log WHERE revision < @rev AND (deleted = 1 OR EXISTS (
         SELECT 1 FROM log n WHERE n.key = log.key AND n.revision > log.revision AND n.revision <= @rev))`,
    );
    this.setMeta = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  }

  get(key: string): KeyValue | undefined {
    const row = this.getKv.get(key);
    return row ? kvFromRow(row) : undefined;
  }

  /** The key's revisions and version, without its value. */
  versions(key: string): Pick<KeyValue, 'createRevision' | 'modRevision' | 'version'> | undefined {
    const row = this.getVersions.get(key);
    return row && { createRevision: row.create_revision, modRevision: row.mod_revision, version: row.version };
  }

  /** Up to `limit` items (0 = all); `rev` undefined reads the current state. */
  range(prefix: string, startAfter: string | undefined, limit: number, rev: number | undefined): KeyValue[] {
    const after = startAfter !== undefined && startAfter >= prefix;
    const hi = prefixEnd(prefix);
    const shape: RangeShape = after ? (hi === undefined ? 'after' : 'afterTo') : hi === undefined ? 'from' : 'fromTo';
    const params: RangeParams = { lo: after ? startAfter : prefix, ...(hi === undefined ? {} : { hi }), limit: limit > 0 ? limit : -1, rev: rev ?? 0 };
    const statement = (rev === undefined ? this.rangeNow : this.rangeAt).get(shape);
    if (!statement) throw new Error(`internal: no range statement for ${shape}`);
    return statement.all(params).map(kvFromRow);
  }

  /**
   * Writes `key` at `revision`. The event carries the previous value only `withPrev` (a caller or a
   * watcher asked for it): reading it copies the old value out of SQLite, ~1 KB per task write that
   * most writes never look at.
   */
  put(revision: number, key: string, value: string, lease: string | undefined, withPrev: boolean): WatchEvent {
    const prev = withPrev ? this.get(key) : undefined;
    const before = withPrev ? prev : this.versions(key);
    const row: KvRow = {
      key,
      value,
      create_revision: before?.createRevision ?? revision,
      mod_revision: revision,
      version: (before?.version ?? 0) + 1,
      lease: lease ?? null,
    };
    this.upsertKv.run(row);
    this.insertLog.run([revision, key, 0, row.create_revision, before?.modRevision ?? 0, row.version, row.lease, value]);
    return prev ? { type: 'put', kv: kvFromRow(row), prev } : { type: 'put', kv: kvFromRow(row) };
  }

  /** Undefined when the key did not exist (nothing is written then). */
  delete(revision: number, key: string): WatchEvent | undefined {
    const prev = this.get(key);
    if (!prev) return undefined;
    this.deleteKv.run(key);
    this.insertLog.run([revision, key, 1, 0, prev.modRevision, 0, null, '']);
    return { type: 'delete', kv: { key, value: '', createRevision: 0, modRevision: revision, version: 0 }, prev };
  }

  eventsSince(prefix: string, fromRevision: number): WatchEvent[] {
    return this.logSince.all({ lo: prefix, hi: prefixEnd(prefix) ?? null, from: fromRevision }).map((row) => {
      const prev = prevFromLog(row);
      const event: WatchEvent = { type: row.deleted ? 'delete' : 'put', kv: kvFromLog(row) };
      if (prev) event.prev = prev;
      return event;
    });
  }

  leaseKeys(leaseId: string): string[] {
    return this.keysOfLease.all(leaseId).map((r) => r.key);
  }

  compact(revision: number): void {
    this.compactLog.run({ rev: revision });
    this.setMeta.run('compact_revision', revision);
  }

  saveRevision(revision: number): void {
    this.setMeta.run('revision', revision);
  }
}
