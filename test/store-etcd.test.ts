import { Etcd3 } from 'etcd3';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atLeast, collectUntil } from '../api/store/contract-helpers.js';
import { describeStoreContract } from '../api/store/contract.js';
import { EtcdStore } from '../api/store/etcd.js';
import { WatchBrokenError } from '../api/store/errors.js';
import type { Store } from '../api/store/types.js';
import { EtcdProcess, makeTestCerts } from './store-etcd-process.js';

const endpoint = process.env.BERTH_ETCD_ENDPOINT ?? 'http://127.0.0.1:2379';
let own: EtcdProcess | undefined;

afterAll(async () => {
  await own?.destroy();
});

describeStoreContract('etcd', async () => new EtcdStore({ endpoints: [endpoint] }), {
  restart: {
    watchesSurvive: true,
    async open() {
      own = new EtcdProcess();
      await own.start();
      return new EtcdStore({ endpoints: [own.endpoint] });
    },
    async restart(store: Store) {
      if (!own) throw new Error('restart before open');
      await own.stop();
      await own.start();
      return store;
    },
    async teardown() {
      await own?.destroy();
      own = undefined;
    },
  },
});

describe('etcd client health', () => {
  it('cancelling watches is not a failure: calls keep working after many watches end at once', async () => {
    // etcd3 counted each cancel as the host failing; three at once (an API server stopping its
    // informers) opened its circuit breaker, and every call failed for 5 s.
    const store = new EtcdStore({ endpoints: [endpoint] });
    const prefix = `/berth-test/cancel-${process.pid}-${Date.now()}/`;
    try {
      const from = (await store.currentRevision()) + 1;
      const watches = Array.from({ length: 5 }, () => store.watch(prefix, { fromRevision: from }));
      await store.put(`${prefix}a`, '1');
      // Every stream is up once it has delivered the put.
      await Promise.all(watches.map((w) => collectUntil(w, atLeast(1))));
      await Promise.all(watches.map((w) => w.cancel()));
      await expect(store.put(`${prefix}a`, '2')).resolves.toMatchObject({ revision: expect.any(Number) });
      expect((await store.get(`${prefix}a`))?.value).toBe('2');
    } finally {
      await store.delete(`${prefix}a`).catch(() => undefined);
      await store.close();
    }
  });
});

describe('etcd backend specifics', () => {
  let etcd: EtcdProcess;
  beforeEach(async () => {
    etcd = new EtcdProcess(23791, 23801);
    await etcd.start();
  });
  afterEach(async () => etcd.destroy());

  it('fails a watch with WatchBroken when etcd stays unreachable past the reconnect timeout', async () => {
    const store = new EtcdStore({ endpoints: [etcd.endpoint], watchReconnectTimeoutMs: 1500 });
    const watch = store.watch('/t/', { fromRevision: (await store.currentRevision()) + 1 });
    await store.put('/t/a', '1');
    await collectUntil(watch, atLeast(1));
    await etcd.stop();
    const err = await watch.closed;
    expect(err).toBeInstanceOf(WatchBrokenError);
    expect(err).toMatchObject({ name: 'WatchBroken', retriable: true, lastRevision: expect.any(Number) });
    await store.close();
  });

  it('resumes a watch interrupted during catch-up from the last delivered revision, losing nothing', async () => {
    // etcd3's own Watcher would resume from the revision stamped on the creation reply (the current
    // one), skipping history not yet delivered when the connection dropped.
    const store = new EtcdStore({ endpoints: [etcd.endpoint] });
    const total = 3500;
    // One transaction per put (put() would group concurrent ones into shared revisions): 3,500
    // revisions, so catch-up spans several of etcd's 1,000-revision slices.
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => store.txn({ compare: [], success: [{ type: 'put', key: `/t/k${(i + j) % 7}`, value: String(i + j) }] })),
      );
    }
    const watch = store.watch('/t/', { fromRevision: 1 });
    // etcd sends catch-up in slices of 1000 revisions, one slice per 100 ms sync: stop it after the
    // first slice arrived, while the rest is still to come.
    const first = await collectUntil(watch, atLeast(1));
    await etcd.stop();
    await etcd.start();
    const events = [...first, ...(await collectUntil(watch, atLeast(total - first.length), 15_000))];
    await watch.cancel();
    expect(events).toHaveLength(total);
    const revisions = events.map((e) => e.kv.modRevision);
    expect(new Set(revisions).size).toBe(total);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    await store.close();
  });

  it('signs in with a username and password when etcd has auth enabled', async () => {
    const admin = new Etcd3({ hosts: etcd.endpoint });
    await admin.role('root').create();
    await admin.user('root').create('s3cret');
    await admin.user('root').addRole('root');
    await admin.auth.authEnable({});
    admin.close();
    const anonymous = new EtcdStore({ endpoints: [etcd.endpoint] });
    await expect(anonymous.put('/t/x', '1')).rejects.toThrow(/user name is empty|permission denied|authentication/i);
    await anonymous.close();
    const store = new EtcdStore({ endpoints: [etcd.endpoint], username: 'root', password: 's3cret' });
    await store.put('/t/x', '1');
    expect((await store.get('/t/x'))?.value).toBe('1');
    const watch = store.watch('/t/', { fromRevision: 1 });
    expect((await collectUntil(watch, atLeast(1)))[0]?.kv.value).toBe('1');
    await store.close();
  });

  it('connects over mutual TLS with a CA, a client certificate and key', async () => {
    const certs = makeTestCerts();
    const secure = new EtcdProcess(23792, 23802, certs);
    try {
      await secure.start();
      const store = new EtcdStore({ endpoints: [secure.endpoint], tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
      const watch = store.watch('/t/', { fromRevision: 1 });
      await store.put('/t/tls', 'yes');
      expect((await store.get('/t/tls'))?.value).toBe('yes');
      expect((await collectUntil(watch, atLeast(1)))[0]?.kv.key).toBe('/t/tls');
      await store.close();
    } finally {
      await secure.destroy();
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });
});
