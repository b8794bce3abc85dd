import { describe, expect, it } from 'vitest';
import { deepFreeze, ObjectCache, shareUnchanged } from './cache.js';

const version1 = () => ({
  metadata: { name: 't', resourceVersion: '1', labels: { app: 'web' }, ownerReferences: [{ kind: 'Service', name: 'web' }] },
  spec: { taskDefinition: 'web:1', containerInstance: 'i-1' },
  status: { lastStatus: 'PENDING', containers: [{ name: 'app', lastStatus: 'PENDING' }] },
});

describe('shareUnchanged', () => {
  it('makes a new version use the old one’s objects wherever the data is the same', () => {
    const old = deepFreeze(version1());
    const fresh = version1();
    fresh.metadata.resourceVersion = '2';
    fresh.status.lastStatus = 'RUNNING';
    const expected = JSON.stringify(fresh);
    expect(shareUnchanged(old, fresh)).toBe(false);
    expect(JSON.stringify(fresh)).toBe(expected); // the data is untouched
    expect(fresh.spec).toBe(old.spec);
    expect(fresh.metadata.labels).toBe(old.metadata.labels);
    expect(fresh.metadata.ownerReferences).toBe(old.metadata.ownerReferences);
    expect(fresh.status.containers).toBe(old.status.containers);
    expect(fresh.metadata).not.toBe(old.metadata);
    expect(fresh.status).not.toBe(old.status);
  });

  it.each([
    ['equal objects', { a: { b: 1 } }, { a: { b: 1 } }, true],
    ['a changed leaf', { a: { b: 1 } }, { a: { b: 2 } }, false],
    ['a key added', { a: 1 }, { a: 1, b: 2 }, false],
    ['a key removed', { a: 1, b: 2 }, { a: 1 }, false],
    ['a key renamed to the same value', { a: 1 }, { b: 1 }, false],
    ['arrays of another length', { l: [1, 2] }, { l: [1] }, false],
    ['an array where an object was', { l: { 0: 1 } }, { l: [1] }, false],
    ['null leaves', { a: null }, { a: null }, true],
  ])('%s: equal is %s', (_name, old, fresh, equal) => {
    const expected = JSON.stringify(fresh);
    expect(shareUnchanged(deepFreeze(old), fresh)).toBe(equal);
    expect(JSON.stringify(fresh)).toBe(expected);
  });

  it('leaves a frozen new version as it is', () => {
    const old = deepFreeze(version1());
    const fresh = deepFreeze(version1());
    expect(shareUnchanged(old, fresh)).toBe(true);
    expect(fresh.spec).not.toBe(old.spec);
  });

  it('is what the cache does on every replacement', () => {
    const cache = new ObjectCache<ReturnType<typeof version1>>();
    cache.set('t', version1());
    const next = version1();
    next.status.lastStatus = 'RUNNING';
    const old = cache.set('t', next);
    expect(cache.get('t')?.spec).toBe(old?.spec);
    expect(cache.get('t')?.status.lastStatus).toBe('RUNNING');
    expect(Object.isFrozen(cache.get('t'))).toBe(true);
  });
});
