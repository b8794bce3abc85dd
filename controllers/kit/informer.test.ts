import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import { Informer, isCompactedError } from './informer.js';
import { InMemoryListWatch } from './testing.js';
import { objectRefOf, requestKey, type KitObject } from './types.js';

type TaskLike = KitObject & { spec: { instance: string; image: string } };

const task = (name: string, instance = 'i-1', image = 'busybox:1'): TaskLike => ({
  kind: 'Task',
  metadata: { name, cluster: 'default' },
  spec: { instance, image },
});
const keyOf = (name: string) => requestKey({ kind: 'Task', cluster: 'default', name });

/** A started informer over a source pre-loaded with `initial`, recording handler calls as strings. */
async function setup(initial: TaskLike[] = [], opts: { resyncMs?: number } = {}) {
  const clock = new FakeClock(0);
  const source = new InMemoryListWatch<TaskLike>();
  for (const t of initial) source.put(t);
  const informer = new Informer<TaskLike>({ source, clock, ...opts });
  const events: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => events.push(`add ${o.metadata.name}`),
    onUpdate: (a, b) => events.push(a === b ? `resync ${b.metadata.name}` : `update ${b.metadata.name} ${a.spec.image}->${b.spec.image}`),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
    onRecovered: () => events.push('recovered'),
  });
  informer.start();
  await expect(informer.waitForSync()).resolves.toBe(true);
  return { clock, source, informer, events };
}

describe('Informer list and watch', () => {
  it('lists, then applies watched puts and deletes to the cache and handlers', async () => {
    const { source, informer, events } = await setup([task('a'), task('b')]);
    expect(events.sort()).toEqual(['add a', 'add b']);
    events.length = 0;

    source.put(task('c'));
    source.put(task('a', 'i-1', 'busybox:2'));
    source.delete(keyOf('b'));
    expect(events).toEqual(['add c', 'update a busybox:1->busybox:2', 'delete b']);
    expect(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(informer.get(keyOf('a'))?.spec.image).toBe('busybox:2');
    expect(informer.lastRevision()).toBe(source.currentRevision());
  });

  it('applies every event of a revision that wrote many objects (one transaction), not just the first', async () => {
    const { source, informer, events } = await setup([task('a')]);
    events.length = 0;
    source.putAll([task('b'), task('c'), task('a', 'i-1', 'busybox:2')]);
    source.putAll([task('d'), task('e')]);
    expect(events).toEqual(['add b', 'add c', 'update a busybox:1->busybox:2', 'add d', 'add e']);
    expect(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(informer.lastRevision()).toBe(source.currentRevision());
  });

  it('is not synced until the first list is in, and replays the cache to late handlers', async () => {
    const clock = new FakeClock(0);
    const source = new InMemoryListWatch<TaskLike>();
    source.put(task('a'));
    const informer = new Informer<TaskLike>({ source, clock });
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o) => late.push(o.metadata.name) });
    expect(late).toEqual(['a']);
  });

  it('keeps calling other handlers when one throws', async () => {
    const { source, informer, events } = await setup();
    informer.addEventHandler({
      onAdd: () => {
        throw new Error('handler bug');
      },
    });
    source.put(task('x'));
    expect(events).toEqual(['add x']);
    expect(informer.get(keyOf('x'))).toBeDefined();
  });

  it('stops delivering after stop, and waitForSync on a stopped informer resolves false', async () => {
    const { source, informer, events } = await setup([task('a')]);
    informer.stop();
    expect(source.openWatches()).toBe(0);
    source.put(task('b'));
    expect(events).toEqual(['add a']);

    const neverListed = new Informer<TaskLike>({ source: new InMemoryListWatch<TaskLike>(), clock: new FakeClock(0) });
    neverListed.stop();
    await expect(neverListed.waitForSync()).resolves.toBe(false);
  });
});

describe('Informer indexes', () => {
  it('looks objects up by index and follows moves, adds and deletes', async () => {
    const { source, informer } = await setup([task('a', 'i-1'), task('b', 'i-1'), task('c', 'i-2')]);
    // Added after the cache is full: existing objects are indexed at once.
    informer.addIndex('instance', (o) => [o.spec.instance]);
    const names = (instance: string) =>
      informer
        .byIndex('instance', instance)
        .map((o) => o.metadata.name)
        .sort();
    expect(names('i-1')).toEqual(['a', 'b']);
    expect(names('i-2')).toEqual(['c']);

    source.put(task('a', 'i-2'));
    source.delete(keyOf('b'));
    source.put(task('d', 'i-3'));
    expect(names('i-1')).toEqual([]);
    expect(names('i-2')).toEqual(['a', 'c']);
    expect(names('i-3')).toEqual(['d']);
  });

  it.each([
    { name: 'an unknown index', act: (i: Informer<TaskLike>) => i.byIndex('nope', 'x'), message: /no index named "nope"/ },
    { name: 'a duplicate index', act: (i: Informer<TaskLike>) => i.addIndex('instance', () => []), message: /already exists/ },
  ])('rejects $name', async ({ act, message }) => {
    const { informer } = await setup();
    informer.addIndex('instance', (o) => [o.spec.instance]);
    expect(() => act(informer)).toThrow(message);
  });
});

describe('Informer relist', () => {
  it('relists at once after compaction and emits exactly the missed changes', async () => {
    const { clock, source, informer, events } = await setup([task('a'), task('b'), task('c')]);
    events.length = 0;
    source.pauseWatches(); // the watch falls behind...
    source.put(task('d'));
    source.put(task('a', 'i-1', 'busybox:2'));
    source.delete(keyOf('b'));
    source.compact(); // ...and its next revision is compacted away
    await flushPromises();
    expect(source.listCalls).toBe(1);

    await clock.advanceAsync(0);
    expect(source.listCalls).toBe(2);
    // Nothing for c; and no recovery: a compaction is history moving on, not the store coming back.
    expect(events.sort()).toEqual(['add d', 'delete b', 'update a busybox:1->busybox:2']);
    expect(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c', 'd']);

    // And the new watch is live.
    source.resumeWatches();
    events.length = 0;
    source.put(task('e'));
    expect(events).toEqual(['add e']);
  });

  it('relists with growing backoff when the watch breaks or the list fails, and reports the recovery once', async () => {
    const { clock, source, informer, events } = await setup([task('a')]);
    events.length = 0;
    source.failNextLists(new Error('store unavailable'));
    source.breakWatches();
    source.put(task('b')); // missed by the broken watch

    await clock.advanceAsync(99);
    expect(source.listCalls).toBe(1);
    await clock.advanceAsync(1); // 100 ms: first relist, which fails
    expect(source.listCalls).toBe(2);
    await clock.advanceAsync(199);
    expect(source.listCalls).toBe(2);
    await clock.advanceAsync(1); // 200 ms later: second relist succeeds
    expect(source.listCalls).toBe(3);
    expect(events).toEqual(['add b', 'recovered']);
    expect(informer.get(keyOf('b'))).toBeDefined();
    expect(source.openWatches()).toBe(1);
  });

  it('recognises a compaction error by name', () => {
    const compacted = Object.assign(new Error('gone'), { name: 'Compacted' });
    expect([compacted, new Error('other'), 'Compacted'].map(isCompactedError)).toEqual([true, false, false]);
  });
});

describe('Informer resync', () => {
  it('replays every cached object as an update each period', async () => {
    const { clock, events } = await setup([task('a'), task('b')], { resyncMs: 1_000 });
    events.length = 0;
    await clock.advanceAsync(999);
    expect(events).toEqual([]);
    await clock.advanceAsync(1);
    expect(events.sort()).toEqual(['resync a', 'resync b']);
    await clock.advanceAsync(1_000);
    expect(events).toHaveLength(4);
  });
});

describe('Informer cache immutability', () => {
  it.each([
    { name: 'a metadata field', mutate: (o: TaskLike) => Object.assign(o.metadata, { name: 'evil' }) },
    { name: 'a nested spec field', mutate: (o: TaskLike) => Object.assign(o.spec, { image: 'evil' }) },
    { name: 'a new top-level field', mutate: (o: TaskLike) => Object.assign(o, { extra: 1 }) },
  ])('rejects changing $name of a cached object', async ({ mutate }) => {
    const { informer } = await setup([task('a')]);
    const cached = informer.get(keyOf('a'));
    if (!cached) throw new Error('a should be cached');
    expect(() => mutate(cached)).toThrow(TypeError);
    expect(informer.get(keyOf('a'))).toEqual(expect.objectContaining({ metadata: expect.objectContaining({ name: 'a' }), spec: task('a').spec }));
  });

  it('keys objects the way the controller queue does', async () => {
    const { informer } = await setup([task('a')]);
    expect(informer.get(requestKey(objectRefOf(task('a'))))?.metadata.name).toBe('a');
  });
});
