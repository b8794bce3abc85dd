import { describe, expect, it } from 'vitest';
import { lostReason, markLostSpec, markLostStatus, needsLostMarking } from './lost-tasks.js';
import { at, atMs, testTask } from './testing.js';

describe('lost tasks', () => {
  it.each([
    ['running', { lastStatus: 'RUNNING' }, true],
    ['pending', { lastStatus: 'PENDING' }, true],
    ['stopping (desired STOPPED, still RUNNING)', { lastStatus: 'RUNNING', desiredStatus: 'STOPPED' as const }, true],
    ['exited on its own (STOPPED, desired RUNNING)', { lastStatus: 'STOPPED' }, true],
    ['fully stopped', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' as const }, false],
  ])('%s needs marking: %s', (_, o, want) => {
    expect(needsLostMarking(testTask('t', { instance: 'i-1', ...o }))).toBe(want);
  });

  it('names the instance and the last heartbeat in the reason', () => {
    expect(lostReason('i-1', at(0))).toBe('Container instance i-1 lost contact with the agent (no heartbeat since 2026-01-01T00:00:00.000Z)');
    expect(lostReason('i-1', undefined)).toContain('no heartbeat since it registered');
  });

  it('marks a running task STOPPED and DISCONNECTED, containers included', () => {
    const task = structuredClone(testTask('t', { instance: 'i-1', status: { containers: [{ name: 'app', lastStatus: 'RUNNING' }] } }));
    expect(markLostSpec(task, 'lost')).toBe(true);
    expect(markLostStatus(task, 'lost', atMs(5_000))).toBe(true);
    expect(task.spec).toMatchObject({ desiredStatus: 'STOPPED', stopReason: 'lost' });
    expect(task.status).toMatchObject({
      lastStatus: 'STOPPED',
      stoppedReason: 'lost',
      stoppedAt: at(5_000),
      connectivity: 'DISCONNECTED',
      containers: [{ name: 'app', lastStatus: 'STOPPED', reason: 'lost' }],
    });
  });

  it('keeps what others already wrote: a stop reason, a reported STOPPED status', () => {
    const task = structuredClone(
      testTask('t', {
        instance: 'i-1',
        lastStatus: 'STOPPED',
        stoppedAt: 1_000,
        spec: { stopReason: 'scale-in' },
        status: { stoppedReason: 'Essential container exited' },
      }),
    );
    task.spec.desiredStatus = 'RUNNING';
    expect(markLostSpec(task, 'lost')).toBe(true);
    expect(task.spec.stopReason).toBe('scale-in');
    expect(markLostStatus(task, 'lost', atMs(5_000))).toBe(false);
    expect(task.status).toMatchObject({ stoppedReason: 'Essential container exited', stoppedAt: at(1_000) });
  });
});
