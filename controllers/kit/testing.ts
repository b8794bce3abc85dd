/**
 * Test doubles for controller authors: an in-memory `ListWatch` with a revision log, so informer
 * and controller tests can add, change and delete objects, pause a watch, compact history and
 * break watches, all without a store. (The `FakeClock` lives in clock.ts.)
 *
 * This is not a store: for code that writes, test against the real one (see DESIGN.md).
 */
import { CompactedError } from '../../api/store/errors.js';
import type { Cancel } from './clock.js';
import type { ListResult, ListWatch, WatchEvent } from './informer.js';
import { objectRefOf, requestKey, type KitObject } from './types.js';

interface Watcher<T> {
  /** The next revision this watcher has not been sent yet. */
  next: number;
  onEvents: (events: readonly WatchEvent<T>[]) => void;
  onError: (err: Error) => void;
}

/**
 * An in-memory source of objects with etcd-like revisions: every `put` or `delete` is the next
 * revision, `put` stamps `metadata.resourceVersion`, and watches replay history from a revision.
 */
export class InMemoryListWatch<T extends KitObject> implements ListWatch<T> {
  private readonly objects = new Map<string, T>();
  private history: WatchEvent<T>[] = [];
  private readonly watchers = new Set<Watcher<T>>();
  private revision = 1;
  private compactedThrough = 0;
  private paused = false;
  private listFailures: Error[] = [];
  /** How many times `list` / `watch` were called (to assert relists). */
  listCalls = 0;
  watchCalls = 0;

  constructor(private readonly keyOf: (obj: T) => string = (obj) => requestKey(objectRefOf(obj))) {}

  /** Creates or replaces an object at the next revision; returns the stored copy. */
  put(obj: T): T {
    const revision = ++this.revision;
    const stored: T = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(revision) } };
    this.objects.set(this.keyOf(stored), stored);
    this.record({ type: 'put', object: stored, revision });
    return stored;
  }

  /** Creates or replaces several objects at ONE revision, as a store transaction writing many keys does. */
  putAll(objs: readonly T[]): T[] {
    const revision = ++this.revision;
    const stored = objs.map((obj): T => ({ ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(revision) } }));
    for (const obj of stored) this.objects.set(this.keyOf(obj), obj);
    this.history.push(...stored.map((object) => ({ type: 'put' as const, object, revision })));
    for (const w of [...this.watchers]) this.catchUp(w);
    return stored;
  }

  /** Deletes the object under `key` (a no-op, and no revision, when absent). */
  delete(key: string): void {
    if (!this.objects.delete(key)) return;
    this.record({ type: 'delete', key, revision: ++this.revision });
  }

  /** The current revision (the last write's). */
  currentRevision(): number {
    return this.revision;
  }

  /** Makes the next `list` calls reject with these errors, one each. */
  failNextLists(...errors: Error[]): void {
    this.listFailures.push(...errors);
  }

  /** Stops delivering events (they stay in history), like a slow or stalled watch stream. */
  pauseWatches(): void {
    this.paused = true;
  }

  /** Delivers everything held back by `pauseWatches` and resumes live delivery. */
  resumeWatches(): void {
    this.paused = false;
    for (const w of [...this.watchers]) this.catchUp(w);
  }

  /**
   * Forgets history up to and including `revision` (default: the current one). A watcher that has
   * not yet been sent an event in that range fails with a CompactedError, as etcd's would.
   */
  compact(revision = this.revision): void {
    this.compactedThrough = Math.max(this.compactedThrough, revision);
    this.history = this.history.filter((e) => e.revision > this.compactedThrough);
    for (const w of [...this.watchers]) {
      if (w.next <= this.compactedThrough && this.hasUnsent(w)) this.fail(w, new CompactedError(w.next, this.compactedThrough + 1));
    }
  }

  /** Ends every open watch with `err` (a dropped connection, by default). */
  breakWatches(err: Error = new Error('watch stream reset by peer')): void {
    for (const w of [...this.watchers]) this.fail(w, err);
  }

  /** How many watches are open. */
  openWatches(): number {
    return this.watchers.size;
  }

  async list(): Promise<ListResult<T>> {
    this.listCalls++;
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    // Copies, because informers freeze what they are given and tests keep using their objects.
    return { items: [...this.objects.values()].map((o) => structuredClone(o)), revision: this.revision };
  }

  watch(fromRevision: number, onEvents: (events: readonly WatchEvent<T>[]) => void, onError: (err: Error) => void): Cancel {
    this.watchCalls++;
    const watcher: Watcher<T> = { next: fromRevision, onEvents, onError };
    if (fromRevision <= this.compactedThrough) {
      const err = new CompactedError(fromRevision, this.compactedThrough + 1);
      queueMicrotask(() => onError(err));
      return () => {};
    }
    this.watchers.add(watcher);
    this.catchUp(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  private record(event: WatchEvent<T>): void {
    this.history.push(event);
    for (const w of [...this.watchers]) this.catchUp(w);
  }

  private hasUnsent(w: Watcher<T>): boolean {
    return this.revision >= w.next;
  }

  private catchUp(w: Watcher<T>): void {
    if (this.paused || !this.watchers.has(w)) return;
    const events = this.history.filter((e) => e.revision >= w.next).map((e) => (e.type === 'put' ? { ...e, object: structuredClone(e.object) } : e));
    if (events.length === 0) return;
    w.next = this.revision + 1;
    w.onEvents(events);
  }

  private fail(w: Watcher<T>, err: Error): void {
    this.watchers.delete(w);
    w.onError(err);
  }
}
