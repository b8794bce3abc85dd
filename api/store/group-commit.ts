/**
 * Group commit: single-key reads and writes issued at about the same time travel to the store in one
 * transaction instead of one round trip each.
 *
 * Why: on etcd every request costs a gRPC call on both sides and every write a raft entry; the same
 * client moves ~2,800 single puts/s but ~50,000 keys/s in 100-key transactions (bench/store.md).
 * berth's hot paths (the service controller's creates, the scheduler's binds, agents' status
 * reports) are many independent single-key compare-and-swaps, so they are batched here, below every
 * caller, without changing what any caller sees:
 *
 * - An op is sent at once when fewer than `maxInFlight` transactions of its lane are in flight (no
 *   added latency when idle); otherwise it waits and leaves with the next batch (up to `maxOps` ops
 *   and about `maxBytes`). Reads and writes are separate lanes: a read-only transaction skips
 *   etcd's raft log.
 * - Each write keeps its own guard. A batch's transaction compares every guarded key; when any
 *   compare fails nothing is written, and the failure branch reads the guarded keys in the same
 *   transaction: the ops whose guard no longer holds fail as they would alone (Conflict /
 *   AlreadyExists with the current revision) and the rest go again with the next batch. Every
 *   failed round settles at least one op, so retries end.
 * - A key appears at most once per batch (etcd rejects a transaction writing a key twice, and
 *   order between two ops on one key is kept by sending the second later).
 * - A batch that fails for a reason that is not the store being unavailable (say, one value over
 *   etcd's request size) is split: each op goes again alone, so only the op at fault fails.
 *
 * All writes of one batch share one revision, as the writes of any etcd transaction do.
 */
import { AlreadyExistsError, ConflictError, StoreUnavailableError } from './errors.js';
import { MAX_TXN_OPS, type KeyValue, type TxnRequest, type TxnResult, type WriteResult } from './types.js';

type Txn = (request: TxnRequest) => Promise<TxnResult>;

export interface GroupCommitOptions {
  /** Ops per transaction (default: etcd's default --max-txn-ops, 128). */
  maxOps?: number;
  /** Keys and values per transaction, in bytes (default 1 MiB, under etcd's 1.5 MiB request limit). */
  maxBytes?: number;
  /**
   * Transactions of one lane in flight at once (default 1). One: while a transaction is out,
   * everything issued meanwhile waits and leaves together with the next. etcd commits one
   * transaction at a time anyway, and each costs a gRPC call on both sides and a raft entry, so
   * fewer, larger transactions cost less CPU everywhere (bench/NOTES.md: the placement bench at 1
   * and at 4 in flight, interleaved).
   */
  maxInFlight?: number;
}

interface GetOp {
  type: 'get';
  key: string;
  /** Every caller that asked for this key while the op waited: they share its one read. */
  waiters: Array<{ resolve(kv: KeyValue | undefined): void; reject(err: unknown): void }>;
}

interface PutOp {
  type: 'put';
  key: string;
  value: string;
  lease?: string;
  /** The key's modRevision must be this (0: must not exist); absent: unguarded. */
  ifModRevision?: number;
  /** A create: a failed guard is AlreadyExists rather than Conflict. */
  create?: boolean;
  resolve(result: WriteResult): void;
  reject(err: unknown): void;
  /** Go alone: set after a batch holding this op failed as a whole. */
  solo?: boolean;
}

type Op = GetOp | PutOp;

/**
 * Ops waiting for a batch, oldest first. Taken from the front by moving `head`, not by shifting the
 * array: the agents' process queues thousands of status writes, and re-indexing that array for
 * every batch (or worse, every op) showed up as a few % of its CPU.
 */
class Lane<T extends Op> {
  private ops: T[] = [];
  private head = 0;
  inFlight = 0;
  scheduled = false;

  get length(): number {
    return this.ops.length - this.head;
  }

  /** The i-th waiting op (0: the oldest). */
  at(i: number): T | undefined {
    return this.ops[this.head + i];
  }

  push(op: T): void {
    this.ops.push(op);
  }

  /** Back to the front (a batch to retry), ahead of everything that waits. */
  putBack(ops: readonly T[]): void {
    this.ops = [...ops, ...this.ops.slice(this.head)];
    this.head = 0;
  }

  /** Drops the oldest `count` ops, keeping `kept` (some of them) at the front in their order. */
  advance(count: number, kept: readonly T[]): void {
    if (kept.length > 0) {
      this.ops.splice(this.head, count, ...kept);
    } else {
      this.head += count;
      // Compact now and then, so the array does not grow without end.
      if (this.head >= 1024 && this.head * 2 >= this.ops.length) {
        this.ops = this.ops.slice(this.head);
        this.head = 0;
      }
    }
  }
}

export interface GroupCommitStats {
  /** Ops settled (resolved or rejected). */
  ops: number;
  /** Transactions sent. */
  txns: number;
}

export class GroupCommit {
  private readonly maxOps: number;
  private readonly maxBytes: number;
  private readonly maxInFlight: number;
  private readonly reads = new Lane<GetOp>();
  private readonly writes = new Lane<PutOp>();
  /**
   * Reads waiting in their lane, by key. A get of a key whose read has not left yet joins it: the
   * answer comes from a transaction sent after both were asked, so it is as fresh as either needs.
   * Without this, a process of many readers of one key (1,000 simulated agents loading the same
   * task definition) queued thousands of reads that could leave only one per batch.
   */
  private readonly waitingReads = new Map<string, GetOp>();
  readonly stats: GroupCommitStats = { ops: 0, txns: 0 };

  constructor(
    private readonly txn: Txn,
    options: GroupCommitOptions = {},
  ) {
    this.maxOps = options.maxOps ?? MAX_TXN_OPS;
    this.maxBytes = options.maxBytes ?? 2 ** 20;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  get(key: string): Promise<KeyValue | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.waitingReads.get(key);
      if (waiting) {
        waiting.waiters.push({ resolve, reject });
        return;
      }
      const op: GetOp = { type: 'get', key, waiters: [{ resolve, reject }] };
      this.waitingReads.set(key, op);
      this.enqueue(this.reads, op);
    });
  }

  /** A put, guarded by `ifModRevision` when given (ConflictError). */
  put(key: string, value: string, options: { ifModRevision?: number; lease?: string } = {}): Promise<WriteResult> {
    return new Promise((resolve, reject) => this.enqueue(this.writes, { type: 'put', key, value, ...options, resolve, reject }));
  }

  /** A put of a key that must not exist yet (AlreadyExistsError). */
  create(key: string, value: string, options: { lease?: string } = {}): Promise<WriteResult> {
    return new Promise((resolve, reject) =>
      this.enqueue(this.writes, { type: 'put', key, value, ...options, ifModRevision: 0, create: true, resolve, reject }),
    );
  }

  private enqueue<T extends Op>(lane: Lane<T>, op: T): void {
    lane.push(op);
    this.schedule(lane);
  }

  /** Flush on the next turn of the event loop, so ops issued in the same turn share a batch. */
  private schedule<T extends Op>(lane: Lane<T>): void {
    if (lane.scheduled || lane.length === 0 || lane.inFlight >= this.maxInFlight) return;
    lane.scheduled = true;
    setImmediate(() => {
      lane.scheduled = false;
      while (lane.length > 0 && lane.inFlight < this.maxInFlight) {
        const batch = this.take(lane);
        if (lane === this.reads) for (const op of batch) this.waitingReads.delete(op.key);
        lane.inFlight++;
        const sent = lane === this.reads ? this.sendReads(batch as GetOp[]) : this.sendWrites(batch as PutOp[]);
        void sent.finally(() => {
          lane.inFlight--;
          this.schedule(lane);
        });
      }
    });
  }

  /** The next batch: FIFO, one op per key, within the op and byte limits (at least one op). */
  private take<T extends Op>(lane: Lane<T>): T[] {
    const batch: T[] = [];
    const keys = new Set<string>();
    /** Ops scanned but left for a later batch (a second op on a key already in this one), in order. */
    const left: T[] = [];
    let bytes = 0;
    let i = 0;
    for (; i < lane.length && batch.length < this.maxOps; i++) {
      const op = lane.at(i);
      if (op === undefined) break;
      const size = op.key.length + (op.type === 'put' ? op.value.length : 0);
      const solo = op.type === 'put' && op.solo === true;
      if (batch.length > 0 && (solo || bytes + size > this.maxBytes)) break;
      if (keys.has(op.key)) {
        left.push(op); // stays queued for a later batch, after the op on the same key ahead of it
        continue;
      }
      keys.add(op.key);
      bytes += size;
      batch.push(op);
      if (solo) {
        i++;
        break;
      }
    }
    lane.advance(i, left);
    return batch;
  }

  private async sendReads(batch: GetOp[]): Promise<void> {
    this.stats.txns++;
    try {
      const res = await this.txn({ compare: [], success: batch.map((op) => ({ type: 'get' as const, key: op.key })) });
      batch.forEach((op, i) => {
        const result = res.results[i];
        const kv = result?.type === 'get' ? result.kv : undefined;
        for (const waiter of op.waiters) waiter.resolve(kv);
        this.stats.ops += op.waiters.length;
      });
    } catch (err) {
      this.failed(this.reads, batch, err);
    }
  }

  private async sendWrites(batch: PutOp[]): Promise<void> {
    this.stats.txns++;
    const guarded = batch.filter((op) => op.ifModRevision !== undefined);
    let res: TxnResult;
    try {
      res = await this.txn({
        compare: guarded.map((op) => ({ key: op.key, modRevision: op.ifModRevision ?? 0 })),
        success: batch.map((op) => ({ type: 'put' as const, key: op.key, value: op.value, lease: op.lease })),
        failure: guarded.map((op) => ({ type: 'get' as const, key: op.key })),
      });
    } catch (err) {
      this.failed(this.writes, batch, err);
      return;
    }
    if (res.succeeded) {
      this.stats.ops += batch.length;
      for (const op of batch) op.resolve({ revision: res.revision });
      return;
    }
    const retry: PutOp[] = [];
    const stale = new Set<PutOp>();
    guarded.forEach((op, i) => {
      const result = res.results[i];
      const current = result?.type === 'get' ? (result.kv?.modRevision ?? 0) : 0;
      if (current === op.ifModRevision) return;
      stale.add(op);
      this.stats.ops++;
      op.reject(op.create ? new AlreadyExistsError(op.key, current) : new ConflictError(op.key, op.ifModRevision ?? 0, current));
    });
    for (const op of batch) if (!stale.has(op)) retry.push(op);
    this.writes.putBack(retry);
  }

  /**
   * A whole batch failed. The store being unavailable fails every op (callers retry as they would
   * alone); anything else may be one op's fault, so a batch of several is split into solo retries.
   */
  private failed<T extends Op>(lane: Lane<T>, batch: T[], err: unknown): void {
    // A read cannot be at fault on its own: the store failed them all.
    if (batch.length === 1 || lane === this.reads || err instanceof StoreUnavailableError) {
      for (const op of batch) {
        const waiters: ReadonlyArray<{ reject(err: unknown): void }> = op.type === 'get' ? op.waiters : [op];
        this.stats.ops += waiters.length;
        for (const waiter of waiters) waiter.reject(err);
      }
      return;
    }
    for (const op of batch) if (op.type === 'put') op.solo = true;
    lane.putBack(batch);
  }
}
