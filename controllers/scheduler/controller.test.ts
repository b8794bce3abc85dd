import { describe, expect, it } from 'vitest';
import { ContainerInstance, Service, Task } from '../../api/v1/index.js';
import { enqueueHandlers, requestsFor } from '../kit/handlers.js';
import type { KitObject, ObjectRef } from '../kit/types.js';
import { schedulerController } from './controller.js';

const scheduler = schedulerController();
const cluster = (name: string) => [{ kind: 'Cluster', cluster: name, name }];

const task = (spec: Record<string, unknown>, lastStatus = 'PENDING') =>
  Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name: 't', cluster: 'prod' },
    spec: { taskDefinition: 'web:1', ...spec },
    status: { lastStatus },
  });

const service = (spec: Record<string, unknown>) =>
  Service.parse({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web', cluster: 'prod' }, spec: { taskDefinition: 'web', ...spec } });

describe('scheduler wiring: which changes wake a cluster', () => {
  it.each([
    ['an unbound task', task({}), cluster('prod')],
    ['an unbound task asked to stop', task({ desiredStatus: 'STOPPED' }), cluster('prod')],
    ['a bound running task (agent status reports)', task({ containerInstance: 'i1' }, 'RUNNING'), []],
    ['a bound task asked to stop (capacity will free)', task({ containerInstance: 'i1', desiredStatus: 'STOPPED' }, 'RUNNING'), cluster('prod')],
    ['a bound task that STOPPED', task({ containerInstance: 'i1' }, 'STOPPED'), cluster('prod')],
    [
      'a container instance',
      ContainerInstance.parse({
        apiVersion: 'berth.dev/v1',
        kind: 'ContainerInstance',
        metadata: { name: 'i1', cluster: 'prod' },
        spec: { registeredResources: { cpu: 1, memory: 1 } },
      }),
      cluster('prod'),
    ],
    ['a new service (its placement applies to its pending tasks)', service({}), cluster('prod')],
  ])('%s', (_name, obj, expected) => {
    expect(requestsFor(scheduler, obj)).toEqual(expected);
  });
});

const instance = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  ContainerInstance.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'ContainerInstance',
    metadata: { name: 'i1', cluster: 'prod' },
    spec: { registeredResources: { cpu: 1024, memory: 2048 }, ...spec },
    status: { agentConnected: true, registeredAt: '2026-01-01T00:00:00Z', ...status },
  });

/** What one update enqueues for the scheduler (both sides mapped, as the manager does). */
function wokenBy(oldObj: KitObject, newObj: KitObject): ObjectRef[] {
  const woken: ObjectRef[] = [];
  enqueueHandlers(scheduler, (ref) => woken.push(ref)).onUpdate?.(oldObj, newObj);
  return woken;
}

describe('scheduler wiring: which updates wake a cluster', () => {
  // As the cache holds them: an unchanged spec is the same object in both versions (shareUnchanged).
  const connected = instance({});
  const heartbeat = { ...instance({ lastHeartbeat: '2026-01-01T00:00:05Z' }), spec: connected.spec };
  it.each<[string, KitObject, KitObject, boolean]>([
    ['the echo of its own bind (unbound before, bound after)', task({}), task({ containerInstance: 'i1' }), false],
    ['a waiting task that changed (its pendingReason)', task({}), task({}, 'PENDING'), true],
    ['a bound task that STOPPED (capacity freed)', task({ containerInstance: 'i1' }, 'RUNNING'), task({ containerInstance: 'i1' }, 'STOPPED'), true],
    [
      'a bound task asked to stop, still running (nothing freed yet)',
      task({ containerInstance: 'i1' }, 'RUNNING'),
      task({ containerInstance: 'i1', desiredStatus: 'STOPPED' }, 'RUNNING'),
      false,
    ],
    ['an unbound task asked to stop', task({}), task({ desiredStatus: 'STOPPED' }), true],
    ['an instance heartbeat', connected, heartbeat, false],
    ['an instance whose agent disconnected', connected, { ...instance({ agentConnected: false }), spec: connected.spec }, true],
    ['an instance set DRAINING', connected, instance({}, { status: 'DRAINING' }), true],
    ['an instance re-registered', connected, { ...instance({ registeredAt: '2026-01-02T00:00:00Z' }), spec: connected.spec }, true],
    ['a service scaled (its placement unchanged)', service({ desiredCount: 1 }), service({ desiredCount: 5 }), false],
    ['a service whose placement constraints changed', service({ placementConstraints: [{ type: 'distinctInstance' }] }), service({}), true],
    ['a service whose placement strategy changed', service({}), service({ placementStrategy: [{ type: 'spread', field: 'instanceId' }] }), true],
  ])('%s', (_name, before, after, wakes) => {
    const woken = wokenBy(before, after);
    expect(woken.length > 0).toBe(wakes);
    for (const ref of woken) expect(ref).toEqual(cluster('prod')[0]);
  });
});
