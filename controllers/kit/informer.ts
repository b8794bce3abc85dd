/**
 * An informer keeps a local cache of one kind in step with the store and tells handlers about every
 * change: list once, then watch from the list's revision + 1. When the watch breaks, or its revision
 * was compacted away, it lists again and turns the difference between the cache and the new list
 * into the add / update / delete events that were missed. Every resync period it replays an update
 * for each cached object, so a controller that dropped a key (or whose world changed outside the
 * store, such as a clock) looks at everything again.
 */
import { rootLogger, type Logger } from '../../api/log.js';
import type { Cancel, Clock } from './clock.js';
import { ObjectCache, type IndexFunc } from './cache.js';
import { objectRefOf, requestKey, type KitObject } from './types.js';

/** A list at one revision. */
export interface ListResult<T> {
  items: T[];
  /** The store revision the list was read at: a watch from `revision + 1` misses nothing. */
  revision: number;
}

/** One change seen by a watch. A delete names the key only: the informer knows the object. */
export type WatchEvent<T> = { type: 'put'; object: T; revision: number } | { type: 'delete'; key: string; revision: number };

/**
 * Where an informer's objects come from. An adapter over the API client (or store) implements it;
 * `controllers/kit/testing.ts` has an in-memory one for tests.
 */
export interface ListWatch<T> {
  list(): Promise<ListResult<T>>;
  /**
   * Delivers every change with revision >= `fromRevision`, in revision order, until cancelled or
   * broken. `onError` is called at most once, when the watch breaks: with an error named
   * 'Compacted' (api/store's CompactedError) if `fromRevision` is no longer available.
   */
  watch(fromRevision: number, onEvents: (events: readonly WatchEvent<T>[]) => void, onError: (err: Error) => void): Cancel;
}

/** Called for each change. Objects are frozen: copy before changing. Handlers should only enqueue. */
export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  /** Also called with `oldObj === newObj` for every cached object on each resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
  /**
   * Called when a list succeeds after a list failed or the watch broke: the store is reachable
   * again, so work that failed for want of it may succeed now (WorkQueue.retryBackingOffNow).
   */
  onRecovered?(): void;
}

/** Options of `Informer`. */
export interface InformerOptions<T> {
  source: ListWatch<T>;
  clock: Clock;
  /** The cache key of an object; defaults to `requestKey(objectRefOf(obj))`, the controller queue's key. */
  keyOf?: (obj: T) => string;
  /** Replay every cached object as an update this often; 0 (default) disables resync. */
  resyncMs?: number;
  /** Delay before relisting after a failed list or broken watch: base ×2 up to max (default 100 ms, 30 s). */
  relistBackoff?: { baseMs: number; maxMs: number };
  log?: Logger;
}

/** True for api/store's CompactedError, recognised by its stable name. */
export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.name === 'Compacted';
}

/** A cache of one kind kept in step with a `ListWatch`, with change handlers and named indexes. */
export class Informer<T extends KitObject> {
  private readonly cache = new ObjectCache<T>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private readonly source: ListWatch<T>;
  private readonly clock: Clock;
  private readonly keyOf: (obj: T) => string;
  private readonly resyncMs: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly log: Logger;
  private revision = 0;
  /** The revision of the last list: the cache already holds every change up to it. */
  private listedRevision = 0;
  private synced = false;
  /** A list failed or the watch broke since the last good list: the next good one is a recovery. */
  private recovering = false;
  private syncWaiters: ((synced: boolean) => void)[] = [];
  private state: 'new' | 'running' | 'stopped' = 'new';
  /** Bumped on every relist and on stop: callbacks of an older list or watch are ignored. */
  private epoch = 0;
  private failures = 0;
  private watchStartedAt = 0;
  private cancelWatch: Cancel | undefined;
  private cancelRelist: Cancel | undefined;
  private cancelResync: Cancel | undefined;

  constructor({ source, clock, keyOf, resyncMs = 0, relistBackoff, log }: InformerOptions<T>) {
    this.source = source;
    this.clock = clock;
    this.keyOf = keyOf ?? ((obj) => requestKey(objectRefOf(obj)));
    this.resyncMs = resyncMs;
    this.backoff = relistBackoff ?? { baseMs: 100, maxMs: 30_000 };
    this.log = log ?? rootLogger.child({ component: 'informer' });
  }

  /** Starts listing and watching. Handlers and indexes may be added before or after. */
  start(): void {
    if (this.state !== 'new') throw new Error(`informer already ${this.state}; create a new one to start again`);
    this.state = 'running';
    void this.relist();
    this.scheduleResync();
  }

  /** Stops watching and timers; `waitForSync` callers still waiting get `false`. */
  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.epoch++;
    this.cancelWatch?.();
    this.cancelRelist?.();
    this.cancelResync?.();
    for (const resolve of this.syncWaiters.splice(0)) resolve(false);
  }

  /**
   * Registers handlers; returns a function that removes them. Handlers added after the first list
   * get `onAdd` for every object already cached, so they never miss one.
   */
  addEventHandler(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.cache.list()) this.call(handlers, 'onAdd', obj);
    return () => this.handlers.delete(handlers);
  }

  /** Adds a named index (see `byIndex`); objects already cached are indexed at once. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.cache.addIndex(name, fn);
  }

  /** The cached objects whose index `name` yields `value`. */
  byIndex(name: string, value: string): readonly T[] {
    return this.cache.byIndex(name, value);
  }

  /** The cached object under `key` (see `keyOf`). Frozen: never modify it. */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /** Every cached object. Frozen: never modify them. */
  list(): readonly T[] {
    return this.cache.list();
  }

  /** True once the first list has been loaded into the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves `true` once synced, or `false` if the informer stops (or `signal` aborts) first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.state === 'stopped' || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== settle);
        resolve(false);
      };
      const settle = (synced: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      };
      this.syncWaiters.push(settle);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The revision the cache reflects. */
  lastRevision(): number {
    return this.revision;
  }

  private async relist(): Promise<void> {
    const epoch = ++this.epoch;
    this.cancelWatch?.();
    this.cancelWatch = undefined;
    let listed: ListResult<T>;
    try {
      listed = await this.source.list();
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.log.warn({ err }, 'informer list failed; retrying with backoff');
      this.recovering = true;
      this.scheduleRelist();
      return;
    }
    if (epoch !== this.epoch) return;
    this.replace(listed.items);
    this.revision = listed.revision;
    this.listedRevision = listed.revision;
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve(true);
    }
    if (this.recovering) {
      this.recovering = false;
      for (const handlers of this.handlers) this.guarded('onRecovered', () => handlers.onRecovered?.());
    }
    this.watchStartedAt = this.clock.now();
    this.cancelWatch = this.source.watch(
      listed.revision + 1,
      (events) => {
        if (epoch === this.epoch) this.apply(events);
      },
      (err) => {
        if (epoch === this.epoch) this.onWatchError(err);
      },
    );
  }

  /** Loads a fresh list, emitting only what differs from the cache (the events the watch missed). */
  private replace(items: readonly T[]): void {
    const fresh = new Map(items.map((obj) => [this.keyOf(obj), obj] as const));
    for (const key of this.cache.keys()) {
      if (fresh.has(key)) continue;
      const old = this.cache.delete(key);
      if (old !== undefined) this.emit('onDelete', old);
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      if (old !== undefined && !changed(old, obj)) continue;
      this.cache.set(key, obj);
      if (old === undefined) this.emit('onAdd', obj);
      else this.emit('onUpdate', old, obj);
    }
  }

  private apply(events: readonly WatchEvent<T>[]): void {
    for (const event of events) {
      // A watch may replay the list's own revision; the cache already has it. Several events may
      // share one revision (one transaction writes many keys): every one of them is applied.
      if (event.revision <= this.listedRevision) continue;
      this.revision = Math.max(this.revision, event.revision);
      if (event.type === 'delete') {
        const old = this.cache.delete(event.key);
        if (old !== undefined) this.emit('onDelete', old);
        continue;
      }
      const old = this.cache.set(this.keyOf(event.object), event.object);
      if (old === undefined) this.emit('onAdd', event.object);
      else this.emit('onUpdate', old, event.object);
    }
    if (events.length > 0) this.failures = 0;
  }

  private onWatchError(err: Error): void {
    this.cancelWatch = undefined;
    const compacted = isCompactedError(err);
    // A compaction is history moving on, not the store going away.
    if (!compacted) this.recovering = true;
    // A watch that lived longer than the longest backoff was healthy: start the backoff afresh.
    if (this.clock.now() - this.watchStartedAt > this.backoff.maxMs) this.failures = 0;
    this.log.warn({ err, revision: this.revision }, compacted ? 'watch revision compacted; relisting' : 'watch broke; relisting');
    // The first relist after compaction is immediate: nothing is wrong, history just moved on.
    this.scheduleRelist(compacted && this.failures === 0 ? 0 : undefined);
  }

  private scheduleRelist(delayMs?: number): void {
    if (this.state !== 'running') return;
    const delay = delayMs ?? Math.min(this.backoff.baseMs * 2 ** this.failures, this.backoff.maxMs);
    this.failures++;
    this.cancelRelist?.();
    this.cancelRelist = this.clock.after(delay, () => {
      this.cancelRelist = undefined;
      void this.relist();
    });
  }

  private scheduleResync(): void {
    if (this.resyncMs <= 0 || this.state !== 'running') return;
    this.cancelResync = this.clock.after(this.resyncMs, () => {
      if (this.synced) for (const obj of this.cache.list()) this.emit('onUpdate', obj, obj);
      this.scheduleResync();
    });
  }

  private emit(event: 'onAdd' | 'onDelete', obj: T): void;
  private emit(event: 'onUpdate', oldObj: T, newObj: T): void;
  private emit(event: 'onAdd' | 'onUpdate' | 'onDelete', a: T, b?: T): void {
    for (const handlers of this.handlers) this.call(handlers, event, a, b);
  }

  /** One handler's failure must not stop the others, nor the informer. */
  private call(handlers: InformerHandlers<T>, event: 'onAdd' | 'onUpdate' | 'onDelete', a: T, b?: T): void {
    this.guarded(event, () => (event === 'onUpdate' ? handlers.onUpdate?.(a, b ?? a) : handlers[event]?.(a)));
  }

  private guarded(event: keyof InformerHandlers<T>, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.log.error({ err, event }, 'informer event handler threw; continuing');
    }
  }
}

/** Whether a relisted object differs from the cached one: by resourceVersion when both have one. */
function changed(old: KitObject, fresh: KitObject): boolean {
  const a = old.metadata.resourceVersion;
  const b = fresh.metadata.resourceVersion;
  if (a !== undefined && b !== undefined) return a !== b;
  return JSON.stringify(old) !== JSON.stringify(fresh);
}
