/**
 * The informer's local, read-only copy of the objects it watches: a map by key plus named indexes
 * ("tasks by container instance", "services by task definition family") kept up to date on every
 * change, so controllers answer "which objects relate to this one" without asking the store.
 */

/** Computes the values an object is indexed under (an object may have several, or none). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/**
 * Freezes an object and everything reachable from it. Cached objects are shared by every handler
 * and worker of every controller reading this informer: one that edited an object in place would
 * change what all the others see without anything being written to the store, and would make the
 * cache disagree with the store until the next relist. Freezing turns that bug into an immediate
 * TypeError (ESM code is strict mode) at the line that does it. To change an object, copy it
 * (`structuredClone`) or use `client.mutate`, which re-reads and copies for you.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for-in, not Object.values: no array per object frozen (every cached version of every object).
    const record = value as Record<string, unknown>;
    for (const key in record) deepFreeze(record[key]);
  }
  return value;
}

/**
 * Makes `fresh` (a new version of `old`, not yet frozen) use old's own objects wherever they hold
 * the same data: a task's spec when only its status moved, its labels and owner references when
 * only its resourceVersion did. Each version a cache holds outlives several young-generation
 * collections and so lands in the old generation; without sharing, every status report left a
 * whole object there as garbage (~4 KB per task version, three versions per task placed: most of
 * the server's heap growth at 20,000 tasks). Returns whether all of fresh equals old.
 * A frozen `fresh` (cached elsewhere already) is left as it is.
 */
export function shareUnchanged(old: unknown, fresh: unknown): boolean {
  if (old === fresh) return true;
  if (typeof old !== 'object' || typeof fresh !== 'object' || old === null || fresh === null) return false;
  if (Array.isArray(old) !== Array.isArray(fresh)) return false;
  const target = fresh as Record<string, unknown>;
  const source = old as Record<string, unknown>;
  // for-in rather than Object.keys: this runs on every nested object of every version cached, and
  // two key arrays each were ~3 % of the server's allocations at 20,000 tasks. Objects here are
  // plain JSON data, so for-in sees exactly their own keys.
  let same = true;
  let freshKeys = 0;
  const writable = !Object.isFrozen(target);
  for (const key in target) {
    freshKeys++;
    const value = target[key];
    const before = source[key];
    if (typeof value === 'object' && value !== null) {
      if (shareUnchanged(before, value)) {
        if (writable) target[key] = before;
      } else same = false;
    } else if (value !== before || !(key in source)) same = false;
  }
  if (!same) return false;
  // Every key of fresh is old's with the same data: they are equal when old has no other.
  let oldKeys = 0;
  for (const _key in source) oldKeys++;
  return oldKeys === freshKeys;
}

/** A map of frozen objects with named secondary indexes. Mutated only by its informer. */
export class ObjectCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → indexed value → keys of the objects indexed under it */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  /** The cached object under `key`. */
  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  /** Every cached object, in no particular order. */
  list(): T[] {
    return [...this.objects.values()];
  }

  /** Every cached key. */
  keys(): string[] {
    return [...this.objects.keys()];
  }

  get size(): number {
    return this.objects.size;
  }

  /** Stores (a frozen) `obj` under `key`, replacing any previous object; returns the previous one. */
  set(key: string, obj: T): T | undefined {
    const old = this.objects.get(key);
    if (old !== undefined) shareUnchanged(old, obj);
    deepFreeze(obj);
    this.objects.set(key, obj);
    for (const [name, fn] of this.indexers) {
      if (old === undefined) {
        this.index(name, key, fn(obj));
        continue;
      }
      // Most updates (a status report) leave an object's index values as they were: touch the
      // index only when they moved.
      const before = fn(old);
      const after = fn(obj);
      if (sameValues(before, after)) continue;
      this.unindex(name, key, before);
      this.index(name, key, after);
    }
    return old;
  }

  /** Removes `key`; returns the object it held. */
  delete(key: string): T | undefined {
    const old = this.objects.get(key);
    if (old === undefined) return undefined;
    this.objects.delete(key);
    for (const [name, fn] of this.indexers) this.unindex(name, key, fn(old));
    return old;
  }

  /** Adds a named index and indexes every object already cached. Names are unique. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`index "${name}" already exists; give each index its own name`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.objects) this.index(name, key, fn(obj));
  }

  /** The objects indexed under `value` in index `name`. Throws for an index that was never added. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no index named "${name}"; add it with addIndex("${name}", fn) before using it`);
    const keys = index.get(value);
    const out: T[] = [];
    if (!keys) return out;
    for (const key of keys) {
      const obj = this.objects.get(key);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  private index(name: string, key: string, values: readonly string[]): void {
    const index = this.indices.get(name);
    if (!index) return;
    for (const value of values) {
      const keys = index.get(value);
      if (keys) keys.add(key);
      else index.set(value, new Set([key]));
    }
  }

  private unindex(name: string, key: string, values: readonly string[]): void {
    const index = this.indices.get(name);
    if (!index) return;
    for (const value of values) {
      const keys = index.get(value);
      keys?.delete(key);
      if (keys?.size === 0) index.delete(value);
    }
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
