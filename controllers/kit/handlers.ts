/**
 * Event → request mapping (controller-runtime's "handler"): which of a controller's objects need a
 * look when an object of some kind changes. The manager hangs these on each kind's informer; the
 * functions are pure, so a controller's wiring can be tested without running anything.
 */
import type { ControllerDefinition } from './controller.js';
import type { InformerHandlers } from './informer.js';
import { objectRefOf, requestKey, type KindName, type KitObject, type ObjectRef } from './types.js';

/**
 * The requests a change to `obj` (an add or a delete) produces for `definition`: the object itself
 * for the `for` kind (when `forWhen` holds); for an owned kind, its controller owner of the `for`
 * kind; for a watched kind, what `map` returns. De-duplicated; empty when the controller does not
 * care about this kind.
 */
export function requestsFor(definition: ControllerDefinition, obj: KitObject): ObjectRef[] {
  // Called for every event of every watched kind, for every controller: most produce one request
  // or none, so refs collect in a plain array and only two or more are de-duplicated.
  const refs: ObjectRef[] = [];
  addOwnRequests(definition, obj, refs);
  const { watches } = definition;
  for (let i = 0; i < watches.length; i++) {
    const watch = watches[i];
    if (watch !== undefined && watch.kind === obj.kind) pushAll(refs, watch.map(obj));
  }
  return distinct(refs);
}

/**
 * The requests an update produces: both the old and the new object are mapped, so a task that
 * changed owner wakes both services; a watch whose `changed` says the update does not matter maps
 * neither (asked once per update, whichever side is mapped).
 */
export function requestsForUpdate(definition: ControllerDefinition, oldObj: KitObject, newObj: KitObject): ObjectRef[] {
  const refs: ObjectRef[] = [];
  const both = oldObj !== newObj;
  // `forChanged` says whether an update of a `for` object matters; it does not filter owned kinds.
  const self = newObj.kind !== definition.for || definition.forChanged === undefined || definition.forChanged(oldObj, newObj);
  if (both) addOwnRequests(definition, oldObj, refs, self);
  addOwnRequests(definition, newObj, refs, self);
  const { watches } = definition;
  // Indexed loops here and in pushAll: iterators showed as allocations in this per-event path.
  for (let i = 0; i < watches.length; i++) {
    const watch = watches[i];
    if (watch === undefined || watch.kind !== newObj.kind || (watch.changed !== undefined && !watch.changed(oldObj, newObj))) continue;
    if (both) pushAll(refs, watch.map(oldObj));
    pushAll(refs, watch.map(newObj));
  }
  return distinct(refs);
}

/** The object itself (for the `for` kind) and its controlling owner (for an owned kind). */
function addOwnRequests(definition: ControllerDefinition, obj: KitObject, refs: ObjectRef[], self = true): void {
  if (self && obj.kind === definition.for && (definition.forWhen === undefined || definition.forWhen(obj))) refs.push(objectRefOf(obj));
  if (!definition.owns.includes(obj.kind)) return;
  const owners = obj.metadata.ownerReferences ?? [];
  for (let i = 0; i < owners.length; i++) {
    const owner = owners[i];
    if (owner === undefined) continue;
    // Only the controlling owner: other owners (e.g. garbage-collection links) are not ours to act on.
    if (owner.controller !== true || owner.kind !== definition.for) continue;
    const cluster = definition.for === 'Cluster' ? owner.name : objectRefOf(obj).cluster;
    refs.push({ kind: definition.for, cluster, name: owner.name });
  }
}

// Both run for every event of every watched kind, for every controller (an update maps its old and
// new object, mostly to the same request): no spread or Map per event, which were ~4 % of the
// server's allocations at 20,000 tasks.
function pushAll(refs: ObjectRef[], more: readonly ObjectRef[]): void {
  for (let i = 0; i < more.length; i++) {
    const ref = more[i];
    if (ref !== undefined) refs.push(ref);
  }
}

function distinct(refs: ObjectRef[]): ObjectRef[] {
  if (refs.length < 2) return refs;
  const [first, second] = refs;
  if (refs.length === 2 && first && second) return sameRef(first, second) ? [first] : refs;
  return [...new Map(refs.map((ref) => [requestKey(ref), ref])).values()];
}

const sameRef = (a: ObjectRef, b: ObjectRef): boolean => a.kind === b.kind && a.cluster === b.cluster && a.name === b.name;

/** The kinds a controller's changes come from: its own, the ones it owns and the ones it watches. */
export function kindsOf(definition: ControllerDefinition): KindName[] {
  return [...new Set<KindName>([definition.for, ...definition.owns, ...definition.watches.map((w) => w.kind)])];
}

/** The kinds a controller may read from the cache: those it gets changes from, its `reads` and its indexes' kinds. */
export function cachedKindsOf(definition: ControllerDefinition): KindName[] {
  return [...new Set<KindName>([...kindsOf(definition), ...definition.reads, ...definition.indexes.map((i) => i.kind)])];
}

/** Informer handlers that enqueue the requests of each change (requestsFor, requestsForUpdate). */
export function enqueueHandlers(definition: ControllerDefinition, enqueue: (ref: ObjectRef) => void): InformerHandlers<KitObject> {
  const enqueueAll = (refs: readonly ObjectRef[]) => {
    for (const ref of refs) enqueue(ref);
  };
  return {
    onAdd: (obj) => enqueueAll(requestsFor(definition, obj)),
    onUpdate: (oldObj, newObj) => enqueueAll(requestsForUpdate(definition, oldObj, newObj)),
    onDelete: (obj) => enqueueAll(requestsFor(definition, obj)),
  };
}
