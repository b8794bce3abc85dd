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
/** A running task with two containers, labels and overrides: parts nested several levels deep. */
const running = known({
  ...rawObject('Task', { taskDefinition: 'web:1', containerInstance: 'i-1', overrides: { containerOverrides: [{ name: 'app', command: ['serve'] }] } }, 't-2', {
    lastStatus: 'RUNNING',
    startedAt: '2026-01-01T00:00:01.000Z',
    containers: [
      { name: 'app', dockerId: 'd1', lastStatus: 'RUNNING', networkBindings: [{ containerPort: 80, hostPort: 32768 }] },
      { name: 'sidecar', dockerId: 'd2', lastStatus: 'RUNNING' },
    ],
  }),
  metadata: { name: 't-2', cluster: 'prod', resourceVersion: '9', uid: 'u-2', generation: 1, labels: { app: 'web' } },
});
const instance = known(rawObject('ContainerInstance', { registeredResources: { cpu: 2048, memory: 4096 } }, 'i-1', { agentConnected: true }));
type Obj = Record<string, unknown>;
/** `k` with its status's containers replaced by what `edit` makes of them. */
const withContainers = (k: BerthObject, edit: (containers: Obj[]) => Obj[]) => {
  const status = k.status as Obj;
  return { ...k, status: { ...status, containers: edit(status.containers as Obj[]) } };
};
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
    // Field by field, into nested objects and arrays.
    ['one container of two reports a new state', running, (k) => withContainers(k, ([a, b]) => [a!, { ...b, lastStatus: 'STOPPED', exitCode: 0 }])],
    ['a container gets an invalid state', running, (k) => withContainers(k, ([a, b]) => [a!, { ...b, healthStatus: 'SICK' }])],
    ['a container gets an unknown field', running, (k) => withContainers(k, ([a, b]) => [{ ...a, colour: 'red' }, b!])],
    ['a container is added', running, (k) => withContainers(k, (cs) => [...cs, { name: 'init', lastStatus: 'STOPPED' }])],
    ['a container is removed', running, (k) => withContainers(k, ([a]) => [a!])],
    [
      'a new network binding with its defaults left out',
      running,
      (k) => withContainers(k, ([a, b]) => [{ ...a, networkBindings: [{ containerPort: 81, hostPort: 32769 }] }, b!]),
    ],
    [
      'a defaulted status field left out (filled in again)',
      running,
      (k) => {
        const { healthStatus: _h, ...status } = k.status as Obj;
        return { ...k, status };
      },
    ],
    [
      'a defaulted spec field left out (filled in again)',
      running,
      (k) => {
        const { desiredStatus: _d, ...spec } = k.spec as Obj;
        return { ...k, spec };
      },
    ],
    ['an optional field given as undefined', running, (k) => ({ ...k, spec: { ...k.spec, stopReason: undefined } })],
    ['an invalid timestamp', running, (k) => ({ ...k, status: { ...k.status, stoppedAt: 'yesterday' } })],
    ['a status that is not an object', running, (k) => ({ ...k, status: 'RUNNING' })],
    ['containers that are not an array', running, (k) => ({ ...k, status: { ...k.status, containers: { name: 'app' } } })],
    // TaskOverrides checks across its parts (a container overridden twice): parsed whole when new.
    [
      'overrides naming one container twice',
      running,
      (k) => ({ ...k, spec: { ...k.spec, overrides: { containerOverrides: [{ name: 'app' }, { name: 'app' }] } } }),
    ],
    [
      'overrides changed validly',
      running,
      (k) => ({ ...k, spec: { ...k.spec, overrides: { containerOverrides: [{ name: 'app', command: ['serve', '--fast'] }] } } }),
    ],
    [
      'a bind and a stop reason over known metadata and status',
      running,
      (k) => ({ ...k, spec: { ...k.spec, desiredStatus: 'STOPPED', stopReason: 'scaled in' } }),
    ],
    ['a label added to known metadata', running, (k) => ({ ...k, metadata: { ...k.metadata, labels: { ...k.metadata.labels, tier: 'front' } } })],
    ['a label value too long', running, (k) => ({ ...k, metadata: { ...k.metadata, labels: { app: 'x'.repeat(64) } } })],
    ['an instance heartbeat', instance, (k) => ({ ...k, status: { ...k.status, agentConnected: false } })],
    ['a service scaled', service, (k) => ({ ...k, spec: { ...k.spec, desiredCount: 5 } })],
    ['a service scaled below zero', service, (k) => ({ ...k, spec: { ...k.spec, desiredCount: -1 } })],
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
    expect(result.object.metadata).toBe(task.metadata);
    expect(result.object.status).not.toBe(raw.status);
  });
});
