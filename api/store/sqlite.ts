/**
 * The embedded store: etcd's semantics on one SQLite file, for single-machine berth (`berth up`),
 * in the manner of k3s's kine. All writes run on this thread inside SQLite transactions, one store
 * revision each; their events are fanned out to in-process watchers right after commit.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, restrictExisting } from './private-files.js';
import { lockDataDir, type DirLock } from './dir-lock.js';
import { CompactedError, InvalidRequestError, StoreClosedError } from './errors.js';
import { BackgroundCheckpoints, CHECKPOINT_AFTER_BYTES } from './sqlite-checkpoints.js';
import { SqliteLeases } from './sqlite-leases.js';
import { SqliteOps } from './sqlite-ops.js';
import { openSchema, readMeta } from './sqlite-schema.js';
import { WatchHub } from './sqlite-watch.js';
import { assertDistinctWrites } from './txn-rules.js';
import { deleteViaTxn } from './txn-writes.js';
import { GroupCommit } from './group-commit.js';
import type {
  DeleteOptions,
  DeleteResult,
  KeyValue,
  StoreLease,
  LeaseOptions,
  PutEntry,
  PutOptions,
  RangeOptions,
  RangeResult,
  Store,
  TxnOp,
  TxnOpResult,
  TxnRequest,
  TxnResult,
  Watch,
  WatchEvent,
  WatchOptions,
  WriteResult,
} from './types.js';
import { MAX_TXN_OPS } from './types.js';

export interface SqliteStoreOptions {
  /** Directory holding the database file (created if missing); one process may open it at a time. */
  dataDir: string;
  /** Automatic compaction keeps this many revisions of history (default 10 000; 0 disables it). */
  retainRevisions?: number;
  /** How often automatic compaction runs (default 60 s). */
  compactIntervalMs?: number;
  /** After how many bytes of writes the write-ahead log is copied into the database file, off this thread (default ~4 MiB, SQLite's own 1,000 pages). */
  checkpointAfterBytes?: number;
}

/** SQLite's own wal_autocheckpoint, which the store's connection falls back to if the checkpoint thread fails. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export const SQLITE_FILE = 'berth.db';

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly ops: SqliteOps;
  private readonly hub: WatchHub;
  private readonly leases: SqliteLeases;
  private readonly lock: DirLock;
  private readonly batched: GroupCommit;
  private readonly compactTimer: NodeJS.Timeout | undefined;
  private readonly checkpoints: BackgroundCheckpoints;
  private revision: number;
  private compactRevision: number;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    ensurePrivateDir(options.dataDir);
    this.lock = lockDataDir(options.dataDir);
    const file = join(options.dataDir, SQLITE_FILE);
    try {
      // SQLite gives its -wal and -shm files the database file's mode: 0600 here makes all three private.
      ensurePrivateFile(file);
      this.db = new Database(file);
      openSchema(this.db);
      restrictExisting([`${file}-wal`, `${file}-shm`]);
    } catch (err) {
      this.lock.release();
      throw err;
    }
    // Checkpoints run on their own thread (sqlite-checkpoints.ts), not inside this thread's commits.
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpoints = new BackgroundCheckpoints(file, options.checkpointAfterBytes ?? CHECKPOINT_AFTER_BYTES, () => {
      if (!this.closed) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
    this.ops = new SqliteOps(this.db);
    this.revision = readMeta(this.db, 'revision');
    this.compactRevision = readMeta(this.db, 'compact_revision');
    this.hub = new WatchHub({
      compactRevision: () => this.compactRevision,
      currentRevision: () => this.revision,
      eventsSince: (prefix, from) => this.ops.eventsSince(prefix, from),
    });
    // Writes issued in one turn of the event loop share one SQLite transaction (a commit per write
    // was the largest single cost of the embedded store at scale); reads are direct and synchronous.
    // Batched writes return no previous values (as etcd's group commit asks for none).
    this.batched = new GroupCommit(async (request) => this.txnSync(request, Infinity, false), { maxOps: 1_000, maxBytes: 64 * 2 ** 20, maxInFlight: 1 });
    this.leases = new SqliteLeases(this.db, (id) => this.revokeLease(id));
    this.leases.start();
    const retain = options.retainRevisions ?? 10_000;
    if (retain > 0) {
      this.compactTimer = setInterval(() => {
        if (this.revision - retain > this.compactRevision) this.compactSync(this.revision - retain);
      }, options.compactIntervalMs ?? 60_000);
      this.compactTimer.unref();
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    return this.ops.get(key);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const rev = options.revision;
    if (rev !== undefined && rev < this.compactRevision) throw new CompactedError(rev, this.compactRevision);
    if (rev !== undefined && rev > this.revision) {
      throw new InvalidRequestError(`range at revision ${rev} is in the future (current ${this.revision})`);
    }
    const limit = options.limit ?? 0;
    const atOld = rev !== undefined && rev < this.revision ? rev : undefined;
    const items = this.ops.range(prefix, options.startAfter, limit > 0 ? limit + 1 : 0, atOld);
    const more = limit > 0 && items.length > limit;
    return { items: more ? items.slice(0, limit) : items, revision: rev ?? this.revision, more };
  }

  async create(key: string, value: string, options: { lease?: string } = {}): Promise<WriteResult> {
    this.assertOpen();
    return this.batched.create(key, value, options);
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<WriteResult> {
    this.assertOpen();
    return this.batched.put(key, value, options);
  }

  async putMany(entries: PutEntry[]): Promise<WriteResult> {
    // One SQLite transaction is cheap however large, so the whole call is one revision.
    const res = this.txnSync({ compare: [], success: entries.map((e) => ({ type: 'put', ...e })) }, Infinity, false);
    return { revision: res.revision };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    return deleteViaTxn(async (r) => this.txnSync(r), key, options);
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    return this.txnSync(request);
  }

  watch(prefix: string, options: WatchOptions = {}): Watch {
    this.assertOpen();
    return this.hub.subscribe(prefix, options.fromRevision, options.prevValues ?? true);
  }

  async grantLease(ttlSeconds: number, options?: LeaseOptions): Promise<StoreLease> {
    this.assertOpen();
    if (!(ttlSeconds >= 1)) throw new InvalidRequestError(`lease TTL must be at least 1 second, got ${ttlSeconds}`);
    return this.leases.grant(Math.ceil(ttlSeconds), options);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.revision) throw new InvalidRequestError(`cannot compact to ${revision}: beyond current revision ${this.revision}`);
    if (revision > this.compactRevision) this.compactSync(revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.leases.stop();
    this.hub.failAll(new StoreClosedError());
    // Its connection first: closing the last connection checkpoints what is left and removes the log.
    await this.checkpoints.stop();
    this.db.close();
    this.lock.release();
  }

  private compactSync(revision: number): void {
    this.db.transaction(() => this.ops.compact(revision))();
    this.compactRevision = revision;
  }

  /**
   * Runs a transaction; on any write it takes the next revision and publishes its events. Puts
   * return their previous values only `withPrev` (and carry them for watchers that want them).
   */
  private txnSync(request: TxnRequest, maxOps = MAX_TXN_OPS, withPrev = true): TxnResult {
    this.assertOpen();
    assertDistinctWrites(request.success, maxOps);
    assertDistinctWrites(request.failure ?? [], maxOps);
    const revision = this.revision + 1;
    const events: WatchEvent[] = [];
    const run = this.db.transaction(() => {
      const succeeded = request.compare.every((c) => (this.ops.versions(c.key)?.modRevision ?? 0) === c.modRevision);
      const results = (succeeded ? request.success : (request.failure ?? [])).map((op) => this.apply(revision, op, events, withPrev));
      if (events.length > 0) this.ops.saveRevision(revision);
      return { succeeded, results };
    });
    const { succeeded, results } = run();
    if (events.length > 0) {
      this.revision = revision;
      this.hub.publish(revision, events);
      this.checkpoints.wrote(rowBytes(events));
    }
    return { succeeded, revision: this.revision, results };
  }

  private apply(revision: number, op: TxnOp, events: WatchEvent[], withPrev: boolean): TxnOpResult {
    switch (op.type) {
      case 'get': {
        const kv = this.ops.get(op.key);
        return kv ? { type: 'get', key: op.key, kv } : { type: 'get', key: op.key };
      }
      case 'put': {
        if (op.lease !== undefined) this.leases.assertExists(op.lease);
        const event = this.ops.put(revision, op.key, op.value, op.lease, withPrev || this.hub.wantsPrevValues(op.key));
        events.push(event);
        return withPrev && event.prev ? { type: 'put', key: op.key, prev: event.prev } : { type: 'put', key: op.key };
      }
      case 'delete': {
        const event = this.ops.delete(revision, op.key);
        if (!event) return { type: 'delete', key: op.key, deleted: false };
        events.push(event);
        return event.prev ? { type: 'delete', key: op.key, deleted: true, prev: event.prev } : { type: 'delete', key: op.key, deleted: true };
      }
    }
  }

  /** Deletes a lease's keys and the lease in one revision (nothing if the lease is already gone). */
  private revokeLease(leaseId: string): void {
    if (this.closed) return;
    const revision = this.revision + 1;
    const events: WatchEvent[] = [];
    this.db.transaction(() => {
      for (const key of this.ops.leaseKeys(leaseId)) {
        const event = this.ops.delete(revision, key);
        if (event) events.push(event);
      }
      this.leases.deleteRow(leaseId);
      if (events.length > 0) this.ops.saveRevision(revision);
    })();
    if (events.length > 0) {
      this.revision = revision;
      this.hub.publish(revision, events);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

/** About what a commit's events took in the log: each write is a current row and a log row. */
function rowBytes(events: readonly WatchEvent[]): number {
  let bytes = 0;
  for (const e of events) bytes += 2 * (e.kv.key.length + e.kv.value.length);
  return bytes;
}
