import { describe, expect, it } from 'vitest';
import { testTask } from '../instance/testing.js';
import { needsDesiredStopped } from './desired-status.js';

describe('needsDesiredStopped', () => {
  it.each([
    ['ended on its own (essential container exited)', testTask('t', { lastStatus: 'STOPPED', status: { stopCode: 'EssentialContainerExited' } }), true],
    ['failed to start', testTask('t', { lastStatus: 'STOPPED', status: { stopCode: 'TaskFailedToStart' } }), true],
    ['stopped on request: already STOPPED', testTask('t', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }), false],
    ['running', testTask('t'), false],
    ['asked to stop, still stopping', testTask('t', { lastStatus: 'STOPPING', desiredStatus: 'STOPPED' }), false],
    ['pending', testTask('t', { lastStatus: 'PENDING' }), false],
  ])('%s: %s', (_what, task, want) => expect(needsDesiredStopped(task)).toBe(want));
});
