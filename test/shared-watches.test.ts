import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import type { ResourceEvent, ResourceWatch } from '../api/usecases/resources/resource-watch.js';
import { SharedWatches } from '../api/usecases/resources/shared-watches.js';
import { CompactedError } from '../api/store/errors.js';
import type { Store, WatchOptions } from '../api/store/types.js';
import type { KindName } from '../api/keys.js';
import { delegate } from './support/delegate.js';
import { WatchChannel } from '../api/store/watch-channel.js';
import { objectKey } from '../api/keys.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const service = (name: string, desiredCount = 1, labels?: Record<string, string>) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service',
  metadata: { name, labels },
  spec: { taskDefinition: 'web', desiredCount },
});

/** The next `count` events of `watch` as `name@desiredCount` (or `-name` for a deletion); the watch stays open. */
async function take<K extends KindName>(watch: ResourceWatch<K>, count: number): Promise<string[]> {
  const seen: string[] = [];
  const timeout = setTimeout(() => void watch.cancel(), 10_000);
  // next() by hand: `break` out of a for-await loop would cancel the watch.
  const events = watch[Symbol.asyncIterator]();
  try {
    while (seen.length < count) {
      const next = await events.next();
      if (next.done) break;
      for (const e of next.value) seen.push(describe1(e));
    }
  } finally {
    clearTimeout(timeout);
  }
  return seen;
}

function describe1<K extends KindName>(e: ResourceEvent<K>): string {
  if (e.type === 'DELETED') return `-${e.ref.name}`;
  const spec = e.object?.spec;
  return `${e.ref.name}@${spec && 'desiredCount' in spec ? spec.desiredCount : '?'}`;
}

describe.each(testStoreBackends)('SharedWatches on %s', (_name, open) => {
  let backend: TestStore;
  let resources: ResourceStore;
  let storeWatches: number;
  let hub: SharedWatches;
  beforeEach(async () => {
    backend = await open();
    resources = new ResourceStore(backend.store);
    storeWatches = 0;
    const store = backend.store;
    const counted: Store = delegate(store, { watch: (prefix: string, options?: WatchOptions) => (storeWatches++, store.watch(prefix, options)) });
    hub = new SharedWatches(counted, { historyEvents: 4 });
  });
  afterEach(() => backend.dispose());

  const revision = async () => Number((await resources.list('Service', { limit: 1 })).resourceVersion);

  it('serves watchers of one kind and cluster from one store watch, each from its own revision', async () => {
    const start = (await revision()) + 1;
    const first = hub.watch('Service', { fromRevision: start });
    const second = hub.watch('Service', { fromRevision: start });
    await resources.create(service('a', 1));
    const afterA = (await revision()) + 1;
    // Joins the running feed after `a`: sees only what came after its revision.
    const late = hub.watch('Service', { fromRevision: afterA });
    await resources.mutate('Service', { name: 'a' }, (s) => void (s.spec.desiredCount = 2));
    await resources.delete('Service', { name: 'a' });
    expect(await take(first, 3)).toEqual(['a@1', 'a@2', '-a']);
    expect(await take(second, 3)).toEqual(['a@1', 'a@2', '-a']);
    expect(await take(late, 2)).toEqual(['a@2', '-a']);
    expect(storeWatches).toBe(1);
  });

  it('replays what it holds to a watcher that joins late, and gives an older revision a store watch of its own', async () => {
    const start = (await revision()) + 1;
    const feed = hub.watch('Service', { fromRevision: start });
    for (let i = 1; i <= 6; i++) await resources.create(service(`s${i}`, i));
    expect(await take(feed, 6)).toEqual(['s1@1', 's2@2', 's3@3', 's4@4', 's5@5', 's6@6']);
    const s5 = Number((await resources.mustGet('Service', { name: 's5' })).metadata.resourceVersion);
    // s5 is still held (the feed keeps 4 events): replayed from the feed, no new store watch.
    const replayed = hub.watch('Service', { fromRevision: s5 });
    expect(await take(replayed, 2)).toEqual(['s5@5', 's6@6']);
    expect(storeWatches).toBe(1);
    // s1 is no longer held: a store watch of its own, which still sees everything from s1 on.
    const old = hub.watch('Service', { fromRevision: start });
    expect(await take(old, 6)).toEqual(['s1@1', 's2@2', 's3@3', 's4@4', 's5@5', 's6@6']);
    expect(storeWatches).toBe(2);
    await Promise.all([feed.cancel(), replayed.cancel(), old.cancel()]);
  });

  it("applies each watcher's label selector to the shared feed", async () => {
    const start = (await revision()) + 1;
    const blue = hub.watch('Service', { fromRevision: start, labelSelector: 'team=blue' });
    const all = hub.watch('Service', { fromRevision: start });
    await resources.create(service('r', 1, { team: 'red' }));
    await resources.create(service('b', 2, { team: 'blue' }));
    expect(await take(all, 2)).toEqual(['r@1', 'b@2']);
    expect(await take(blue, 1)).toEqual(['b@2']);
    expect(storeWatches).toBe(1);
  });

  it('stops the store watch when its last watcher leaves; the next watcher starts a new one', async () => {
    const start = (await revision()) + 1;
    const a = hub.watch('Service', { fromRevision: start });
    const b = hub.watch('Service', { fromRevision: start });
    await a.cancel();
    expect(await a.closed).toBeUndefined();
    expect(hub.feedCount).toBe(1);
    await b.cancel();
    expect(hub.feedCount).toBe(0);
    const c = hub.watch('Service', { fromRevision: start });
    await resources.create(service('c', 3));
    expect(await take(c, 1)).toEqual(['c@3']);
    expect(storeWatches).toBe(2);
  });

  it("serves one cluster's watcher from a running feed of every cluster", async () => {
    const start = (await revision()) + 1;
    const everywhere = hub.watch('Service', { fromRevision: start });
    const prodOnly = hub.watch('Service', { cluster: 'prod', fromRevision: start });
    await resources.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'prod' }, spec: {} });
    await resources.create(service('d', 1));
    await resources.create({ ...service('p', 2), metadata: { name: 'p', cluster: 'prod' } });
    expect(await take(everywhere, 2)).toEqual(['d@1', 'p@2']);
    expect(await take(prodOnly, 1)).toEqual(['p@2']);
    expect(storeWatches).toBe(1);
  });

  it('a watcher that breaks out of its loop leaves the feed, as cancel() does', async () => {
    const start = (await revision()) + 1;
    const watch = hub.watch('Service', { fromRevision: start });
    await resources.create(service('e', 1));
    for await (const batch of watch) if (batch.length > 0) break;
    expect(await watch.closed).toBeUndefined();
    expect(hub.feedCount).toBe(0);
  });

  it('forgets the oldest revisions one at a time, even when one store batch holds several', async () => {
    // One batch of revisions 11–16 (a slow watcher gets several revisions at once), 4 events kept:
    // 13–16 stay, so a watcher from 13 joins the feed and one from 12 gets a store watch of its own.
    const channel = new WatchChannel(() => undefined);
    let watches = 0;
    const store: Store = delegate(backend.store, { watch: () => (watches++, channel) });
    const small = new SharedWatches(store, { historyEvents: 4 });
    const first = small.watch('Service', { fromRevision: 11 });
    const put = (name: string, revision: number) => ({
      type: 'put' as const,
      kv: {
        key: objectKey({ kind: 'Service', cluster: 'default', name }),
        value: JSON.stringify({ ...service(name, revision), metadata: { name, cluster: 'default' } }),
        createRevision: revision,
        modRevision: revision,
        version: 1,
      },
    });
    channel.push({ events: [11, 12, 13, 14, 15, 16].map((r) => put(`s${r}`, r)), revision: 16 });
    expect(await take(first, 6)).toEqual(['s11@11', 's12@12', 's13@13', 's14@14', 's15@15', 's16@16']);
    expect(await take(small.watch('Service', { fromRevision: 13 }), 4)).toEqual(['s13@13', 's14@14', 's15@15', 's16@16']);
    expect(watches).toBe(1);
    void small.watch('Service', { fromRevision: 12 });
    expect(watches).toBe(2);
  });

  it('ends its watchers quietly when the store watch ends quietly (the store closed)', async () => {
    const closing = new SharedWatches(delegate(backend.store, { watch: () => finishedWatch() }));
    const a = closing.watch('Service', { fromRevision: (await revision()) + 1 });
    expect(await take(a, 1)).toEqual([]);
    expect(await a.closed).toBeUndefined();
    expect(closing.feedCount).toBe(0);
  });

  it('a watch "from now" (no revision) is a store watch of its own', async () => {
    const now = hub.watch('Service', {});
    expect([storeWatches, hub.feedCount]).toEqual([1, 0]);
    await now.cancel();
  });

  it('ends every watcher of a feed with the feed’s failure', async () => {
    // A store whose watches fail as a compacted revision does: the shared watch fails once, for all.
    const failing: Store = delegate(backend.store, { watch: () => finishedWatch(new CompactedError(1, 5)) });
    const failingHub = new SharedWatches(failing);
    const start = (await revision()) + 1;
    const a = failingHub.watch('Service', { fromRevision: start });
    const b = failingHub.watch('Service', { fromRevision: start });
    await expect(take(a, 1)).rejects.toBeInstanceOf(CompactedError);
    await expect(take(b, 1)).rejects.toBeInstanceOf(CompactedError);
    expect(await b.closed).toBeInstanceOf(CompactedError);
    expect(failingHub.feedCount).toBe(0);
  });
});

/** A store watch that ends at once: with `err` as a watch of a compacted revision does, or quietly as one does when its store closes. */
function finishedWatch(err?: Error): ReturnType<Store['watch']> {
  return {
    cancel: async () => undefined,
    closed: Promise.resolve(err),
    async *[Symbol.asyncIterator]() {
      yield* [];
      if (err) throw err;
    },
  };
}
