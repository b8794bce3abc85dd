/**
 * A view of a Store under a key prefix, as etcd's namespace proxy does: every key the caller uses is
 * stored as `namespace + key`, and results and events come back without the prefix. It lets several
 * berth installations (or parallel test files) share one etcd without seeing each other's keys.
 */
import type {
  DeleteOptions,
  KeyValue,
  StoreLease,
  LeaseOptions,
  PutEntry,
  PutOptions,
  RangeOptions,
  Store,
  TxnOp,
  TxnOpResult,
  TxnRequest,
  Watch,
  WatchBatch,
  WatchOptions,
} from './types.js';

export function namespaced(store: Store, namespace: string): Store {
  if (namespace === '') return store;
  const inner = (key: string) => namespace + key;
  const outer = (kv: KeyValue): KeyValue => ({ ...kv, key: kv.key.slice(namespace.length) });
  const outerOpt = (kv: KeyValue | undefined) => (kv ? outer(kv) : undefined);
  const innerOp = (op: TxnOp): TxnOp => ({ ...op, key: inner(op.key) });
  const outerResult = (r: TxnOpResult): TxnOpResult => {
    switch (r.type) {
      case 'get':
        return { type: 'get', key: r.key.slice(namespace.length), kv: outerOpt(r.kv) };
      case 'put':
        return { type: 'put', key: r.key.slice(namespace.length), prev: outerOpt(r.prev) };
      case 'delete':
        return { type: 'delete', key: r.key.slice(namespace.length), deleted: r.deleted, prev: outerOpt(r.prev) };
    }
  };

  return {
    async get(key: string) {
      return outerOpt(await store.get(inner(key)));
    },
    async range(prefix: string, options?: RangeOptions) {
      const startAfter = options?.startAfter === undefined ? undefined : inner(options.startAfter);
      const result = await store.range(inner(prefix), { ...options, startAfter });
      return { ...result, items: result.items.map(outer) };
    },
    create: (key: string, value: string, options?: { lease?: string }) => store.create(inner(key), value, options),
    put: (key: string, value: string, options?: PutOptions) => store.put(inner(key), value, options),
    putMany: (entries: PutEntry[]) => store.putMany(entries.map((e) => ({ ...e, key: inner(e.key) }))),
    async delete(key: string, options?: DeleteOptions) {
      const result = await store.delete(inner(key), options);
      return { ...result, prev: outerOpt(result.prev) };
    },
    async txn(request: TxnRequest) {
      const result = await store.txn({
        compare: request.compare.map((c) => ({ ...c, key: inner(c.key) })),
        success: request.success.map(innerOp),
        failure: request.failure?.map(innerOp),
      });
      return { ...result, results: result.results.map(outerResult) };
    },
    watch(prefix: string, options?: WatchOptions): Watch {
      const watch = store.watch(inner(prefix), options);
      return {
        cancel: () => watch.cancel(),
        closed: watch.closed,
        async *[Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
          for await (const batch of watch) {
            yield {
              revision: batch.revision,
              events: batch.events.map((e) => ({ type: e.type, kv: outer(e.kv), prev: outerOpt(e.prev) })),
            };
          }
        },
      };
    },
    grantLease: (ttlSeconds: number, options?: LeaseOptions): Promise<StoreLease> => store.grantLease(ttlSeconds, options),
    currentRevision: () => store.currentRevision(),
    compact: (revision: number) => store.compact(revision),
    close: () => store.close(),
  };
}
