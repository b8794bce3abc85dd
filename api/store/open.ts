/**
 * Opens the store a berth process was pointed at: etcd when endpoints are given, otherwise the
 * embedded SQLite store in the data directory (the single-machine default, like k3s's kine).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { EtcdStore } from './etcd.js';
import { namespaced } from './namespaced.js';
import { ensurePrivateDir } from './private-files.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export interface StoreConfig {
  /** etcd client URLs; absent or empty: the embedded store under dataDir. */
  etcdEndpoints?: string[];
  /** Key prefix inside etcd, so several installations can share one etcd. */
  etcdPrefix?: string;
  etcdTls?: { caFile: string; certFile?: string; keyFile?: string };
  etcdUsername?: string;
  etcdPassword?: string;
  dataDir: string;
  log?: Logger;
}

export interface OpenedStore {
  store: Store;
  /** Human-readable, for logs: `etcd http://…` or `embedded /path/berth.db`. */
  description: string;
  /** Which backend, for metrics labels. */
  kind: 'etcd' | 'sqlite';
}

export function openStore(config: StoreConfig): OpenedStore {
  const endpoints = config.etcdEndpoints?.filter((e) => e !== '') ?? [];
  // The data directory holds admin.token (and the embedded store): its owner only, whatever the store.
  ensurePrivateDir(config.dataDir);
  if (endpoints.length === 0) {
    return { store: new SqliteStore({ dataDir: join(config.dataDir, 'store') }), description: `embedded ${join(config.dataDir, 'store')}`, kind: 'sqlite' };
  }
  const tls = config.etcdTls && {
    ca: readFileSync(config.etcdTls.caFile),
    cert: config.etcdTls.certFile ? readFileSync(config.etcdTls.certFile) : undefined,
    key: config.etcdTls.keyFile ? readFileSync(config.etcdTls.keyFile) : undefined,
  };
  const etcd = new EtcdStore({ endpoints, tls, username: config.etcdUsername, password: config.etcdPassword, log: config.log });
  return { store: namespaced(etcd, config.etcdPrefix ?? ''), description: `etcd ${endpoints.join(',')}`, kind: 'etcd' };
}

export { parseEndpoints } from './endpoints.js';
