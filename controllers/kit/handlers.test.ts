import { describe, expect, it } from 'vitest';
import { defineController } from './controller.js';
import { enqueueHandlers, kindsOf, requestsFor } from './handlers.js';
import { done } from './result.js';
import type { KitObject, ObjectRef } from './types.js';

const serviceController = defineController({
  name: 'service',
  for: 'Service',
  owns: ['Task'],
  watches: [
    {
      kind: 'ContainerInstance',
      // e.g. an instance going DRAINING wakes the services named in its annotation
      map: (obj) => [{ kind: 'Service', cluster: obj.metadata.cluster ?? 'default', name: 'from-instance' }],
    },
  ],
  reconcile: () => done(),
});

const owned = (kind: KitObject['kind'], owners: { kind: string; name: string; controller?: boolean }[]): KitObject => ({
  kind,
  metadata: { name: 'obj', cluster: 'prod', ownerReferences: owners },
});
const svc = (name: string, cluster = 'prod'): ObjectRef => ({ kind: 'Service', cluster, name });

describe('requestsFor', () => {
  it.each([
    { name: 'the for kind maps to itself', obj: owned('Service', []), expected: [svc('obj')] },
    { name: 'an owned object maps to its controlling owner', obj: owned('Task', [{ kind: 'Service', name: 'web', controller: true }]), expected: [svc('web')] },
    { name: 'a non-controlling owner is ignored', obj: owned('Task', [{ kind: 'Service', name: 'web' }]), expected: [] },
    { name: 'an owner of another kind is ignored', obj: owned('Task', [{ kind: 'Cluster', name: 'prod', controller: true }]), expected: [] },
    { name: 'a watched kind uses its map', obj: owned('ContainerInstance', []), expected: [svc('from-instance')] },
    { name: 'an unrelated kind maps to nothing', obj: owned('TaskDefinition', []), expected: [] },
  ])('$name', ({ obj, expected }) => {
    expect(requestsFor(serviceController, obj)).toEqual(expected);
  });

  it('lists every kind the controller needs informers for', () => {
    expect(kindsOf(serviceController).sort()).toEqual(['ContainerInstance', 'Service', 'Task']);
  });
});

describe('enqueueHandlers', () => {
  it('enqueues the owners of both the old and the new object on update', () => {
    const enqueued: string[] = [];
    const handlers = enqueueHandlers(serviceController, (ref) => enqueued.push(ref.name));
    const before = owned('Task', [{ kind: 'Service', name: 'old', controller: true }]);
    const after = owned('Task', [{ kind: 'Service', name: 'new', controller: true }]);
    handlers.onUpdate?.(before, after);
    handlers.onUpdate?.(after, after); // a resync
    handlers.onDelete?.(after);
    expect(enqueued).toEqual(['old', 'new', 'new', 'new']);
  });
});

describe('a watch with an update predicate (changed)', () => {
  const at = (version: string): KitObject => ({ kind: 'ContainerInstance', metadata: { name: 'i1', cluster: 'prod', resourceVersion: version } });
  const seen: { oldObj: KitObject; newObj: KitObject }[] = [];
  const versionWatcher = defineController({
    name: 'version-watcher',
    for: 'Service',
    watches: [
      {
        kind: 'ContainerInstance',
        map: (obj) => [svc(`for-${obj.metadata.resourceVersion ?? '?'}`)],
        changed: (oldObj, newObj) => {
          seen.push({ oldObj, newObj });
          return oldObj.metadata.resourceVersion !== newObj.metadata.resourceVersion;
        },
      },
    ],
    reconcile: () => done(),
  });

  it('maps an update, both sides, only when changed says so (asked once); adds and deletes always', () => {
    const enqueued: string[] = [];
    const handlers = enqueueHandlers(versionWatcher, (ref) => enqueued.push(ref.name));
    handlers.onAdd?.(at('1'));
    handlers.onUpdate?.(at('1'), at('1')); // a resync: nothing moved, so nothing maps
    handlers.onUpdate?.(at('1'), at('2'));
    handlers.onDelete?.(at('2'));
    expect(enqueued).toEqual(['for-1', 'for-1', 'for-2', 'for-2']);
    expect(seen.every(({ oldObj, newObj }) => oldObj !== newObj)).toBe(true);
    expect(seen).toHaveLength(2); // asked once per update, though both sides are mapped
  });

  it('rejects a changed that is not a function, naming the field', () => {
    expect(() =>
      defineController({
        name: 'bad',
        for: 'Service',
        watches: [{ kind: 'Task', map: () => [], changed: true as unknown as () => boolean }],
        reconcile: () => done(),
      }),
    ).toThrow(/watches\[0\]\.changed: must be a function/);
  });
});

describe('a for predicate (forWhen)', () => {
  const task = (name: string, stopped: boolean): KitObject => ({
    kind: 'Task',
    metadata: { name, cluster: 'prod', resourceVersion: stopped ? 'stopped' : 'running' },
  });
  const collector = defineController({
    name: 'collector',
    for: 'Task',
    forWhen: (obj) => obj.metadata.resourceVersion === 'stopped',
    reconcile: () => done(),
  });

  it('enqueues an object of the for kind only when the predicate holds for it', () => {
    expect(requestsFor(collector, task('a', false))).toEqual([]);
    expect(requestsFor(collector, task('b', true))).toEqual([{ kind: 'Task', cluster: 'prod', name: 'b' }]);
    const enqueued: string[] = [];
    const handlers = enqueueHandlers(collector, (ref) => enqueued.push(ref.name));
    handlers.onAdd?.(task('a', false));
    handlers.onUpdate?.(task('a', false), task('a', true)); // it stopped: the new side holds
    handlers.onDelete?.(task('a', true));
    expect(enqueued).toEqual(['a', 'a']);
  });

  it('rejects a forWhen that is not a function', () => {
    expect(() => defineController({ name: 'bad', for: 'Task', forWhen: 'stopped' as unknown as () => boolean, reconcile: () => done() })).toThrow(
      /forWhen: must be a function/,
    );
  });
});
