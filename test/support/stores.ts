/**
 * Stores for integration tests: the real etcd (each test under its own key namespace, so parallel
 * files never see each other) and the embedded SQLite store in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EtcdStore } from '../../api/store/etcd.js';
import { SqliteStore } from '../../api/store/sqlite.js';
import { namespaced } from '../../api/store/namespaced.js';
import type { Store } from '../../api/store/types.js';
import { delegate } from './delegate.js';

export const etcdEndpoint = process.env.BERTH_ETCD_ENDPOINT ?? 'http://127.0.0.1:2379';

export interface TestStore {
  store: Store;
  /** Close the store and remove what the test left behind. */
  dispose(): Promise<void>;
}

export async function openTestEtcd(): Promise<TestStore> {
  const raw = new EtcdStore({ endpoints: [etcdEndpoint] });
  const store = namespaced(raw, `/test/${randomUUID()}`);
  return { store, dispose: () => store.close() };
}

/**
 * `store` whose watches can be counted and broken from the test, as a lost etcd connection breaks
 * them: to see that a server releases store watches when clients leave, what clients see when
 * compaction strikes mid-stream, and how a watcher recovers. Only watches of prefixes `watched`
 * picks are instrumented; the others pass through untouched.
 */
export function breakableWatches(store: Store, watched: (prefix: string) => boolean = () => true) {
  const active = new Set<{ fail(error: Error): void }>();
  let opened = 0;
  const wrapped = delegate(store, {
    watch(prefix, options) {
      const inner = store.watch(prefix, options);
      if (!watched(prefix)) return inner;
      opened++;
      let fail: (error: Error) => void = () => undefined;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => undefined);
      const entry = { fail: (error: Error) => fail(error) };
      active.add(entry);
      const release = async () => {
        active.delete(entry);
        await inner.cancel();
      };
      return {
        closed: inner.closed,
        cancel: release,
        async *[Symbol.asyncIterator]() {
          const it = inner[Symbol.asyncIterator]();
          try {
            for (;;) {
              const next = await Promise.race([it.next(), failed]);
              if (next.done) return;
              yield next.value;
            }
          } finally {
            await release();
          }
        },
      };
    },
  });
  return {
    store: wrapped,
    /** Instrumented watches not yet cancelled or broken. */
    openWatches: () => active.size,
    /** Instrumented watches ever opened. */
    openedWatches: () => opened,
    failWatches: (error: Error) => [...active].forEach((w) => w.fail(error)),
  };
}

/** Temporary data directories for a test file: `fresh()` makes one, `removeAll()` (in afterAll) removes them. */
export function scratchDirs(prefix: string): { fresh(): string; removeAll(): void } {
  const dirs: string[] = [];
  return {
    fresh() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openTestSqlite(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-sqlite-'));
  const store = new SqliteStore({ dataDir });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const testStoreBackends: [string, () => Promise<TestStore>][] = [
  ['etcd', openTestEtcd],
  ['sqlite', openTestSqlite],
];

/**
 * Every key of this store (of this test's namespace, on etcd) with its modRevision: "nothing was
 * written" means this did not change. Not the store revision: on the shared etcd that is global,
 * and other test files write concurrently.
 */
export async function keysSnapshot(store: Store): Promise<string> {
  return (await store.range('')).items.map((kv) => `${kv.key}@${kv.modRevision}`).join('\n');
}
