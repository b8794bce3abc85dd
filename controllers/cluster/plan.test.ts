import { describe, expect, it } from 'vitest';
import { testInstance, testService, testTask } from '../instance/testing.js';
import { clusterCounts, planClusterStatus, type ClusterCounts } from './plan.js';

/** A copy of `obj` in another cluster. */
const elsewhere = <T extends { metadata: { cluster: string } }>(obj: T): T => ({ ...obj, metadata: { ...obj.metadata, cluster: 'other' } });
const deleting = <T extends { metadata: object }>(obj: T): T => ({ ...obj, metadata: { ...obj.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
const counts = (instances: number, services: number, running: number, pending: number): ClusterCounts => ({
  registeredContainerInstancesCount: instances,
  activeServicesCount: services,
  runningTasksCount: running,
  pendingTasksCount: pending,
});

describe('cluster counts', () => {
  it.each([
    ['an empty cluster', [], [], [], counts(0, 0, 0, 0)],
    [
      'instances: ACTIVE, DRAINING and disconnected all count; another cluster does not',
      [testInstance('a'), testInstance('b', { draining: true }), testInstance('c', { connected: false }), elsewhere(testInstance('d'))],
      [],
      [],
      counts(3, 0, 0, 0),
    ],
    [
      'services: one being deleted is not active',
      [],
      [testService('web', { desired: 1 }), deleting(testService('old', { desired: 0 })), elsewhere(testService('x', { desired: 1 }))],
      [],
      counts(0, 1, 0, 0),
    ],
    [
      'tasks by lastStatus: RUNNING, pending on the way, STOPPED neither',
      [],
      [],
      [
        testTask('r1'),
        testTask('r2', { desiredStatus: 'STOPPED' }), // stopping: still running until the agent says so
        testTask('p1', { lastStatus: 'PENDING' }),
        testTask('p2', { lastStatus: 'PROVISIONING' }),
        testTask('p3', { lastStatus: 'ACTIVATING' }),
        testTask('s1', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }),
        testTask('d1', { lastStatus: 'DEPROVISIONING' }),
        elsewhere(testTask('r3')),
      ],
      counts(0, 0, 2, 3),
    ],
  ])('%s', (_, instances, services, tasks, want) => {
    expect(clusterCounts('default', instances, services, tasks)).toEqual(want);
  });
});

describe('planClusterStatus', () => {
  it.each([
    ['never written: written', undefined, counts(1, 1, 1, 0), { write: counts(1, 1, 1, 0) }],
    ['already says so: nothing', counts(1, 1, 1, 0), counts(1, 1, 1, 0), { write: undefined }],
    ['changed: written', counts(1, 1, 1, 0), counts(1, 1, 2, 0), { write: counts(1, 1, 2, 0) }],
    ['a status of defaults (zeros) that is right: nothing', counts(0, 0, 0, 0), counts(0, 0, 0, 0), { write: undefined }],
  ])('%s', (_, current, next, want) => {
    expect(planClusterStatus({ current, counts: next })).toEqual(want);
  });
});
