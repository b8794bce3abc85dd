/**
 * The contract every Store backend passes: etcd's semantics, checked against the real thing.
 * test/store-etcd.test.ts and test/store-sqlite.test.ts run it; a new backend adds one more file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../controllers/kit/test-env.js';
import { atLeast, collectUntil, scratchPrefix } from './contract-helpers.js';
import { AlreadyExistsError, CompactedError, ConflictError, InvalidRequestError, LeaseNotFoundError } from './errors.js';
import type { Store, WatchEvent } from './types.js';

export interface RestartableBackend {
  /** A store on a backend of the test's own, which it may restart and compact. */
  open(): Promise<Store>;
  /** Really stop and start the backend; resolves to the store to use afterwards. */
  restart(store: Store): Promise<Store>;
  /** Live watches ride through the restart (etcd) rather than ending with it (embedded store). */
  watchesSurvive: boolean;
  teardown(): Promise<void>;
}

export interface ContractOptions {
  restart: RestartableBackend;
}

export function describeStoreContract(name: string, makeStore: () => Promise<Store>, options: ContractOptions): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let p: string;
    const k = (s: string) => p + s;

    beforeEach(async () => {
      store = await makeStore();
      p = scratchPrefix(name);
    });
    afterEach(async () => {
      await store.close();
    });

    describe('reads and writes', () => {
      it('put then get returns the value and revisions; version counts puts', async () => {
        expect(await store.get(k('a'))).toBeUndefined();
        const first = await store.put(k('a'), 'one');
        const second = await store.put(k('a'), 'two');
        expect(second.revision).toBeGreaterThan(first.revision);
        expect(await store.get(k('a'))).toEqual({ key: k('a'), value: 'two', createRevision: first.revision, modRevision: second.revision, version: 2 });
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(second.revision);
      });

      it('range pages through a prefix in key order, consistently at the first page revision', async () => {
        const keys = ['d', 'a', 'g', 'c', 'f', 'b', 'e'].map((s) => k(`list/${s}`));
        await store.putMany(keys.map((key) => ({ key, value: key })));
        await store.put(k('lis'), 'outside the prefix');
        await store.put(k('list0'), 'outside the prefix too');
        const seen: string[] = [];
        let page = await store.range(k('list/'), { limit: 3 });
        const revision = page.revision;
        seen.push(...page.items.map((i) => i.key));
        await store.put(k('list/h'), 'written after the first page');
        while (page.more) {
          page = await store.range(k('list/'), { limit: 3, startAfter: seen[seen.length - 1], revision });
          seen.push(...page.items.map((i) => i.key));
        }
        expect(seen).toEqual([...keys].sort());
        const now = await store.range(k('list/'));
        expect(now.items.map((i) => i.key)).toEqual([...keys, k('list/h')].sort());
        expect(now.more).toBe(false);
      });

      it('range at an old revision sees the values of then', async () => {
        const { revision } = await store.put(k('x'), 'old');
        await store.put(k('x'), 'new');
        await store.delete(k('x'));
        await store.put(k('y'), 'later');
        const then = await store.range(p, { revision });
        expect(then.items.map((i) => [i.key, i.value])).toEqual([[k('x'), 'old']]);
      });

      it('create fails with AlreadyExists when the key is present', async () => {
        const { revision } = await store.create(k('c'), 'v');
        const err = await store.create(k('c'), 'w').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AlreadyExistsError);
        expect(err).toMatchObject({ name: 'AlreadyExists', key: k('c'), actualModRevision: revision, retriable: false });
        expect((await store.get(k('c')))?.value).toBe('v');
      });

      it.each([
        { case: 'the current modRevision', exists: true, guard: 'current', wins: true },
        { case: 'a stale modRevision', exists: true, guard: 'stale', wins: false },
        { case: '0 on an existing key', exists: true, guard: 'zero', wins: false },
        { case: '0 on a missing key', exists: false, guard: 'zero', wins: true },
        { case: 'a revision on a missing key', exists: false, guard: 'stale', wins: false },
      ])('put guarded by $case: wins=$wins', async ({ exists, guard, wins }) => {
        const stale = (await store.put(k('other'), 'x')).revision;
        const current = exists ? (await store.put(k('cas'), 'before')).revision : 0;
        const ifModRevision = guard === 'current' ? current : guard === 'zero' ? 0 : stale;
        const outcome = await store.put(k('cas'), 'after', { ifModRevision }).catch((e: unknown) => e);
        if (wins) {
          expect(outcome).toMatchObject({ revision: expect.any(Number) });
          expect((await store.get(k('cas')))?.value).toBe('after');
        } else {
          expect(outcome).toBeInstanceOf(ConflictError);
          expect(outcome).toMatchObject({ name: 'Conflict', key: k('cas'), actualModRevision: current, retriable: true });
          expect((await store.get(k('cas')))?.value).toBe(exists ? 'before' : undefined);
        }
      });

      it('delete guarded by modRevision deletes only on a match and returns the previous value', async () => {
        const { revision } = await store.put(k('d'), 'v');
        await expect(store.delete(k('d'), { ifModRevision: revision - 1 })).rejects.toBeInstanceOf(ConflictError);
        const res = await store.delete(k('d'), { ifModRevision: revision });
        expect(res).toMatchObject({ deleted: true, prev: { key: k('d'), value: 'v', modRevision: revision } });
        expect(await store.get(k('d'))).toBeUndefined();
        expect(await store.delete(k('d'))).toMatchObject({ deleted: false });
      });

      it('txn applies the success branch atomically when every compare holds, else the failure branch', async () => {
        const a = (await store.put(k('a'), '1')).revision;
        const b = (await store.put(k('b'), '1')).revision;
        const ok = await store.txn({
          compare: [
            { key: k('a'), modRevision: a },
            { key: k('b'), modRevision: b },
            { key: k('new'), modRevision: 0 },
          ],
          success: [
            { type: 'put', key: k('a'), value: '2' },
            { type: 'delete', key: k('b') },
            { type: 'put', key: k('new'), value: 'n' },
          ],
          failure: [{ type: 'get', key: k('a') }],
        });
        expect(ok.succeeded).toBe(true);
        expect(ok.results.map((r) => r.type)).toEqual(['put', 'delete', 'put']);
        const [ra, rb, rn] = await Promise.all([store.get(k('a')), store.get(k('b')), store.get(k('new'))]);
        // One transaction is one revision.
        expect([ra?.modRevision, rn?.modRevision]).toEqual([ok.revision, ok.revision]);
        expect(rb).toBeUndefined();
        const failed = await store.txn({
          compare: [{ key: k('a'), modRevision: a }],
          success: [{ type: 'put', key: k('a'), value: 'never' }],
          failure: [{ type: 'get', key: k('a') }],
        });
        expect(failed.succeeded).toBe(false);
        expect(failed.results).toEqual([{ type: 'get', key: k('a'), kv: expect.objectContaining({ value: '2', modRevision: ok.revision }) }]);
        expect(failed.revision).toBeGreaterThanOrEqual(ok.revision);
      });

      it('rejects a transaction that writes one key twice', async () => {
        const twice = store.txn({
          compare: [],
          success: [
            { type: 'put', key: k('t'), value: '1' },
            { type: 'delete', key: k('t') },
          ],
        });
        await expect(twice).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it('putMany writes more keys than one transaction may carry', async () => {
        const entries = Array.from({ length: 300 }, (_, i) => ({ key: k(`many/${String(i).padStart(3, '0')}`), value: String(i) }));
        const { revision } = await store.putMany(entries);
        const all = await store.range(k('many/'));
        expect(all.items.map((i) => i.value)).toEqual(entries.map((e) => e.value));
        expect(Math.max(...all.items.map((i) => i.modRevision))).toBe(revision);
      });
    });

    describe('concurrent compare-and-swap', () => {
      it('8 writers x 20 rounds from the same read: exactly one wins each round', async () => {
        await store.put(k('counter'), '0');
        let successes = 0;
        for (let round = 0; round < 20; round++) {
          const reads = await Promise.all(Array.from({ length: 8 }, () => store.get(k('counter'))));
          const outcomes = await Promise.allSettled(
            reads.map((kv) => store.put(k('counter'), String(Number(kv?.value) + 1), { ifModRevision: kv?.modRevision ?? 0 })),
          );
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
          expect(won).toHaveLength(1);
          for (const err of lost) expect(err).toBeInstanceOf(ConflictError);
          successes += won.length;
        }
        expect((await store.get(k('counter')))?.value).toBe(String(successes));
      });

      it('8 free-running writers retrying on conflict lose no increment', async () => {
        await store.put(k('counter'), '0');
        const increment = async () => {
          for (;;) {
            const kv = await store.get(k('counter'));
            try {
              return await store.put(k('counter'), String(Number(kv?.value) + 1), { ifModRevision: kv?.modRevision ?? 0 });
            } catch (err) {
              if (!(err instanceof ConflictError)) throw err;
            }
          }
        };
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            for (let i = 0; i < 20; i++) await increment();
          }),
        );
        expect((await store.get(k('counter')))?.value).toBe('160');
      });
    });

    describe('watch', () => {
      it('delivers every event of concurrent writers once, in revision order, with previous values', async () => {
        const watch = store.watch(p, { fromRevision: (await store.currentRevision()) + 1 });
        const writers = Array.from({ length: 4 }, async (_, w) => {
          for (let i = 0; i < 15; i++) await store.put(k(`w${w}`), String(i));
          await store.delete(k(`w${w}`));
        });
        await Promise.all(writers);
        const events = await collectUntil(watch, atLeast(64));
        await watch.cancel();
        expect(events).toHaveLength(64);
        const revisions = events.map((e) => e.kv.modRevision);
        expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
        expect(new Set(events.map((e) => `${e.kv.modRevision}/${e.kv.key}`)).size).toBe(64);
        for (let w = 0; w < 4; w++) {
          const mine = events.filter((e) => e.kv.key === k(`w${w}`));
          expect(mine.map((e) => (e.type === 'put' ? e.kv.value : 'deleted'))).toEqual([...Array.from({ length: 15 }, (_, i) => String(i)), 'deleted']);
          expect(mine.slice(1).map((e) => e.prev?.value)).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
        }
      });

      it('replays history from an old revision, then continues live', async () => {
        const first = await store.put(k('h'), 'v1');
        await store.put(k('h'), 'v2');
        await store.delete(k('h'));
        const watch = store.watch(p, { fromRevision: first.revision });
        await store.put(k('h'), 'v3');
        const events = await collectUntil(watch, atLeast(4));
        await watch.cancel();
        expect(events.map((e) => [e.type, e.kv.value, e.prev?.value])).toEqual([
          ['put', 'v1', undefined],
          ['put', 'v2', 'v1'],
          ['delete', '', 'v2'],
          ['put', 'v3', undefined],
        ]);
      });

      it('a range at R followed by a watch from R + 1 misses nothing while writes continue', async () => {
        let writing = true;
        let n = 0;
        const writer = (async () => {
          while (writing) {
            n++;
            await store.put(k(`g${n % 5}`), String(n));
            // The embedded store answers without I/O; yield so the test's timers still run.
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        await sleep(30);
        const listed = await store.range(p);
        const watch = store.watch(p, { fromRevision: listed.revision + 1 });
        await sleep(60);
        writing = false;
        await writer;
        const final = await store.range(p);
        const state = new Map(listed.items.map((i) => [i.key, i.value]));
        const lastRevision = final.revision;
        const events = await collectUntil(watch, (evs) => (evs[evs.length - 1]?.kv.modRevision ?? 0) >= lastRevision || lastRevision === listed.revision);
        await watch.cancel();
        for (const e of events) state.set(e.kv.key, e.kv.value);
        expect(Object.fromEntries(state)).toEqual(Object.fromEntries(final.items.map((i) => [i.key, i.value])));
        expect(events[0]?.kv.modRevision ?? listed.revision + 1).toBe(listed.revision + 1);
      });

      it('ends the iteration on cancel and settles `closed` without an error', async () => {
        const watch = store.watch(p, { fromRevision: (await store.currentRevision()) + 1 });
        let batches = 0;
        const loop = (async () => {
          for await (const batch of watch) batches += batch.events.length > 0 ? 1 : 0;
          return 'ended';
        })();
        await store.put(k('c'), '1');
        await eventually(async () => batches === 1, 3000, 'one batch');
        await watch.cancel();
        expect(await loop).toBe('ended');
        expect(await watch.closed).toBeUndefined();
        await store.put(k('c'), '2');
        await sleep(50);
        expect(batches).toBe(1);
      });

      it('prevValues: false leaves previous values out', async () => {
        const watch = store.watch(p, { fromRevision: (await store.currentRevision()) + 1, prevValues: false });
        await store.put(k('q'), '1');
        await store.put(k('q'), '2');
        const events = await collectUntil(watch, atLeast(2));
        await watch.cancel();
        expect(events.map((e) => e.prev)).toEqual([undefined, undefined]);
      });
    });

    describe('leases', () => {
      it('expiry deletes the lease keys and watchers see the deletes', async () => {
        const lease = await store.grantLease(1, { autoKeepAlive: false });
        await store.put(k('l1'), 'a', { lease: lease.id });
        await store.create(k('l2'), 'b', { lease: lease.id });
        expect((await store.get(k('l1')))?.lease).toBe(lease.id);
        const watch = store.watch(p, { fromRevision: (await store.currentRevision()) + 1 });
        const events = await collectUntil(watch, atLeast(2), 8000);
        await watch.cancel();
        expect(events.map((e) => [e.type, e.kv.key, e.prev?.value]).sort()).toEqual([
          ['delete', k('l1'), 'a'],
          ['delete', k('l2'), 'b'],
        ]);
        expect(await store.get(k('l1'))).toBeUndefined();
        await expect(lease.keepAlive()).rejects.toBeInstanceOf(LeaseNotFoundError);
      });

      it('revoke deletes the keys at once', async () => {
        const lease = await store.grantLease(30);
        await store.put(k('r'), 'v', { lease: lease.id });
        const watch = store.watch(p, { fromRevision: (await store.currentRevision()) + 1 });
        await lease.revoke();
        const events = await collectUntil(watch, atLeast(1), 3000);
        await watch.cancel();
        expect(events.map((e) => [e.type, e.kv.key])).toEqual([['delete', k('r')]]);
        await lease.revoke(); // revoking twice is fine
      });

      it('keep-alive holds a lease past its TTL; releasing it lets the lease expire', async () => {
        const lease = await store.grantLease(1);
        await store.put(k('ka'), 'v', { lease: lease.id });
        await sleep(2500);
        expect((await store.get(k('ka')))?.value).toBe('v');
        lease.release();
        await eventually(async () => (await store.get(k('ka'))) === undefined, 6000, 'the leased key gone');
      });

      it('put with an unknown lease fails with LeaseNotFound', async () => {
        await expect(store.put(k('nl'), 'v', { lease: '123456789' })).rejects.toBeInstanceOf(LeaseNotFoundError);
      });
    });

    describe('on a backend of its own', () => {
      const backend = options.restart;
      afterEach(async () => backend.teardown());

      it('compaction makes old revisions fail with CompactedError (range and watch)', async () => {
        const own = await backend.open();
        try {
          const old = await own.put(k('z'), '1');
          const latest = await own.put(k('z'), '2');
          await own.compact(latest.revision);
          const rangeErr = await own.range(p, { revision: old.revision }).catch((e: unknown) => e);
          expect(rangeErr).toBeInstanceOf(CompactedError);
          expect(rangeErr).toMatchObject({ name: 'Compacted', compactRevision: latest.revision });
          const watch = own.watch(p, { fromRevision: old.revision });
          const watchErr = await collectUntil(watch, () => false, 5000).catch((e: unknown) => e);
          expect(watchErr).toBeInstanceOf(CompactedError);
          expect(watchErr).toMatchObject({ compactRevision: latest.revision, requestedRevision: old.revision });
          expect(await watch.closed).toBeInstanceOf(CompactedError);
          // The state at and after the compact revision is still readable.
          expect((await own.range(p, { revision: latest.revision })).items.map((i) => i.value)).toEqual(['2']);
        } finally {
          await own.close();
        }
      });

      it('survives a restart: data kept, revisions keep increasing, no watch event lost', async () => {
        let own = await backend.open();
        try {
          const start = await own.currentRevision();
          let watch = own.watch(p, { fromRevision: start + 1 });
          for (let i = 0; i < 10; i++) await own.put(k(`r${i}`), `before-${i}`);
          const before = await collectUntil(watch, atLeast(10));
          const lastBefore = before[before.length - 1]?.kv.modRevision ?? 0;
          own = await backend.restart(own);
          if (!backend.watchesSurvive) watch = own.watch(p, { fromRevision: lastBefore + 1 });
          for (let i = 0; i < 10; i++) await own.put(k(`r${i}`), `after-${i}`);
          const after = await collectUntil(watch, atLeast(10), 20_000);
          await watch.cancel();
          const all: WatchEvent[] = [...before, ...after];
          expect(all.map((e) => e.kv.value)).toEqual([
            ...Array.from({ length: 10 }, (_, i) => `before-${i}`),
            ...Array.from({ length: 10 }, (_, i) => `after-${i}`),
          ]);
          const revisions = all.map((e) => e.kv.modRevision);
          for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1] ?? 0);
          expect(after.map((e) => e.prev?.value)).toEqual(Array.from({ length: 10 }, (_, i) => `before-${i}`));
          expect((await own.get(k('r3')))?.value).toBe('after-3');
        } finally {
          await own.close();
        }
      });
    });
  });
}
