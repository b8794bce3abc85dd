/**
 * Watching objects of one kind: store events decoded into Kubernetes-style ADDED / MODIFIED /
 * DELETED events. A DELETED event carries the object as it was last stored (its previous value),
 * with resourceVersion set to the revision of the deletion, so a cache can drop exactly that object.
 *
 * The store watch does not ask for previous values: etcd then reads the previous value of EVERY
 * event from its backend, and at 20,000 tasks that was most of etcd's CPU (it sat at 150 % and fell
 * behind its watchers). Only a deletion needs it, so a deletion reads it (the key at the revision
 * before the deletion), which is rare next to the puts.
 */
import { kindPrefix, parseObjectKey, type KindName, type ObjectRef } from '../../keys.js';
import { CompactedError } from '../../store/errors.js';
import type { KeyValue, Store, Watch, WatchEvent } from '../../store/types.js';
import { decodeObject, type ObjectOf } from './codec.js';
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.js';

export type ResourceEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ResourceEvent<K extends KindName> {
  type: ResourceEventType;
  ref: ObjectRef;
  /** Absent only for a DELETED event whose previous value was already compacted away. */
  object?: ObjectOf<K>;
  /** The revision of this change. */
  resourceVersion: string;
  /** `object` as stored (JSON without metadata.resourceVersion), for writers that send it on (codec.ts apiJsonOf). */
  stored?: string;
}

export interface ResourceWatchOptions {
  cluster?: string;
  /** Deliver changes from this revision on (inclusive); absent: only changes after the watch starts. */
  fromRevision?: number;
  labelSelector?: string | LabelSelector;
}

export interface ResourceWatch<K extends KindName> extends AsyncIterable<ResourceEvent<K>[]> {
  cancel(): Promise<void>;
  readonly closed: Promise<Error | undefined>;
}

export function watchKind<K extends KindName>(store: Store, kind: K, options: ResourceWatchOptions = {}): ResourceWatch<K> {
  const selector = typeof options.labelSelector === 'string' ? parseLabelSelector(options.labelSelector) : options.labelSelector;
  const watch: Watch = store.watch(kindPrefix(kind, options.cluster), { fromRevision: options.fromRevision, prevValues: false });
  // A put is decoded as it comes (the hot path); a deletion reads the value it removed.
  const putEvent = (event: WatchEvent, ref: ObjectRef): ResourceEvent<K> => ({
    type: event.kv.createRevision === event.kv.modRevision ? 'ADDED' : 'MODIFIED',
    ref,
    object: decodeObject(kind, event.kv),
    resourceVersion: String(event.kv.modRevision),
    stored: event.kv.value,
  });
  const deleteEvent = async (event: WatchEvent, ref: ObjectRef): Promise<ResourceEvent<K>> => {
    const resourceVersion = String(event.kv.modRevision);
    const prev = event.prev ?? (await valueBefore(store, event.kv.key, event.kv.modRevision));
    const object = prev ? decodeObject(kind, prev) : undefined;
    if (object) object.metadata.resourceVersion = resourceVersion;
    return { type: 'DELETED', ref, object, resourceVersion, ...(prev ? { stored: prev.value } : {}) };
  };
  const selected = (e: ResourceEvent<K>) => !selector || (e.object !== undefined && matchesLabels(selector, e.object.metadata.labels));
  return {
    cancel: () => watch.cancel(),
    closed: watch.closed,
    async *[Symbol.asyncIterator]() {
      for await (const batch of watch) {
        const events: ResourceEvent<K>[] = [];
        for (const event of batch.events) {
          const ref = parseObjectKey(event.kv.key);
          if (!ref || ref.kind !== kind) continue;
          const e = event.type === 'put' ? putEvent(event, ref) : await deleteEvent(event, ref);
          if (selected(e)) events.push(e);
        }
        if (events.length > 0) yield events;
      }
    },
  };
}

/** The value `key` had just before `revision` (a deletion's), or undefined when compacted away. */
async function valueBefore(store: Store, key: string, revision: number): Promise<KeyValue | undefined> {
  try {
    // A range from the key itself: if the key existed at that revision it sorts first.
    const page = await store.range(key, { revision: revision - 1, limit: 1 });
    const kv = page.items[0];
    return kv?.key === key ? kv : undefined;
  } catch (err) {
    if (err instanceof CompactedError) return undefined;
    throw err;
  }
}
