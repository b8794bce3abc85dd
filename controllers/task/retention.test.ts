import { describe, expect, it } from 'vitest';
import { at, atMs, testTask } from '../instance/testing.js';
import { excessStopped, retentionPlan } from './retention.js';

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

describe('excessStopped', () => {
  const stoppedAt = (name: string, ms: number) => testTask(name, { lastStatus: 'STOPPED', stoppedAt: ms });
  it.each([
    ['within the bound: nothing', [stoppedAt('a', 1), stoppedAt('b', 2)], 2, []],
    ['beyond it: the oldest go', [stoppedAt('a', 3), stoppedAt('b', 1), stoppedAt('c', 2)], 2, ['b']],
    [
      'live tasks are neither counted nor deleted',
      [testTask('r'), testTask('s', { desiredStatus: 'STOPPED' }), stoppedAt('a', 1), stoppedAt('b', 2)],
      1,
      ['a'],
    ],
    ['a tie breaks by name, the same way every time', [stoppedAt('b', 1), stoppedAt('a', 1), stoppedAt('c', 1)], 1, ['b', 'c']],
    ['a bound of 0 deletes every stopped one', [stoppedAt('a', 1), stoppedAt('b', 2)], 0, ['b', 'a']],
  ])('%s', (_, tasks, max, want) => {
    expect(excessStopped(tasks, max)).toEqual(want);
  });
});
