import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../controllers/kit/cache.js';
import { rawObject, rawTaskDefinition } from './testing.js';
import { validateObject, validateObjectOver, type BerthObject } from './index.js';

/** A parsed, frozen object of the raw input: what a controller's cache holds. */
function known(raw: unknown): BerthObject {
  const result = validateObject(raw);
  if (!result.ok) throw new Error(`fixture is invalid: ${JSON.stringify(result.issues)}`);
  return deepFreeze(result.object);
}

const task = known({
  ...rawObject('Task', { taskDefinition: 'web:1', group: 'service:web' }, 't-1', { lastStatus: 'PENDING', createdAt: '2026-01-01T00:00:00.000Z' }),
  metadata: { name: 't-1', cluster: 'prod', resourceVersion: '7', uid: 'u-1', generation: 1, creationTimestamp: '2026-01-01T00:00:00.000Z' },
});
const service = known(rawObject('Service', { taskDefinition: 'web', desiredCount: 2 }, 'web'));
const definition = known(rawTaskDefinition());

describe('validateObjectOver', () => {
  // Each case must give what a full validateObject gives: the same verdict, issues and stored JSON.
  const cases: [string, BerthObject, (k: BerthObject) => unknown][] = [
    ['a new status over the known spec (an agent reporting)', task, (k) => ({ ...k, status: { ...k.status, lastStatus: 'RUNNING' } })],
    ['a new spec over the known status (a bind)', task, (k) => ({ ...k, spec: { ...k.spec, containerInstance: 'i-1' } })],
    ['both known (nothing changed)', task, (k) => ({ ...k })],
    ['an invalid status over the known spec', task, (k) => ({ ...k, status: { ...k.status, lastStatus: 'SLEEPING' } })],
    ['an unknown status field over the known spec', task, (k) => ({ ...k, status: { ...k.status, colour: 'red' } })],
    ['an invalid spec over the known status', task, (k) => ({ ...k, spec: { ...k.spec, desiredStatus: 'MAYBE' } })],
    ['invalid metadata over known spec and status', task, (k) => ({ ...k, metadata: { ...k.metadata, name: 42 } })],
    ['an unknown top-level field', task, (k) => ({ ...k, extra: true })],
    ['another kind with the same spec', task, (k) => ({ ...k, kind: 'Service' })],
    ['no status, known spec', service, (k) => ({ ...k, metadata: { ...k.metadata, labels: { a: 'b' } } })],
    ['a TaskDefinition (parsed in full: its schema transforms the whole object)', definition, (k) => ({ ...k })],
  ];
  it.each(cases)('%s', (_name, base, make) => {
    const raw = make(base);
    const over = validateObjectOver(base, raw);
    const full = validateObject(raw);
    expect(over.ok).toBe(full.ok);
    if (over.ok && full.ok) expect(JSON.stringify(over.object)).toBe(JSON.stringify(full.object));
    if (!over.ok && !full.ok) expect(over.issues).toEqual(full.issues);
  });

  it('takes a known part as it is (the same object) and parses the rest into new objects', () => {
    const raw = { ...task, status: { ...task.status, lastStatus: 'RUNNING' } };
    const result = validateObjectOver(task, raw);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.object.spec).toBe(task.spec);
    expect(result.object.status).not.toBe(raw.status);
    expect(result.object.metadata).not.toBe(task.metadata);
  });
});
