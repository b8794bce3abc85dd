/**
 * The one storage port of berth, with etcd's semantics. Two backends implement it (etcd.ts and
 * sqlite.ts) and both pass the same contract suite (contract.ts), so callers never branch on which
 * one they hold.
 *
 * Revisions are one global, ever-increasing counter: every write transaction gets the next one, and
 * every key remembers the revision that created it and the one that last modified it. Values are
 * strings (berth stores JSON); lease ids are decimal strings because etcd's are 64-bit.
 */

export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  /** 1 on creation, +1 on every put since; resets when the key is deleted and created again. */
  version: number;
  lease?: string;
}

export interface RangeOptions {
  /** At most this many items; 0 or absent means no limit. */
  limit?: number;
  /** Continue after this key (exclusive): pass the last key of the previous page. */
  startAfter?: string;
  /** Read the state as of this revision (pass the first page's revision to page consistently). */
  revision?: number;
}

export interface RangeResult {
  /** Sorted by key, ascending. */
  items: KeyValue[];
  /** The revision the read was served at: a watch from revision + 1 misses nothing. */
  revision: number;
  /** True when `limit` cut the result short. */
  more: boolean;
}

export interface WriteResult {
  /** The revision of the write: the key's new modRevision. */
  revision: number;
}

export interface DeleteResult extends WriteResult {
  deleted: boolean;
  prev?: KeyValue;
}

export interface PutOptions {
  /** Compare-and-swap: write only if the key's modRevision is this; 0 means "must not exist". */
  ifModRevision?: number;
  lease?: string;
}

export interface DeleteOptions {
  ifModRevision?: number;
}

export interface PutEntry {
  key: string;
  value: string;
  lease?: string;
}

export type TxnOp = { type: 'put'; key: string; value: string; lease?: string } | { type: 'delete'; key: string } | { type: 'get'; key: string };

export type TxnOpResult =
  | { type: 'put'; key: string; prev?: KeyValue }
  | { type: 'delete'; key: string; deleted: boolean; prev?: KeyValue }
  | { type: 'get'; key: string; kv?: KeyValue };

export interface TxnCompare {
  key: string;
  /** The key's modRevision must equal this; 0 means the key must not exist. */
  modRevision: number;
}

export interface TxnRequest {
  compare: TxnCompare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

export interface TxnResult {
  succeeded: boolean;
  /** The store revision after the transaction (the write's revision if it wrote anything). */
  revision: number;
  /** One result per op of the branch that ran, in order. */
  results: TxnOpResult[];
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /** For a delete: the key, an empty value and modRevision = the revision of the deletion. */
  kv: KeyValue;
  /** The value before this event, when asked for and not yet compacted away. */
  prev?: KeyValue;
}

export interface WatchBatch {
  /** Events in revision order; all events of one revision arrive in the same batch. */
  events: WatchEvent[];
  /** The watch has seen everything up to and including this revision. */
  revision: number;
}

export interface WatchOptions {
  /**
   * First revision to deliver (inclusive); pass a range's revision + 1 to miss nothing. Absent:
   * changes after the backend registers the watch, which for etcd is a round trip later.
   */
  fromRevision?: number;
  /** Attach the previous value to every event (default true). */
  prevValues?: boolean;
}

/**
 * A running watch. Iterate it with `for await`; the loop ends after `cancel()`, and throws the
 * error (CompactedError: relist; WatchBrokenError / StoreClosedError) when the watch breaks.
 * `closed` settles the same way for consumers that do not iterate, and never rejects.
 */
export interface Watch extends AsyncIterable<WatchBatch> {
  cancel(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

export interface LeaseOptions {
  /** Renew the lease in the background at a third of its TTL (default true). */
  autoKeepAlive?: boolean;
}

export interface StoreLease {
  readonly id: string;
  readonly ttlSeconds: number;
  /** Renew the lease now; throws LeaseNotFoundError when it has already expired. */
  keepAlive(): Promise<void>;
  /** Delete the lease and every key attached to it. */
  revoke(): Promise<void>;
  /** Stop background keep-alive without revoking; the lease then expires on its own. */
  release(): void;
  /** Resolves when background keep-alive learns the lease is gone (expired or revoked elsewhere). */
  readonly lost: Promise<void>;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;
  /** Create a key that must not exist yet; AlreadyExistsError otherwise. */
  create(key: string, value: string, options?: { lease?: string }): Promise<WriteResult>;
  /** Put, optionally guarded by the key's modRevision (ConflictError when it differs). */
  put(key: string, value: string, options?: PutOptions): Promise<WriteResult>;
  /**
   * Put many keys, batched into as few transactions as the backend allows. Each batch is atomic;
   * the whole call is not. Keys must be distinct. Resolves to the last batch's revision.
   */
  putMany(entries: PutEntry[]): Promise<WriteResult>;
  delete(key: string, options?: DeleteOptions): Promise<DeleteResult>;
  txn(request: TxnRequest): Promise<TxnResult>;
  watch(prefix: string, options?: WatchOptions): Watch;
  grantLease(ttlSeconds: number, options?: LeaseOptions): Promise<StoreLease>;
  currentRevision(): Promise<number>;
  /** Forget history before `revision`: reads and watches below it throw CompactedError. */
  compact(revision: number): Promise<void>;
  /** End watches and keep-alives and release resources; leases are left to expire. */
  close(): Promise<void>;
}

/** etcd's default --max-txn-ops: the most operations one transaction may carry. */
export const MAX_TXN_OPS = 128;
