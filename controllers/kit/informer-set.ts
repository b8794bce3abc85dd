/**
 * One informer per kind, shared by every controller of a manager (as client-go's shared informer
 * factory), so ten controllers interested in Tasks hold one cache and one watch, not ten.
 * Controllers read it through `CacheReader`: reading the cache instead of the API is what lets a
 * reconcile over 20,000 tasks cost microseconds, not a list call.
 */
import type { Logger } from '../../api/log.js';
import type { BerthClient } from '../../api/client/types.js';
import type { Clock } from './clock.js';
import type { IndexFunc } from './cache.js';
import { clientListWatch } from './client-list-watch.js';
import { Informer } from './informer.js';
import { requestKey, type KindName, type ObjectOf, type ObjectRef } from './types.js';

/** Read-only access to the shared caches. Objects are frozen: copy before changing (structuredClone). */
export interface CacheReader {
  get<K extends KindName>(kind: K, ref: ObjectRef | { cluster: string; name: string }): ObjectOf<K> | undefined;
  list<K extends KindName>(kind: K): readonly ObjectOf<K>[];
  /** Objects whose index `index` produced `value` (indexes are added with `InformerSet.addIndex`). */
  byIndex<K extends KindName>(kind: K, index: string, value: string): readonly ObjectOf<K>[];
}

export interface InformerSetOptions {
  client: Pick<BerthClient, 'list' | 'watch'>;
  clock: Clock;
  log: Logger;
  resyncMs?: number;
}

export class InformerSet implements CacheReader {
  private readonly informers = new Map<KindName, Informer<ObjectOf<KindName>>>();

  constructor(private readonly options: InformerSetOptions) {}

  /** The informer of `kind`, created (not started) on first use. */
  informer<K extends KindName>(kind: K): Informer<ObjectOf<K>> {
    let informer = this.informers.get(kind);
    if (!informer) {
      informer = new Informer<ObjectOf<KindName>>({
        source: clientListWatch(this.options.client, kind),
        clock: this.options.clock,
        resyncMs: this.options.resyncMs,
        log: this.options.log.child({ informer: kind }),
      });
      this.informers.set(kind, informer);
    }
    // Each kind's informer only ever holds objects of that kind; the map cannot say so per key.
    return informer as unknown as Informer<ObjectOf<K>>;
  }

  /** The kinds that have an informer. */
  kinds(): KindName[] {
    return [...this.informers.keys()];
  }

  addIndex<K extends KindName>(kind: K, name: string, fn: IndexFunc<ObjectOf<K>>): void {
    this.informer(kind).addIndex(name, fn);
  }

  start(): void {
    for (const informer of this.informers.values()) informer.start();
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  synced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  get<K extends KindName>(kind: K, ref: ObjectRef | { cluster: string; name: string }): ObjectOf<K> | undefined {
    return this.informer(kind).get(requestKey({ kind, cluster: ref.cluster, name: ref.name }));
  }

  list<K extends KindName>(kind: K): readonly ObjectOf<K>[] {
    return this.informer(kind).list();
  }

  byIndex<K extends KindName>(kind: K, index: string, value: string): readonly ObjectOf<K>[] {
    return this.informer(kind).byIndex(index, value);
  }
}

/** A controller read a kind from `ctx.cache` that it never declared, so no informer is kept for it. */
export class CacheKindNotWatchedError extends Error {
  override readonly name = 'CacheKindNotWatchedError';
  readonly retriable = false;

  constructor(
    readonly controller: string,
    readonly kind: KindName,
  ) {
    super(
      `controller ${controller} read ${kind} from ctx.cache, but its definition does not name ${kind}, so the manager keeps no cache of it; ` +
        `add reads: ['${kind}'] to the definition (or watch it: watches: [{ kind: '${kind}', map }])`,
    );
  }
}

/**
 * The cache as one controller may read it: only the kinds it declared. Without this a read of an
 * undeclared kind would find an empty cache (or one another controller happens to keep) and a
 * reconcile would act on "nothing exists".
 */
export function scopedCache(cache: CacheReader, controller: string, kinds: readonly KindName[]): CacheReader {
  const allowed = new Set(kinds);
  const check = (kind: KindName) => {
    if (!allowed.has(kind)) throw new CacheKindNotWatchedError(controller, kind);
  };
  return {
    get: (kind, ref) => (check(kind), cache.get(kind, ref)),
    list: (kind) => (check(kind), cache.list(kind)),
    byIndex: (kind, index, value) => (check(kind), cache.byIndex(kind, index, value)),
  };
}

const NO_CACHE = 'this controller runs without informers: run it under a Manager, or pass `cache` to runController';
/** For controllers run without a manager (unit tests): any cache read is a clear error. */
export const noCache: CacheReader = {
  get: () => {
    throw new Error(NO_CACHE);
  },
  list: () => {
    throw new Error(NO_CACHE);
  },
  byIndex: () => {
    throw new Error(NO_CACHE);
  },
};
