/**
 * A Store used from another thread: `serveStore` answers a MessagePort with a real Store (on the
 * thread that owns it), `PortStore` is the Store at the port's other end.
 *
 * Why: the embedded store (SQLite, one process) cannot be shared with a second process, so the
 * scale benchmark used to run its 1,000 simulated agents on the server's own thread, while on etcd
 * they have a process of their own. A worker thread with a PortStore gives the embedded run the
 * same shape as the etcd run: the control plane on one thread, the fleet on another, talking to the
 * store through a channel (here a MessagePort, there gRPC). Bench-only; berth's processes hold
 * their store directly.
 *
 * Messages are batched per turn in both directions (one postMessage carries every call, reply and
 * watch batch of a turn), so a burst of 1,000 agents' writes reaches the owner in one message and
 * lands in one of its group commits, as the etcd client's calls do.
 */
import type { MessagePort } from 'node:worker_threads';
import {
  AlreadyExistsError,
  CompactedError,
  ConflictError,
  InvalidRequestError,
  LeaseNotFoundError,
  StoreClosedError,
  StoreUnavailableError,
  WatchBrokenError,
} from '../api/store/errors.js';
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
  TxnRequest,
  TxnResult,
  Watch,
  WatchBatch,
  WatchOptions,
  WriteResult,
} from '../api/store/types.js';
import { WatchChannel } from '../api/store/watch-channel.js';

/** Every Store call the port carries, with its arguments and its answer. */
interface Calls {
  get: { args: [key: string]; result: KeyValue | undefined };
  range: { args: [prefix: string, options?: RangeOptions]; result: RangeResult };
  create: { args: [key: string, value: string, options?: { lease?: string }]; result: WriteResult };
  put: { args: [key: string, value: string, options?: PutOptions]; result: WriteResult };
  putMany: { args: [entries: PutEntry[]]; result: WriteResult };
  delete: { args: [key: string, options?: DeleteOptions]; result: DeleteResult };
  txn: { args: [request: TxnRequest]; result: TxnResult };
  currentRevision: { args: []; result: number };
  compact: { args: [revision: number]; result: void };
  grantLease: { args: [ttlSeconds: number, options?: LeaseOptions]; result: { id: string; ttlSeconds: number } };
  keepAlive: { args: [leaseId: string]; result: void };
  revoke: { args: [leaseId: string]; result: void };
}
type CallName = keyof Calls;

/** An error as it crosses the port: its stable name, its message and the fields it was made from. */
interface SentError {
  name: string;
  message: string;
  fields: Record<string, string | number | undefined>;
}

type Request =
  | { [C in CallName]: { type: 'call'; id: number; call: C; args: Calls[C]['args'] } }[CallName]
  | { type: 'watch'; watchId: number; prefix: string; options?: WatchOptions }
  | { type: 'cancelWatch'; watchId: number }
  | { type: 'release'; leaseId: string };

type Reply =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SentError }
  | { type: 'batch'; watchId: number; batch: WatchBatch }
  | { type: 'watchEnd'; watchId: number; error?: SentError }
  | { type: 'leaseLost'; leaseId: string };

/** Collects what one turn sends and posts it as one message. */
class Outbox<T> {
  private pending: T[] = [];

  constructor(private readonly port: MessagePort) {}

  send(message: T): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(message);
  }

  private flush(): void {
    const messages = this.pending;
    this.pending = [];
    if (messages.length > 0) this.port.postMessage(messages);
  }
}

function sendError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: SentError['fields'] = {};
  for (const [k, v] of Object.entries(error)) if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  return { name: error.name, message: error.message, fields };
}

/** The typed store error a SentError was, so callers on this side can branch on it as usual. */
function receiveError(sent: SentError): Error {
  const f = sent.fields;
  const str = (k: string) => String(f[k] ?? '');
  const num = (k: string) => Number(f[k] ?? 0);
  let error: Error;
  switch (sent.name) {
    case 'Conflict':
      error = new ConflictError(str('key'), num('expectedModRevision'), num('actualModRevision'));
      break;
    case 'AlreadyExists':
      error = new AlreadyExistsError(str('key'), num('actualModRevision'));
      break;
    case 'Compacted':
      error = new CompactedError(num('requestedRevision'), num('compactRevision'));
      break;
    case 'WatchBroken':
      error = new WatchBrokenError(str('prefix'), num('lastRevision'), sent.message);
      break;
    case 'LeaseNotFound':
      error = new LeaseNotFoundError(str('leaseId'));
      break;
    case 'StoreClosed':
      error = new StoreClosedError();
      break;
    case 'InvalidRequest':
      error = new InvalidRequestError(sent.message);
      break;
    case 'StoreUnavailable':
      error = new StoreUnavailableError(sent.message);
      break;
    default:
      error = new Error(sent.message);
      error.name = sent.name;
  }
  error.message = sent.message;
  return error;
}

/**
 * Answer `port` with `store` until the port closes. Watches and leases opened through the port end
 * with it; the store itself stays open (its owner closes it).
 */
export function serveStore(store: Store, port: MessagePort): void {
  const out = new Outbox<Reply>(port);
  const watches = new Map<number, Watch>();
  const leases = new Map<string, StoreLease>();

  const call = async (request: Extract<Request, { type: 'call' }>): Promise<unknown> => {
    switch (request.call) {
      case 'get':
        return store.get(...request.args);
      case 'range':
        return store.range(...request.args);
      case 'create':
        return store.create(...request.args);
      case 'put':
        return store.put(...request.args);
      case 'putMany':
        return store.putMany(...request.args);
      case 'delete':
        return store.delete(...request.args);
      case 'txn':
        return store.txn(...request.args);
      case 'currentRevision':
        return store.currentRevision();
      case 'compact':
        return store.compact(...request.args);
      case 'grantLease': {
        const lease = await store.grantLease(...request.args);
        leases.set(lease.id, lease);
        void lease.lost.then(() => {
          if (leases.delete(lease.id)) out.send({ type: 'leaseLost', leaseId: lease.id });
        });
        return { id: lease.id, ttlSeconds: lease.ttlSeconds };
      }
      case 'keepAlive':
      case 'revoke': {
        const [leaseId] = request.args;
        const lease = leases.get(leaseId);
        // Revoking a lease that is gone is fine (as with the owner's own Lease); renewing it is not.
        if (request.call === 'revoke') return lease?.revoke();
        if (!lease) throw new LeaseNotFoundError(leaseId);
        return lease.keepAlive();
      }
    }
  };

  const openWatch = (watchId: number, prefix: string, options: WatchOptions | undefined) => {
    const watch = store.watch(prefix, options);
    watches.set(watchId, watch);
    void (async () => {
      let error: SentError | undefined;
      try {
        for await (const batch of watch) out.send({ type: 'batch', watchId, batch });
      } catch (e) {
        error = sendError(e);
      }
      if (watches.delete(watchId)) out.send({ type: 'watchEnd', watchId, error });
    })();
  };

  port.on('message', (requests: Request[]) => {
    for (const request of requests) {
      switch (request.type) {
        case 'call':
          call(request).then(
            (value) => out.send({ type: 'result', id: request.id, value }),
            (e: unknown) => out.send({ type: 'error', id: request.id, error: sendError(e) }),
          );
          break;
        case 'watch':
          openWatch(request.watchId, request.prefix, request.options);
          break;
        case 'cancelWatch': {
          const watch = watches.get(request.watchId);
          watches.delete(request.watchId);
          void watch?.cancel();
          break;
        }
        case 'release':
          leases.get(request.leaseId)?.release();
          leases.delete(request.leaseId);
          break;
      }
    }
  });
  port.on('close', () => {
    for (const watch of watches.values()) void watch.cancel();
    watches.clear();
    for (const lease of leases.values()) lease.release();
    leases.clear();
  });
}

/** The Store at the other end of a port that `serveStore` answers. */
export class PortStore implements Store {
  private readonly out: Outbox<Request>;
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  private readonly watches = new Map<number, WatchChannel>();
  private readonly lostLeases = new Map<string, () => void>();
  private closed = false;

  constructor(private readonly port: MessagePort) {
    this.out = new Outbox(port);
    port.on('message', (replies: Reply[]) => {
      for (const reply of replies) this.receive(reply);
    });
  }

  private receive(reply: Reply): void {
    switch (reply.type) {
      case 'result':
      case 'error': {
        const pending = this.calls.get(reply.id);
        this.calls.delete(reply.id);
        if (reply.type === 'result') pending?.resolve(reply.value);
        else pending?.reject(receiveError(reply.error));
        break;
      }
      case 'batch':
        this.watches.get(reply.watchId)?.push(reply.batch);
        break;
      case 'watchEnd': {
        const channel = this.watches.get(reply.watchId);
        this.watches.delete(reply.watchId);
        if (reply.error) channel?.fail(receiveError(reply.error));
        else channel?.close();
        break;
      }
      case 'leaseLost':
        this.lostLeases.get(reply.leaseId)?.();
        this.lostLeases.delete(reply.leaseId);
        break;
    }
  }

  private call<C extends CallName>(call: C, ...args: Calls[C]['args']): Promise<Calls[C]['result']> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The reply to call C is Calls[C]['result']: serveStore answers each call with its own method.
      this.calls.set(id, { resolve: (value) => resolve(value as Calls[C]['result']), reject });
      // The union member for C; TypeScript cannot pair a generic name with its arguments.
      this.out.send({ type: 'call', id, call, args } as Extract<Request, { type: 'call' }>);
    });
  }

  get(key: string) {
    return this.call('get', key);
  }
  range(prefix: string, options?: RangeOptions) {
    return this.call('range', prefix, options);
  }
  create(key: string, value: string, options?: { lease?: string }) {
    return this.call('create', key, value, options);
  }
  put(key: string, value: string, options?: PutOptions) {
    return this.call('put', key, value, options);
  }
  putMany(entries: PutEntry[]) {
    return this.call('putMany', entries);
  }
  delete(key: string, options?: DeleteOptions) {
    return this.call('delete', key, options);
  }
  txn(request: TxnRequest) {
    return this.call('txn', request);
  }
  currentRevision() {
    return this.call('currentRevision');
  }
  compact(revision: number) {
    return this.call('compact', revision);
  }

  watch(prefix: string, options?: WatchOptions): Watch {
    const watchId = this.nextId++;
    const channel = new WatchChannel(() => {
      this.watches.delete(watchId);
      if (!this.closed) this.out.send({ type: 'cancelWatch', watchId });
    });
    if (this.closed) channel.fail(new StoreClosedError());
    else {
      this.watches.set(watchId, channel);
      this.out.send({ type: 'watch', watchId, prefix, options });
    }
    return channel;
  }

  async grantLease(ttlSeconds: number, options?: LeaseOptions): Promise<StoreLease> {
    const granted = await this.call('grantLease', ttlSeconds, options);
    let markLost: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (markLost = resolve));
    this.lostLeases.set(granted.id, markLost);
    return {
      id: granted.id,
      ttlSeconds: granted.ttlSeconds,
      keepAlive: () => this.call('keepAlive', granted.id),
      revoke: () => this.call('revoke', granted.id),
      release: () => {
        this.lostLeases.delete(granted.id);
        if (!this.closed) this.out.send({ type: 'release', leaseId: granted.id });
      },
      lost,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.watches.values()) channel.fail(new StoreClosedError());
    this.watches.clear();
    for (const pending of this.calls.values()) pending.reject(new StoreClosedError());
    this.calls.clear();
    this.port.close();
  }
}
