/**
 * The bench's Store over a MessagePort (hack/store-over-port.ts) passes the same contract as the
 * backends it stands in front of: here the embedded store answers one end of a MessageChannel, and
 * the contract runs against the other end. Closing the test's store closes both.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { atLeast, collectUntil } from '../api/store/contract-helpers.js';
import { describeStoreContract } from '../api/store/contract.js';
import { ConflictError, StoreClosedError } from '../api/store/errors.js';
import { SqliteStore } from '../api/store/sqlite.js';
import type { Store } from '../api/store/types.js';
import { PortStore, serveStore } from '../hack/store-over-port.js';
import { delegate } from './support/delegate.js';
import { scratchDirs } from './support/stores.js';

const dirs = scratchDirs('berth-port-');
const freshDir = () => dirs.fresh();

afterAll(() => dirs.removeAll());

/** A PortStore answered by an embedded store in `dataDir`; its close closes the embedded store too. */
function overPort(dataDir: string): Store {
  const owner = new SqliteStore({ dataDir });
  const { port1, port2 } = new MessageChannel();
  serveStore(owner, port2);
  const remote = new PortStore(port1);
  return delegate(remote, {
    async close() {
      await remote.close();
      await owner.close();
    },
  });
}

let ownDir = '';
describeStoreContract('over a MessagePort', async () => overPort(freshDir()), {
  restart: {
    watchesSurvive: false,
    async open() {
      ownDir = freshDir();
      return overPort(ownDir);
    },
    async restart(store) {
      await store.close();
      return overPort(ownDir);
    },
    async teardown() {},
  },
});

describe('PortStore specifics', () => {
  it('carries the typed error of the owner: a lost compare is a ConflictError with its fields', async () => {
    const store = overPort(freshDir());
    try {
      const { revision } = await store.put('/c/k', 'v1');
      await store.put('/c/k', 'v2');
      const err = await store.put('/c/k', 'v3', { ifModRevision: revision }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ name: 'Conflict', key: '/c/k', expectedModRevision: revision, actualModRevision: revision + 1, retriable: true });
    } finally {
      await store.close();
    }
  });

  it('sends the calls of one turn as one message, and they share one of the owner’s commits', async () => {
    const owner = new SqliteStore({ dataDir: freshDir() });
    const { port1, port2 } = new MessageChannel();
    serveStore(owner, port2);
    const remote = new PortStore(port1);
    const messages: number[] = [];
    port2.on('message', (batch: unknown[]) => messages.push(batch.length));
    try {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => remote.put(`/b/${i}`, String(i))));
      expect(messages).toEqual([50]);
      // One group commit: every put got the same revision.
      expect(new Set(results.map((r) => r.revision)).size).toBe(1);
    } finally {
      await remote.close();
      await owner.close();
    }
  });

  it('ends its watches with StoreClosedError and refuses calls once closed', async () => {
    const store = overPort(freshDir());
    const watch = store.watch('/w/', { fromRevision: 1 });
    await store.put('/w/a', '1');
    expect((await collectUntil(watch, atLeast(1))).map((e) => e.kv.value)).toEqual(['1']);
    await store.close();
    expect(await watch.closed).toBeInstanceOf(StoreClosedError);
    await expect(store.get('/w/a')).rejects.toBeInstanceOf(StoreClosedError);
  });
});
