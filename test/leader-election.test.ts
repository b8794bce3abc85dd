/**
 * Leader election against both real stores: one leader at a time, hand-over on a clean stop, and
 * take-over within the lease TTL when the leader dies — with the acting intervals never overlapping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaderElector } from '../controllers/kit/leader-election.js';
import type { Lease, LeaseOptions, Store } from '../api/store/types.js';
import { testStoreBackends, type TestStore } from './support/stores.js';
import { delegate } from './support/delegate.js';

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

/** A store whose leases stop being renewed on `freeze()`: the process is "dead" to the store. */
function freezable(store: Store): { store: Store; freeze(): void } {
  let frozen = false;
  const grantLease = async (ttl: number, options?: LeaseOptions): Promise<Lease> => {
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
