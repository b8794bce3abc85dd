/**
 * The etcd backend: what a user runs when one machine is not enough. Plain requests go through
 * etcd3's KV client (with its retry and circuit-breaker policies); watches run on our own resumable
 * streams (etcd-watch.ts); leases use etcd3's keep-alive (etcd-lease.ts).
 */
import { Etcd3, type IOptions } from 'etcd3';
import { rootLogger, type Logger } from '../log.js';
import { COMPACTED_MESSAGE, fromResponseOp, mapEtcdError, toKv, toRequestOp } from './etcd-codec.js';
import { grantEtcdLease } from './etcd-lease.js';
import { EtcdWatch } from './etcd-watch.js';
import { CompactedError, InvalidRequestError } from './errors.js';
import { prefixEnd } from './prefix.js';
import { assertDistinctWrites } from './txn-rules.js';
import { deleteViaTxn } from './txn-writes.js';
import { GroupCommit, type GroupCommitOptions, type GroupCommitStats } from './group-commit.js';

import {
  MAX_TXN_OPS,
  type DeleteOptions,
  type DeleteResult,
  type KeyValue,
  type StoreLease,
  type LeaseOptions,
  type PutEntry,
  type PutOptions,
  type RangeOptions,
  type RangeResult,
  type Store,
  type TxnOp,
  type TxnOpResult,
  type TxnRequest,
  type TxnResult,
  type Watch,
  type WatchOptions,
  type WriteResult,
} from './types.js';

/** create and put return only the new revision: no previous value to fetch. */
const NO_PREV = { prevKv: false };

export interface EtcdStoreOptions {
  /** e.g. ['http://127.0.0.1:2379']; use https:// with `tls`. */
  endpoints: string[];
  /** PEM contents (not paths): the CA to trust, and a client certificate + key for mutual TLS. */
  tls?: { ca: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  username?: string;
  password?: string;
  /** A watch that cannot reach etcd for this long fails with WatchBrokenError (default 30 s). */
  watchReconnectTimeoutMs?: number;
  log?: Logger;
  groupCommit?: GroupCommitOptions;
}

/** Watched to learn etcd's compact revision (etcd reports it only when canceling a watch). */
const COMPACT_PROBE_KEY = '\u0000berth-compact-probe';

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly log: Logger;
  private readonly watches = new Set<EtcdWatch>();
  /** Single-key gets, creates and puts, sent many to a transaction under load (group-commit.ts). */
  private readonly batched: GroupCommit;

  constructor(private readonly options: EtcdStoreOptions) {
    this.log = options.log ?? rootLogger.child({ component: 'store-etcd' });
    const config: IOptions = { hosts: options.endpoints };
    if (options.tls) {
      config.credentials = {
        rootCertificate: Buffer.from(options.tls.ca),
        ...(options.tls.key ? { privateKey: Buffer.from(options.tls.key) } : {}),
        ...(options.tls.cert ? { certChain: Buffer.from(options.tls.cert) } : {}),
      };
    }
    if (options.username !== undefined) config.auth = { username: options.username, password: options.password ?? '' };
    this.client = new Etcd3(config);
    this.batched = new GroupCommit((request) => this.runTxn(request, NO_PREV), options.groupCommit);
  }

  /** How well group commit batches: ops settled and transactions sent so far. */
  get groupCommitStats(): GroupCommitStats {
    return { ...this.batched.stats };
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.batched.get(key);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    const end = prefixEnd(prefix);
    const start = options.startAfter !== undefined && options.startAfter >= prefix ? `${options.startAfter}\u0000` : prefix;
    const res = await this.call(() =>
      this.client.kv.range({
        key: Buffer.from(start),
        range_end: end === undefined ? Buffer.from([0]) : Buffer.from(end),
        limit: options.limit ?? 0,
        revision: options.revision ?? 0,
      }),
    ).catch((err: unknown) => this.withCompactRevision(err, options.revision ?? 0));
    return { items: res.kvs.map(toKv), revision: options.revision ?? Number(res.header.revision), more: res.more };
  }

  create(key: string, value: string, options: { lease?: string } = {}): Promise<WriteResult> {
    return this.batched.create(key, value, options);
  }

  put(key: string, value: string, options: PutOptions = {}): Promise<WriteResult> {
    return this.batched.put(key, value, options);
  }

  async putMany(entries: PutEntry[]): Promise<WriteResult> {
    let revision = 0;
    for (let i = 0; i < entries.length; i += MAX_TXN_OPS) {
      const chunk = entries.slice(i, i + MAX_TXN_OPS).map((e): TxnOp => ({ type: 'put', ...e }));
      assertDistinctWrites(chunk);
      // No previous values: nobody reads them here, and they cost etcd a read per key.
      const res = await this.call(() => this.client.kv.txn({ success: chunk.map((op) => toRequestOp(op, { prevKv: false })) }));
      revision = Number(res.header.revision);
    }
    return { revision: revision || (await this.currentRevision()) };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    return deleteViaTxn((r) => this.txn(r), key, options);
  }

  txn(request: TxnRequest): Promise<TxnResult> {
    return this.runTxn(request, { prevKv: true });
  }

  /** `prevKv: false` for writes whose result drops the previous value: etcd then skips reading it. */
  private async runTxn(request: TxnRequest, prev: { prevKv: boolean }): Promise<TxnResult> {
    const failure = request.failure ?? [];
    assertDistinctWrites(request.success);
    assertDistinctWrites(failure);
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: request.compare.map((c) => ({ key: Buffer.from(c.key), target: 'Mod', result: 'Equal', mod_revision: c.modRevision })),
        success: request.success.map((op) => toRequestOp(op, prev)),
        failure: failure.map((op) => toRequestOp(op, prev)),
      }),
    );
    const ran = res.succeeded ? request.success : failure;
    const results: TxnOpResult[] = ran.map((op, i) => {
      const response = res.responses[i];
      if (!response) throw new Error(`etcd returned ${res.responses.length} responses for ${ran.length} ops`);
      return fromResponseOp(op, response);
    });
    return { succeeded: res.succeeded, revision: Number(res.header.revision), results };
  }

  watch(prefix: string, options: WatchOptions = {}): Watch {
    const watch = new EtcdWatch(this.client, {
      prefix,
      fromRevision: options.fromRevision,
      prevValues: options.prevValues ?? true,
      reconnectTimeoutMs: this.options.watchReconnectTimeoutMs ?? 30_000,
      log: this.log,
    });
    this.watches.add(watch);
    void watch.channel.closed.then(() => this.watches.delete(watch));
    return watch.channel;
  }

  async grantLease(ttlSeconds: number, options?: LeaseOptions): Promise<StoreLease> {
    if (!(ttlSeconds >= 1)) throw new InvalidRequestError(`lease TTL must be at least 1 second, got ${ttlSeconds}`);
    return grantEtcdLease(this.client, Math.ceil(ttlSeconds), options);
  }

  async currentRevision(): Promise<number> {
    // A range that matches nothing still carries the store revision in its header.
    const res = await this.call(() => this.client.kv.range({ key: Buffer.from(COMPACT_PROBE_KEY), count_only: true }));
    return Number(res.header.revision);
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.call(() => this.client.kv.compact({ revision, physical: true }));
    } catch (err) {
      // Compacting to a revision already compacted is a no-op, as in the embedded store.
      if (err instanceof Error && err.message.includes(COMPACTED_MESSAGE)) return;
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.watches].map((w) => w.channel.cancel()));
    this.client.close();
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapEtcdError(err);
    }
  }

  /** Turn etcd's "compacted" error (which lacks the compact revision) into a CompactedError. */
  private async withCompactRevision(err: unknown, requested: number): Promise<never> {
    if (!(err instanceof Error) || !err.message.includes(COMPACTED_MESSAGE)) throw err;
    throw new CompactedError(requested, await this.compactRevision());
  }

  /** etcd tells the compact revision only by canceling a watch from before it: open one from 1. */
  private async compactRevision(): Promise<number> {
    const probe = new EtcdWatch(this.client, { prefix: COMPACT_PROBE_KEY, fromRevision: 1, prevValues: false, reconnectTimeoutMs: 5000, log: this.log });
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000).unref());
    const outcome = await Promise.race([probe.channel.closed, timeout]);
    await probe.channel.cancel();
    return outcome instanceof CompactedError ? outcome.compactRevision : 0;
  }
}
