/**
 * Watching objects of one kind: store events decoded into Kubernetes-style ADDED / MODIFIED /
 * DELETED events. A DELETED event carries the object as it was last stored (its previous value),
 * with resourceVersion set to the revision of the deletion, so a cache can drop exactly that object.
 */
import { kindPrefix, parseObjectKey, type KindName, type ObjectRef } from '../keys.js';
import type { Store, Watch, WatchEvent } from '../store/types.js';
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
  const watch: Watch = store.watch(kindPrefix(kind, options.cluster), { fromRevision: options.fromRevision, prevValues: true });
  const toResourceEvent = (event: WatchEvent): ResourceEvent<K> | undefined => {
    const ref = parseObjectKey(event.kv.key);
    if (!ref || ref.kind !== kind) return undefined;
    const resourceVersion = String(event.kv.modRevision);
    if (event.type === 'delete') {
      const object = event.prev ? decodeObject(kind, event.prev) : undefined;
      if (object) object.metadata.resourceVersion = resourceVersion;
      return { type: 'DELETED', ref, object, resourceVersion };
    }
    const object = decodeObject(kind, event.kv);
    return { type: event.kv.createRevision === event.kv.modRevision ? 'ADDED' : 'MODIFIED', ref, object, resourceVersion };
  };
  const selected = (e: ResourceEvent<K>) => !selector || (e.object !== undefined && matchesLabels(selector, e.object.metadata.labels));
  return {
    cancel: () => watch.cancel(),
    closed: watch.closed,
    async *[Symbol.asyncIterator]() {
      for await (const batch of watch) {
        const events = batch.events.map(toResourceEvent).filter((e): e is ResourceEvent<K> => e !== undefined && selected(e));
        if (events.length > 0) yield events;
      }
    },
  };
}
