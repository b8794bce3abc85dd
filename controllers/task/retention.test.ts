import { describe, expect, it } from 'vitest';
import { at, atMs, testTask } from '../instance/testing.js';
import { retentionPlan } from './retention.js';

const HOUR = 3_600_000;

describe('retentionPlan', () => {
  it.each([
    ['a running task is kept', testTask('t'), 2 * HOUR, { action: 'keep' }],
    ['a task asked to stop but not stopped yet is kept', testTask('t', { desiredStatus: 'STOPPED' }), 2 * HOUR, { action: 'keep' }],
    ['stopped 10 min ago waits 50 min', testTask('t', { lastStatus: 'STOPPED', stoppedAt: 0 }), 10 * 60_000, { action: 'wait', ms: 50 * 60_000 }],
    ['stopped exactly an hour ago is deleted', testTask('t', { lastStatus: 'STOPPED', stoppedAt: 0 }), HOUR, { action: 'delete' }],
    ['stopped long ago is deleted', testTask('t', { lastStatus: 'STOPPED', stoppedAt: 0 }), 30 * HOUR, { action: 'delete' }],
    [
      'no stoppedAt: counted from the latest time it was seen alive',
      testTask('t', { lastStatus: 'STOPPED', status: { startedAt: at(20 * 60_000) } }),
      HOUR,
      { action: 'wait', ms: 20 * 60_000 },
    ],
  ])('%s', (_, task, now, want) => {
    expect(retentionPlan(task, atMs(now), HOUR)).toEqual(want);
  });
});
