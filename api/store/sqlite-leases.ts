/**
 * Leases of the embedded store. Expiry is wall-clock time stored with the lease, so a lease keeps
 * its remaining TTL across a restart; a timer revokes expired leases, and revoking deletes the
 * lease's keys in one write (so watchers see delete events, as with etcd).
 */
import type { Database, Statement } from 'better-sqlite3';
import { LeaseNotFoundError } from './errors.js';
import type { StoreLease, LeaseOptions } from './types.js';

/** How often expired leases are looked for: the bound on how late an expiry is noticed. */
const EXPIRY_CHECK_MS = 100;
/** A check this much later than due means the process was stalled rather than merely busy. */
const STALL_MS = 500;

export class SqliteLeases {
  private readonly insert: Statement<[number, number]>;
  private readonly touch: Statement<[number, string]>;
  private readonly exists: Statement<[string], { id: number }>;
  private readonly expired: Statement<[number], { id: number }>;
  private readonly remove: Statement<[string]>;
  private readonly extendAll: Statement<[number]>;
  private lastCheckAt: number | undefined;
  private readonly live = new Set<SqliteLease>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    db: Database,
    /** Deletes the lease's keys and the lease itself, as one write that watchers see. */
    private readonly revokeWrite: (leaseId: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT INTO leases (ttl, expires_at) VALUES (?, ?)');
    this.touch = db.prepare('UPDATE leases SET expires_at = ? WHERE id = ?');
    this.exists = db.prepare('SELECT id FROM leases WHERE id = ?');
    this.expired = db.prepare('SELECT id FROM leases WHERE expires_at <= ? ORDER BY expires_at');
    this.remove = db.prepare('DELETE FROM leases WHERE id = ?');
    this.extendAll = db.prepare('UPDATE leases SET expires_at = expires_at + ?');
  }

  start(): void {
    this.expireDue();
    this.timer = setInterval(() => this.expireDue(), EXPIRY_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const lease of this.live) lease.release();
    this.live.clear();
  }

  grant(ttlSeconds: number, options: LeaseOptions = {}): StoreLease {
    const info = this.insert.run(ttlSeconds, this.now() + ttlSeconds * 1000);
    const lease = new SqliteLease(String(info.lastInsertRowid), ttlSeconds, this);
    this.live.add(lease);
    if (options.autoKeepAlive ?? true) lease.startKeepAlive();
    return lease;
  }

  /** Throws LeaseNotFoundError when the lease does not exist. */
  assertExists(id: string): void {
    if (!this.exists.get(id)) throw new LeaseNotFoundError(id);
  }

  keepAlive(id: string, ttlSeconds: number): void {
    if (this.touch.run(this.now() + ttlSeconds * 1000, id).changes === 0) throw new LeaseNotFoundError(id);
  }

  /** Remove the lease row; part of the revoking write's transaction. */
  deleteRow(id: string): boolean {
    return this.remove.run(id).changes > 0;
  }

  revoke(id: string): void {
    this.revokeWrite(id);
  }

  forget(lease: SqliteLease): void {
    this.live.delete(lease);
  }

  private expireDue(): void {
    const now = this.now();
    // Every holder of this store's leases runs in this process (the directory lock admits one), so
    // while the process stalled none of them could renew: the leases get the stalled time back,
    // as etcd grants its leases a fresh TTL after its own leader changes. Otherwise a long
    // synchronous stretch of work would cost a leader its leadership to itself.
    const late = this.lastCheckAt === undefined ? 0 : now - this.lastCheckAt - EXPIRY_CHECK_MS;
    if (late > STALL_MS) this.extendAll.run(late);
    this.lastCheckAt = now;
    for (const { id } of this.expired.all(now)) this.revokeWrite(String(id));
  }
}

class SqliteLease implements StoreLease {
  private timer: NodeJS.Timeout | undefined;
  private markLost: () => void = () => undefined;
  readonly lost: Promise<void>;

  constructor(
    readonly id: string,
    readonly ttlSeconds: number,
    private readonly leases: SqliteLeases,
  ) {
    this.lost = new Promise((resolve) => (this.markLost = resolve));
  }

  startKeepAlive(): void {
    this.timer = setInterval(
      () => {
        try {
          this.leases.keepAlive(this.id, this.ttlSeconds);
        } catch {
          // Gone (expired while the process stalled, or revoked): tell the owner once.
          this.release();
          this.markLost();
        }
      },
      (this.ttlSeconds * 1000) / 3,
    );
    this.timer.unref();
  }

  async keepAlive(): Promise<void> {
    this.leases.keepAlive(this.id, this.ttlSeconds);
  }

  async revoke(): Promise<void> {
    this.release();
    this.leases.revoke(this.id);
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.leases.forget(this);
  }
}
