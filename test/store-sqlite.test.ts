import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { atLeast, collectUntil } from '../api/store/contract-helpers.js';
import { eventually } from '../controllers/kit/test-env.js';
import { describeStoreContract } from '../api/store/contract.js';
import { CompactedError, StoreClosedError, StoreLockedError } from '../api/store/errors.js';
import { openStore } from '../api/store/open.js';
import { SQLITE_FILE, SqliteStore } from '../api/store/sqlite.js';
import { scratchDirs } from './support/stores.js';

const dirs = scratchDirs('berth-sqlite-');
const freshDir = () => dirs.fresh();

afterAll(() => dirs.removeAll());

let ownDir = '';
describeStoreContract('sqlite', async () => new SqliteStore({ dataDir: freshDir() }), {
  restart: {
    watchesSurvive: false,
    async open() {
      ownDir = freshDir();
      return new SqliteStore({ dataDir: ownDir });
    },
    async restart(store) {
      await store.close();
      return new SqliteStore({ dataDir: ownDir });
    },
    async teardown() {},
  },
});

describe('embedded store specifics', () => {
  it('lets one process open a data directory at a time and names the holder', async () => {
    const dir = freshDir();
    const first = new SqliteStore({ dataDir: dir });
    let err: unknown;
    try {
      new SqliteStore({ dataDir: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreLockedError);
    expect(err).toMatchObject({ name: 'StoreLocked', dataDir: dir, holderPid: process.pid });
    expect(String(err)).toContain(dir);
    await first.close();
    const again = new SqliteStore({ dataDir: dir });
    await again.close();
  });

  it('keeps its directory 0700 and its files 0600, also when an older berth left them world-readable', async () => {
    const mode = (path: string) => statSync(path).mode & 0o777;
    const dataDir = join(freshDir(), 'data');
    const opened = openStore({ dataDir });
    await opened.store.put('/t/a', 'secret');
    const dir = join(dataDir, 'store');
    const files = [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`, 'LOCK'].map((f) => join(dir, f));
    expect([mode(dataDir), mode(dir)]).toEqual([0o700, 0o700]);
    expect(files.map(mode)).toEqual([0o600, 0o600, 0o600, 0o600]);
    await opened.store.close();
    // An older berth (or a umask of 0) left them open to everyone: opening again closes them.
    for (const path of [dataDir, dir]) chmodSync(path, 0o755);
    chmodSync(files[0] ?? '', 0o644); // a clean close leaves the database file alone (no -wal, -shm)
    const again = openStore({ dataDir });
    await again.store.put('/t/b', 'secret');
    expect([mode(dataDir), mode(dir), ...files.map(mode)]).toEqual([0o700, 0o700, 0o600, 0o600, 0o600, 0o600]);
    await again.store.close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'LOCK'), `${dead.stdout.toString()}\n`);
    const store = new SqliteStore({ dataDir: dir });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    await store.close();
  });

  it('keeps data, revisions and lease deadlines across a restart; the expiry after it is a watch event', async () => {
    const dir = freshDir();
    let store = new SqliteStore({ dataDir: dir });
    const lease = await store.grantLease(2, { autoKeepAlive: false });
    const leased = await store.put('/t/leased', 'v', { lease: lease.id });
    await store.put('/t/plain', 'p');
    await store.close();
    store = new SqliteStore({ dataDir: dir });
    expect(await store.currentRevision()).toBe(leased.revision + 1);
    expect((await store.get('/t/leased'))?.lease).toBe(lease.id);
    const watch = store.watch('/t/', { fromRevision: (await store.currentRevision()) + 1 });
    const [expiry] = await collectUntil(watch, atLeast(1), 4000);
    expect(expiry).toMatchObject({ type: 'delete', kv: { key: '/t/leased', modRevision: leased.revision + 2 } });
    expect((await store.get('/t/plain'))?.value).toBe('p');
    await store.close();
  });

  it('expires a lease whose deadline passed while the store was closed, on open', async () => {
    const dir = freshDir();
    let store = new SqliteStore({ dataDir: dir });
    const lease = await store.grantLease(1, { autoKeepAlive: false });
    await store.put('/t/leased', 'v', { lease: lease.id });
    await store.close();
    await sleep(1100);
    store = new SqliteStore({ dataDir: dir });
    expect(await store.get('/t/leased')).toBeUndefined();
    await store.close();
  });

  it('compacts automatically, keeping the last N revisions', async () => {
    const store = new SqliteStore({ dataDir: freshDir(), retainRevisions: 5, compactIntervalMs: 20 });
    let first = 0;
    for (let i = 0; i < 20; i++) {
      const { revision } = await store.put(`/t/k${i % 3}`, String(i));
      first ||= revision;
    }
    const current = await store.currentRevision();
    await eventually(
      async () => (await store.range('/t/', { revision: first }).catch((e: unknown) => e)) instanceof CompactedError,
      2000,
      'the old revision compacted',
    );
    const kept = await store.range('/t/', { revision: current - 5 });
    expect(kept.items).toHaveLength(3);
    const replay = store.watch('/t/', { fromRevision: current - 4 });
    expect(await collectUntil(replay, atLeast(5))).toHaveLength(5);
    await replay.cancel();
    await store.close();
  });

  it('ends open watches with StoreClosed when the store closes', async () => {
    const store = new SqliteStore({ dataDir: freshDir() });
    const watch = store.watch('/t/');
    await store.close();
    expect(await watch.closed).toBeInstanceOf(StoreClosedError);
    await expect(store.get('/t/x')).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('copies its write-ahead log into the database file from a thread of its own as it writes, and leaves no log behind at close', async () => {
    const dir = freshDir();
    const store = new SqliteStore({ dataDir: dir, checkpointAfterBytes: 64 * 1024 });
    const file = join(dir, SQLITE_FILE);
    const before = statSync(file).size;
    // ~800 KB of rows: far below SQLite's own checkpoint at 1,000 pages (~4 MB), the only one there
    // would be without the checkpoint thread, and many times the 64 KB this store checkpoints after.
    const value = 'x'.repeat(1000);
    for (let i = 0; i < 400; i++) await store.put(`/t/k${i}`, value);
    await eventually(async () => statSync(file).size > before + 300_000, 10_000, 'the file to grow');
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = new SqliteStore({ dataDir: dir });
    expect((await reopened.range('/t/')).items).toHaveLength(400);
    await reopened.close();
  });
});
