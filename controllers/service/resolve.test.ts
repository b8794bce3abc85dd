import { describe, expect, it } from 'vitest';
import { Task } from '../../api/v1/task.js';
import { resolveTaskDefinition } from './resolve.js';
import { serviceTaskHealth } from './task-health.js';
import { failureThreshold, isFailedTask } from './circuit-breaker.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { T0, task, td } from './testing.js';

describe('resolveTaskDefinition', () => {
  it.each([
    ['web', [td(1), td(2), td(3, { inactive: true })], 'web:2'],
    ['web', [td(10), td(9)], 'web:10'],
    ['web:3', [td(3), td(4)], 'web:3'],
  ])('%s → %s', (ref, defs, expected) => {
    const r = resolveTaskDefinition(ref, defs);
    expect(r.ok && r.ref).toBe(expected);
  });

  // Deregistering (INACTIVE) never disrupts a service already on the revision; only moving onto one is refused.
  it.each([
    ['web:3', [td(3, { inactive: true }), td(4)], 'web:3', 'web:3'],
    ['web:3', [td(3, { inactive: true }), td(4)], 'web:4', /web:3 is INACTIVE/],
    ['web:3', [td(3, { inactive: true })], undefined, /web:3 is INACTIVE/],
    ['web', [td(1), td(2, { inactive: true })], 'web:2', 'web:1'],
    ['web', [td(1, { inactive: true }), td(2, { inactive: true })], 'web:2', 'web:2'],
    ['web', [td(1, { inactive: true })], 'other:1', /no ACTIVE revision/],
  ])('%s with the service running %s: %s', (ref, defs, current, expected) => {
    const r = resolveTaskDefinition(ref, defs, current);
    if (typeof expected === 'string') expect(r.ok && r.ref).toBe(expected);
    else expect(!r.ok && r.problem).toMatch(expected);
  });
});

describe('serviceTaskHealth', () => {
  const input = { now: T0, settleMs: 40_000, gracePeriodMs: 30_000 };
  it.each([
    ['pending', task('t', { lastStatus: 'PENDING' }), td(1), 'pending'],
    ['asked to stop', task('t', { desiredStatus: 'STOPPED' }), td(1), 'pending'],
    ['running 10 s, no check', task('t', { startedAgo: 10_000 }), td(1), 'starting'],
    ['running 40 s, no check', task('t', { startedAgo: 40_000 }), td(1), 'healthy'],
    ['check HEALTHY at once', task('t', { startedAgo: 1, health: 'HEALTHY' }), td(1, { healthCheck: true }), 'healthy'],
    ['check UNKNOWN for long', task('t', { health: 'UNKNOWN' }), td(1, { healthCheck: true }), 'starting'],
    ['UNHEALTHY in grace', task('t', { startedAgo: 10_000, health: 'UNHEALTHY' }), td(1, { healthCheck: true }), 'starting'],
    ['UNHEALTHY after grace', task('t', { startedAgo: 30_000, health: 'UNHEALTHY' }), td(1, { healthCheck: true }), 'unhealthy'],
  ])('%s: %s', (_name, t, d, state) => {
    expect(serviceTaskHealth(t, d, input).state).toBe(state);
  });
});

describe('circuit breaker', () => {
  it.each([
    [1, 3],
    [4, 3],
    [7, 4],
    [10, 5],
    [1000, 200],
  ])('desired %i: fails at %i', (desired, threshold) => {
    expect(failureThreshold(desired, DEFAULT_SETTINGS.failureThreshold)).toBe(threshold);
  });
  it.each([
    ['exited on its own', task('t', { lastStatus: 'STOPPED' }), true],
    ...(['EssentialContainerExited', 'TaskFailedToStart'] as const).map((stopCode): [string, ReturnType<typeof task>, boolean] => {
      const t = task('t', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
      return [`ended on its own (${stopCode}), desiredStatus since settled to STOPPED`, Task.parse({ ...t, status: { ...t.status, stopCode } }), true];
    }),
    ['lost with its instance', task('t', { lastStatus: 'STOPPED', connectivity: 'DISCONNECTED' }), false],
    ['stopped by scaling', task('t', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopReason: 'Scaling activity' }), false],
    [
      'stopped for failing health checks',
      task('t', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopReason: 'Task failed container health checks' }),
      true,
    ],
    ['still running', task('t'), false],
  ])('a task that %s: failed=%s', (_name, t, failed) => {
    expect(isFailedTask(t)).toBe(failed);
  });
});
