/**
 * A Store that times every call into a histogram, by operation and backend
 * (`berth_store_operation_duration_seconds{operation,store,result}`), as the kube-apiserver's
 * `etcd_request_duration_seconds` does. Watches are long-lived streams, not requests: they pass
 * through untimed. Wrapped once, around the store a process opens (cmd/control-plane.ts).
 */
import { Histogram, type Registry } from 'prom-client';
import type { Store } from './types.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type StoreKind = 'etcd' | 'sqlite';

export function instrumentedStore(store: Store, kind: StoreKind, registry: Registry): Store {
  const latency = new Histogram({
    name: 'berth_store_operation_duration_seconds',
    help: 'Store operation latency by operation, backend and result (ok or error)',
    labelNames: ['operation', 'store', 'result'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let result = 'error';
    try {
      const value = await call();
      result = 'ok';
      return value;
    } finally {
      latency.observe({ operation, store: kind, result }, (performance.now() - started) / 1000);
    }
  };
  return {
    get: (key) => timed('get', () => store.get(key)),
    range: (prefix, options) => timed('range', () => store.range(prefix, options)),
    create: (key, value, options) => timed('create', () => store.create(key, value, options)),
    put: (key, value, options) => timed('put', () => store.put(key, value, options)),
    putMany: (entries) => timed('putMany', () => store.putMany(entries)),
    delete: (key, options) => timed('delete', () => store.delete(key, options)),
    txn: (request) => timed('txn', () => store.txn(request)),
    watch: (prefix, options) => store.watch(prefix, options),
    grantLease: (ttlSeconds, options) => timed('grantLease', () => store.grantLease(ttlSeconds, options)),
    currentRevision: () => timed('currentRevision', () => store.currentRevision()),
    compact: (revision) => timed('compact', () => store.compact(revision)),
    close: () => store.close(),
  };
}
