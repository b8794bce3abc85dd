/**
 * Leader election against both real stores: one leader at a time, hand-over on a clean stop, and
 * take-over within the lease TTL when the leader dies — with the acting intervals never overlapping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaderElector } from '../controllers/kit/leader-election.js';
import type { StoreLease, LeaseOptions, Store } from '../api/store/types.js';
import { openTestSqlite, testStoreBackends, type TestStore } from './support/stores.js';
import { delegate } from './support/delegate.js';
import { EtcdStore } from '../api/store/etcd.js';
import { EtcdProcess } from './store-etcd-process.js';

interface Interval {
  who: string;
  from: number;
  to?: number;
}

/** Records when each candidate acted; `lead` runs until its signal aborts. */
function candidate(store: Store, who: string, intervals: Interval[], ttlSeconds = 2) {
  const elector = new LeaderElector({ store, name: 'test-controller', identity: who, ttlSeconds });
  const done = elector.run(async ({ signal }) => {
    const interval: Interval = { who, from: Date.now() };
    intervals.push(interval);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    interval.to = Date.now();
  });
  return { elector, done };
}

/** Busy-waits: the process does nothing else meanwhile, as during a long synchronous stretch of bulk work. */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

/** A store that calls `afterRenewal` each time a lease renewal succeeds. */
function renewalHook(store: Store, afterRenewal: () => void): Store {
  const grantLease = async (ttl: number, options?: LeaseOptions): Promise<StoreLease> => {
    const lease = await store.grantLease(ttl, options);
    return delegate(lease, { keepAlive: () => lease.keepAlive().then(afterRenewal) });
  };
  return delegate(store, { grantLease });
}

/** A store whose leases stop being renewed on `freeze()`: the process is "dead" to the store. */
function freezable(store: Store): { store: Store; freeze(): void } {
  let frozen = false;
  const grantLease = async (ttl: number, options?: LeaseOptions): Promise<StoreLease> => {
    const lease = await store.grantLease(ttl, options);
    return delegate(lease, {
      keepAlive: () => (frozen ? new Promise<void>(() => undefined) : lease.keepAlive()),
      revoke: () => (frozen ? new Promise<void>(() => undefined) : lease.revoke()),
    });
  };
  return { store: delegate(store, { grantLease }), freeze: () => void (frozen = true) };
}

const until = async (cond: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function assertNoOverlap(intervals: Interval[]) {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    expect(prev?.to, `${prev?.who} still acting when ${next?.who} started`).toBeDefined();
    expect(next?.from ?? 0).toBeGreaterThanOrEqual(prev?.to ?? Infinity);
  }
}

describe.each(testStoreBackends)('leader election on %s', (_name, open) => {
  let backend: TestStore;
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(() => backend.dispose());

  it('elects exactly one leader and hands over at once on a clean stop', async () => {
    const intervals: Interval[] = [];
    const a = candidate(backend.store, 'a', intervals);
    await until(() => intervals.length === 1, 5000);
    const b = candidate(backend.store, 'b', intervals);
    await new Promise((r) => setTimeout(r, 800));
    expect(intervals.map((i) => i.who)).toEqual(['a']);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);

    const stoppedAt = Date.now();
    a.elector.stop();
    await a.done;
    await until(() => intervals.length === 2, 5000);
    expect(intervals[1]?.who).toBe('b');
    expect((intervals[1]?.from ?? Infinity) - stoppedAt).toBeLessThan(1000); // revoked, not expired
    b.elector.stop();
    await b.done;
    assertNoOverlap(intervals);
  });

  it('a leader whose process was too busy to renew in time (but within the TTL) keeps leading', async () => {
    const intervals: Interval[] = [];
    let stallNext = false;
    // Right after a renewal succeeds, the process blocks for longer than the renewal deadline
    // (ttl - ttl/4 = 1.5 s) but shorter than the lease (2 s): the lease is alive all along.
    const store = renewalHook(backend.store, () => {
      if (!stallNext) return;
      stallNext = false;
      stall(1_700);
    });
    const a = candidate(store, 'a', intervals, 2);
    await until(() => intervals.length === 1, 5000);
    stallNext = true;
    await until(() => !stallNext, 5000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(intervals).toHaveLength(1);
    expect(intervals[0]?.to).toBeUndefined();
    expect(a.elector.isLeader()).toBe(true);
    a.elector.stop();
    await a.done;
  });

  it('takes over within the lease TTL when the leader dies, and the dead leader stops acting first', async () => {
    const intervals: Interval[] = [];
    const dying = freezable(backend.store);
    const a = candidate(dying.store, 'a', intervals, 2);
    await until(() => intervals.length === 1, 5000);
    const b = candidate(backend.store, 'b', intervals, 2);
    const frozeAt = Date.now();
    dying.freeze();
    await until(() => intervals.length === 2, 6000);
    const tookOver = (intervals[1]?.from ?? 0) - frozeAt;
    expect(intervals[1]?.who).toBe('b');
    expect(tookOver).toBeLessThan(2000 + 1500); // TTL plus the store's expiry granularity
    assertNoOverlap(intervals);
    a.elector.stop();
    b.elector.stop();
    await Promise.all([a.done, b.done]);
  });
});

describe('leader election on the embedded store, in one process', () => {
  let backend: TestStore;
  beforeEach(async () => {
    backend = await openTestSqlite();
  });
  afterEach(() => backend.dispose());

  it('a process stalled for longer than the whole lease keeps leading: nobody could renew meanwhile', async () => {
    const intervals: Interval[] = [];
    let stallNext = false;
    const store = renewalHook(backend.store, () => {
      if (!stallNext) return;
      stallNext = false;
      stall(3_000);
    });
    const a = candidate(store, 'a', intervals, 2);
    await until(() => intervals.length === 1, 5000);
    stallNext = true;
    await until(() => !stallNext, 5000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(intervals).toHaveLength(1);
    expect(a.elector.isLeader()).toBe(true);
    a.elector.stop();
    await a.done;
  });
});

describe('leader election across a restart of etcd', () => {
  // An etcd of this test's own, to stop and start (ports of this test file's own).
  const etcd = new EtcdProcess(23791, 23792);
  let store: EtcdStore;
  beforeEach(async () => {
    await etcd.start();
    store = new EtcdStore({ endpoints: [etcd.endpoint] });
  });
  afterEach(async () => {
    await store.close();
    await etcd.destroy();
  });

  it('the leader resumes its own lease as soon as etcd is back, rather than after the lease outlives the restart', async () => {
    const intervals: Interval[] = [];
    const ttlSeconds = 4;
    const a = candidate(store, 'a', intervals, ttlSeconds);
    await until(() => intervals.length === 1, 10_000);
    await etcd.stop();
    // Down for longer than the lease: the leader has stepped down meanwhile (it cannot renew).
    await until(() => intervals[0]?.to !== undefined, 10_000);
    await new Promise((r) => setTimeout(r, ttlSeconds * 1000));
    await etcd.start();
    const backAt = Date.now();
    await until(() => intervals.length === 2, 15_000);
    const resumedAfter = (intervals[1]?.from ?? Infinity) - backAt;
    // etcd grants every lease a whole TTL again when it starts: without resuming, nobody (the old
    // leader included) could lead before that TTL ran out.
    expect(resumedAfter).toBeLessThan(ttlSeconds * 1000 - 1000);
    expect(intervals[1]?.who).toBe('a');
    assertNoOverlap(intervals);
    a.elector.stop();
    await a.done;
  }, 60_000);
});
