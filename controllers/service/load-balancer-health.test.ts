import { describe, expect, it } from 'vitest';
import { TargetGroup } from '../../api/v1/target-group.js';
import { Task } from '../../api/v1/task.js';
import { rawObject } from '../../api/v1/testing.js';
import { DEREGISTER_ANNOTATION } from '../lb/conventions.js';
import { deregisteringView, withTargetHealth } from './load-balancer-health.js';
import type { TaskHealth } from './task-health.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');
const task = (annotations?: Record<string, string>) =>
  Task.parse({
    ...rawObject('Task', { taskDefinition: 'web:1' }, 't1', { lastStatus: 'RUNNING', startedAt: '2026-01-01T00:00:50Z' }),
    metadata: { name: 't1', ...(annotations ? { annotations } : {}) },
  });
const group = (...health: ('healthy' | 'unhealthy' | 'initial' | 'draining' | 'unused')[]) =>
  TargetGroup.parse({
    ...rawObject('TargetGroup', {}, 'web'),
    status: {
      targets: health.map((h, i) => ({ task: 't1', containerName: 'app', containerPort: 80 + i, id: '127.0.0.1', port: 1 + i, service: 'web', health: h })),
    },
  });
const healthy: TaskHealth = { state: 'healthy' };

describe('withTargetHealth', () => {
  it.each([
    ['no target groups: the container health alone', healthy, [], 0, healthy],
    ['healthy in its group: healthy', healthy, [group('healthy')], 0, healthy],
    ['unused (no proxy checks it): healthy', healthy, [group('unused')], 0, healthy],
    ['not registered yet: starting', healthy, [group()], 0, { state: 'starting' }],
    ['initial: starting', healthy, [group('initial')], 0, { state: 'starting' }],
    ['one of two groups initial: starting', healthy, [group('healthy'), group('initial')], 0, { state: 'starting' }],
    ['unhealthy after the grace period: unhealthy', healthy, [group('unhealthy')], 0, { state: 'unhealthy' }],
    ['unhealthy within the grace period: starting until it ends', healthy, [group('unhealthy')], 30_000, { state: 'starting', recheckAt: NOW + 20_000 }],
    ['container unhealthy: unhealthy whatever the target', { state: 'unhealthy' }, [group('healthy')], 0, { state: 'unhealthy' }],
    ['container starting, target healthy: starting', { state: 'starting', recheckAt: 5 }, [group('healthy')], 0, { state: 'starting', recheckAt: 5 }],
  ] as const)('%s', (_name, container, groups, graceMs, expected) => {
    expect(withTargetHealth(container, task(), groups, NOW, graceMs)).toEqual(expected);
  });
});

describe('deregisteringView', () => {
  it('shows a deregistering task as asked to stop, and leaves others as they are', () => {
    const plain = task();
    const [seen, same] = deregisteringView([task({ [DEREGISTER_ANNOTATION]: 'scaled in' }), plain]);
    expect(seen?.spec).toMatchObject({ desiredStatus: 'STOPPED', stopReason: 'scaled in' });
    expect(same).toBe(plain);
  });
});
