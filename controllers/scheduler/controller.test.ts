import { describe, expect, it } from 'vitest';
import { ContainerInstance, Service, Task } from '../../api/v1/index.js';
import { requestsFor } from '../kit/handlers.js';
import { schedulerController } from './controller.js';

const scheduler = schedulerController();
const cluster = (name: string) => [{ kind: 'Cluster', cluster: name, name }];

const task = (spec: Record<string, unknown>, lastStatus = 'PENDING') =>
  Task.parse({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 't', cluster: 'prod' }, spec: { taskDefinition: 'web:1', ...spec }, status: { lastStatus } });

describe('scheduler wiring: which changes wake a cluster', () => {
  it.each([
    ['an unbound task', task({}), cluster('prod')],
    ['an unbound task asked to stop', task({ desiredStatus: 'STOPPED' }), cluster('prod')],
    ['a bound running task (agent status reports)', task({ containerInstance: 'i1' }, 'RUNNING'), []],
    ['a bound task asked to stop (capacity will free)', task({ containerInstance: 'i1', desiredStatus: 'STOPPED' }, 'RUNNING'), cluster('prod')],
    ['a bound task that STOPPED', task({ containerInstance: 'i1' }, 'STOPPED'), cluster('prod')],
    [
      'a container instance',
      ContainerInstance.parse({ apiVersion: 'berth.dev/v1', kind: 'ContainerInstance', metadata: { name: 'i1', cluster: 'prod' }, spec: { registeredResources: { cpu: 1, memory: 1 } } }),
      cluster('prod'),
    ],
    ['a service (read from the cache only)', Service.parse({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web', cluster: 'prod' }, spec: { taskDefinition: 'web' } }), []],
  ])('%s', (_name, obj, expected) => {
    expect(requestsFor(scheduler, obj)).toEqual(expected);
  });
});
