import { describe, expect, it } from 'vitest';
import { Service, Task, type BerthObject } from '../../v1/index.js';
import { apiJsonOf, decodeObject, encodeObject, storesSame } from './codec.js';

const task = Task.parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Task',
  metadata: { name: 'web-1', cluster: 'prod', labels: { tier: 'front "quoted"' }, resourceVersion: '7' },
  spec: { taskDefinition: 'web:3' },
  status: { lastStatus: 'RUNNING' },
});
const service = Service.parse({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web' }, spec: { taskDefinition: 'web', desiredCount: 2 } });

describe('codec', () => {
  it('stores without resourceVersion and reads it back from the revision', () => {
    const stored = encodeObject(task);
    expect(stored).not.toContain('resourceVersion');
    const read = decodeObject('Task', { key: '/k', value: stored, createRevision: 3, modRevision: 42, version: 2 });
    expect(read).toEqual({ ...task, metadata: { ...task.metadata, resourceVersion: '42' } });
  });

  it.each([
    ['a task', task],
    ['a service', service],
  ])('apiJsonOf(%s) is the JSON of the object as read back, without stringifying it again', (_, obj) => {
    const stored = encodeObject(obj);
    const json = apiJsonOf(stored, '42');
    expect(json).toBeDefined();
    expect(JSON.parse(json ?? '')).toEqual(decodeObject(obj.kind, { key: '/k', value: stored, createRevision: 1, modRevision: 42, version: 1 }));
  });

  it.each([
    ['keys in another order', '{"kind":"Task","apiVersion":"berth.dev/v1","metadata":{"name":"x"}}'],
    ['empty metadata', '{"apiVersion":"berth.dev/v1","kind":"Task","metadata":{}}'],
    ['an escaped quote in apiVersion', '{"apiVersion":"a\\"b","kind":"Task","metadata":{"name":"x"}}'],
    ['not an object', '"text"'],
  ])('apiJsonOf gives up on text not written by encodeObject (%s): the caller stringifies', (_, text) => {
    expect(apiJsonOf(text, '1')).toBeUndefined();
  });

  // storesSame must agree with comparing what encodeObject stores, up to key order.
  const reordered = { status: task.status, spec: task.spec, metadata: { ...task.metadata }, kind: task.kind, apiVersion: task.apiVersion } as typeof task;
  const sameCases: [string, BerthObject, BerthObject, boolean][] = [
    ['the same object', task, task, true],
    ['a copy at another resourceVersion', task, { ...task, metadata: { ...task.metadata, resourceVersion: '8' } }, true],
    ['a copy with its keys in another order', task, reordered, true],
    ['a copy with an optional field set to undefined', task, { ...task, spec: { ...task.spec, stopReason: undefined } }, true],
    ['a new status', task, { ...task, status: { ...task.status!, lastStatus: 'STOPPED' } }, false],
    ['a new label', task, { ...task, metadata: { ...task.metadata, labels: { tier: 'back' } } }, false],
    ['another kind', task, service, false],
  ];
  it.each(sameCases)('storesSame: %s is %s', (_, a, b, same) => {
    expect(storesSame(a, b)).toBe(same);
    expect(storesSame(b, a)).toBe(same);
    // What it stands for, up to key order: the stored JSON, parsed.
    if (same) expect(JSON.parse(encodeObject(a))).toEqual(JSON.parse(encodeObject(b)));
    else expect(JSON.parse(encodeObject(a))).not.toEqual(JSON.parse(encodeObject(b)));
  });
});
