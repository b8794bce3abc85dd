import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, ConflictError, StoreUnavailableError } from './errors.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import type { TxnRequest, TxnResult } from './types.js';
import { openTestSqlite, type TestStore } from '../../test/support/stores.js';

/** GroupCommit over a real store's txn (the embedded one), recording every transaction it sends. */
describe('GroupCommit', () => {
  let backing: TestStore;
  let sent: TxnRequest[];
  let failWhen: (request: TxnRequest) => Error | undefined;
  const open = (options: GroupCommitOptions = {}) =>
    new GroupCommit(async (request: TxnRequest): Promise<TxnResult> => {
      sent.push(request);
      const err = failWhen(request);
      if (err) throw err;
      return backing.store.txn(request);
    }, options);

  beforeEach(async () => {
    backing = await openTestSqlite();
    sent = [];
    failWhen = () => undefined;
  });
  afterEach(async () => backing.dispose());

  it('sends ops issued in one turn as one transaction, each with its own result', async () => {
    const gc = open();
    const writes = await Promise.all(Array.from({ length: 50 }, (_, i) => gc.create(`/k/${i}`, `v${i}`)));
    expect(sent).toHaveLength(1);
    expect(new Set(writes.map((w) => w.revision)).size).toBe(1);
    const reads = await Promise.all(Array.from({ length: 50 }, (_, i) => gc.get(`/k/${i}`)));
    expect(sent).toHaveLength(2);
    expect(reads.map((kv) => kv?.value)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
    expect(await gc.get('/k/missing')).toBeUndefined();
    expect(gc.stats).toEqual({ ops: 101, txns: 3 });
  });

  it('drains a long queue in order, in batches within the limit, with a key written twice in between', async () => {
    const gc = open({ maxOps: 100 });
    // Thousands waiting at once (as the agents' status writes do), one key written twice among them.
    const keys = Array.from({ length: 3_000 }, (_, i) => (i === 1_500 ? '/q/0007' : `/q/${String(i).padStart(4, '0')}`));
    const results = await Promise.all(keys.map((k, i) => gc.put(k, `v${i}`)));
    expect(sent.every((t) => t.success.length <= 100)).toBe(true);
    // Every op sent once; the keys in the order they were issued, apart from the later write of 0007.
    const order = sent.flatMap((t) => t.success.map((op) => op.key));
    expect(order).toHaveLength(3_000);
    expect(order.filter((k) => k !== '/q/0007')).toEqual(keys.filter((k) => k !== '/q/0007'));
    expect(results[1_500]!.revision).toBeGreaterThan(results[7]!.revision);
    expect((await backing.store.get('/q/0007'))?.value).toBe('v1500');
  });

  it('gives many waiting reads of one key one read, and a read asked after it left a fresh one', async () => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit(
      async (request: TxnRequest): Promise<TxnResult> => {
        if (sent.push(request) === 1) await held; // the first transaction is held: what follows waits behind it
        return backing.store.txn(request);
      },
      { maxInFlight: 1 },
    );
    await backing.store.put('/k/def', 'd1');
    const first = gc.get('/k/other');
    await new Promise((r) => setImmediate(r)); // the first read has left
    // Thousands of readers of one key (as 1,000 agents loading one task definition), among others.
    const many = Array.from({ length: 3_000 }, (_, i) => gc.get(i % 2 === 0 ? '/k/def' : `/k/n${i}`));
    await backing.store.put('/k/def', 'd2'); // before the waiting read leaves: it must see this
    release();
    const values = await Promise.all([first, ...many]);
    expect(
      values
        .slice(1)
        .filter((_, i) => i % 2 === 0)
        .every((kv) => kv?.value === 'd2'),
    ).toBe(true);
    const reads = sent.flatMap((t) => t.success.map((op) => op.key));
    expect(reads.filter((k) => k === '/k/def')).toHaveLength(1);
    expect(reads).toHaveLength(1 + 1 + 1_500);
    expect(gc.stats.ops).toBe(3_001);
    // Once that read has left, a new one is not answered from it.
    await backing.store.put('/k/def', 'd3');
    expect((await gc.get('/k/def'))?.value).toBe('d3');
  });

  it('fails every waiter of a shared read when its transaction fails', async () => {
    const gc = open();
    failWhen = () => new StoreUnavailableError('etcd did not answer');
    const outcomes = await Promise.allSettled([gc.get('/k/x'), gc.get('/k/x'), gc.get('/k/x')]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(sent).toHaveLength(1);
    expect(gc.stats.ops).toBe(3);
  });

  it('fails only the ops whose guard no longer holds, as they would fail alone, and writes the rest', async () => {
    const gc = open();
    const a = await backing.store.put('/k/a', 'a0');
    await backing.store.put('/k/b', 'b0');
    const outcomes = await Promise.allSettled([
      gc.put('/k/a', 'a1', { ifModRevision: a.revision }), // holds
      gc.put('/k/b', 'b1', { ifModRevision: 1 }), // stale
      gc.create('/k/a-new', 'n'), // holds
      gc.create('/k/b', 'dup'), // exists
      gc.put('/k/c', 'c1', { ifModRevision: 0 }), // holds: c does not exist
      gc.put('/k/b', 'b-unguarded'), // a second op on b: waits for a later batch
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const [, stale, , exists] = outcomes;
    expect(stale.status === 'rejected' && stale.reason).toBeInstanceOf(ConflictError);
    expect(stale.status === 'rejected' && stale.reason).toMatchObject({ key: '/k/b', expectedModRevision: 1 });
    expect(exists.status === 'rejected' && exists.reason).toBeInstanceOf(AlreadyExistsError);
    const values = await Promise.all(['/k/a', '/k/b', '/k/a-new', '/k/c'].map((k) => backing.store.get(k)));
    expect(values.map((kv) => kv?.value)).toEqual(['a1', 'b-unguarded', 'n', 'c1']);
  });

  it('a guard of 0 on an existing key is a Conflict for put and AlreadyExists for create', async () => {
    const gc = open();
    await backing.store.put('/k/x', '1');
    await expect(gc.put('/k/x', '2', { ifModRevision: 0 })).rejects.toBeInstanceOf(ConflictError);
    await expect(gc.create('/k/x', '2')).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('keeps two ops on one key in order, in separate transactions', async () => {
    const gc = open();
    await Promise.all([gc.put('/k/same', 'first'), gc.put('/k/other', 'o'), gc.put('/k/same', 'second')]);
    expect(sent.map((r) => r.success.map((op) => op.key))).toEqual([['/k/same', '/k/other'], ['/k/same']]);
    expect((await backing.store.get('/k/same'))?.value).toBe('second');
  });

  it('splits a batch that failed as a whole, so only the op at fault fails', async () => {
    const gc = open();
    failWhen = (r) => (r.success.some((op) => op.type === 'put' && op.value === 'too big') ? new Error('etcdserver: request is too large') : undefined);
    const outcomes = await Promise.allSettled([gc.put('/k/1', 'ok'), gc.put('/k/2', 'too big'), gc.put('/k/3', 'ok')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]?.status === 'rejected' && String(outcomes[1].reason)).toContain('request is too large');
    expect(sent.map((r) => r.success.length)).toEqual([3, 1, 1, 1]);
  });

  it('fails every op of a batch when the store is unavailable (callers retry as they would alone)', async () => {
    const gc = open();
    failWhen = () => new StoreUnavailableError('etcd did not answer');
    const outcomes = await Promise.allSettled([gc.put('/k/1', 'a'), gc.get('/k/2'), gc.create('/k/3', 'c')]);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof StoreUnavailableError)).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it('respects the op and byte limits per transaction', async () => {
    const gc = open({ maxOps: 10, maxBytes: 100 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => gc.put(`/k/${i}`, 'x')));
    expect(sent.map((r) => r.success.length)).toEqual([10, 10, 5]);
    sent = [];
    await Promise.all(Array.from({ length: 4 }, (_, i) => gc.put(`/b/${i}`, 'y'.repeat(40))));
    expect(sent.map((r) => r.success.length)).toEqual([2, 2]);
  });

  it('sends at once while under maxInFlight, and gathers what arrives while it is full', async () => {
    const gc = open({ maxInFlight: 1 });
    const first = gc.put('/k/first', '1');
    await new Promise((r) => setImmediate(r)); // the first op has left alone
    const rest = Array.from({ length: 20 }, (_, i) => gc.put(`/k/r${i}`, 'r'));
    await Promise.all([first, ...rest]);
    expect(sent.map((r) => r.success.length)).toEqual([1, 20]);
  });
});
