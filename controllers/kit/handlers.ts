/**
 * Event → request mapping (controller-runtime's "handler"): which of a controller's objects need a
 * look when an object of some kind changes. The manager hangs these on each kind's informer; the
 * functions are pure, so a controller's wiring can be tested without running anything.
 */
import type { ControllerDefinition } from './controller.js';
import type { InformerHandlers } from './informer.js';
import { objectRefOf, requestKey, type KindName, type KitObject, type ObjectRef } from './types.js';

/** An update: the object before and after. */
export interface Update {
  readonly oldObj: KitObject;
  readonly newObj: KitObject;
}

/**
 * The requests a change to `obj` produces for `definition`: the object itself for the `for` kind;
 * for an owned kind, its controller owner of the `for` kind; for a watched kind, what `map` returns
 * (for an `update` only when the watch's `changed` lets it through).
 * De-duplicated; empty when the controller does not care about this kind.
 */
export function requestsFor(definition: ControllerDefinition, obj: KitObject, update?: Update): ObjectRef[] {
  // Called for every event of every watched kind, for every controller: most produce one request
  // or none, so refs collect in a plain array and only two or more are de-duplicated.
  const refs: ObjectRef[] = [];
  if (obj.kind === definition.for && (definition.forWhen === undefined || definition.forWhen(obj))) refs.push(objectRefOf(obj));
  if (definition.owns.includes(obj.kind)) {
    for (const owner of obj.metadata.ownerReferences ?? []) {
      // Only the controlling owner: other owners (e.g. garbage-collection links) are not ours to act on.
      if (owner.controller !== true || owner.kind !== definition.for) continue;
      const cluster = definition.for === 'Cluster' ? owner.name : objectRefOf(obj).cluster;
      refs.push({ kind: definition.for, cluster, name: owner.name });
    }
  }
  for (const watch of definition.watches) {
    if (watch.kind !== obj.kind) continue;
    if (update !== undefined && watch.changed !== undefined && !watch.changed(update.oldObj, update.newObj)) continue;
    refs.push(...watch.map(obj));
  }
  if (refs.length < 2) return refs;
  return [...new Map(refs.map((ref) => [requestKey(ref), ref])).values()];
}

/** The kinds a controller needs informers for: its own, the ones it owns and the ones it watches. */
export function kindsOf(definition: ControllerDefinition): KindName[] {
  return [...new Set<KindName>([definition.for, ...definition.owns, ...definition.watches.map((w) => w.kind)])];
}

/**
 * Informer handlers that enqueue `requestsFor` each change. On an update both the old and the new
 * object are mapped, so a task that changed owner wakes both services.
 */
export function enqueueHandlers(definition: ControllerDefinition, enqueue: (ref: ObjectRef) => void): InformerHandlers<KitObject> {
  const enqueueFor = (obj: KitObject, update?: Update) => {
    for (const ref of requestsFor(definition, obj, update)) enqueue(ref);
  };
  return {
    onAdd: (obj) => enqueueFor(obj),
    onUpdate: (oldObj, newObj) => {
      const update = { oldObj, newObj };
      if (oldObj !== newObj) enqueueFor(oldObj, update);
      enqueueFor(newObj, update);
    },
    onDelete: (obj) => enqueueFor(obj),
  };
}
