import { describe, expect, it } from 'vitest';
import { planDrain, serviceBounds } from './drain.js';
import { testInstance, testService, testTask, type TaskFixture } from './testing.js';

const draining = testInstance('i-drain', { draining: true });

/** `spec` is a compact task list: "D:RUNNING" on the draining instance, "O:PENDING" elsewhere, "D:RUNNING:UNHEALTHY". */
function tasksOf(spec: string[]) {
  return spec.map((s, i) => {
    const [where, lastStatus, health] = s.split(':');
    const o: TaskFixture = {
      service: 'web',
      instance: where === 'D' ? 'i-drain' : 'i-other',
      lastStatus,
      health: health === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY',
    };
    return testTask(`web-${i}`, o);
  });
}

describe('serviceBounds', () => {
  it.each([
    [4, 100, 200, 4, 8],
    [3, 50, 200, 2, 6], // ceil(1.5) = 2
    [3, 0, 150, 0, 4], // floor(4.5) = 4
    [0, 100, 200, 0, 0],
  ])('desired %i, min %i%%, max %i%% → at least %i running, at most %i live', (desired, min, max, minRunning, maxLive) => {
    expect(serviceBounds(testService('web', { desired, min, max }))).toEqual({ minRunning, maxLive });
  });
});

describe('planDrain', () => {
  it.each([
    // desired, min%, tasks, stopped (indexes), waiting
    ['min 100%: nothing moves until replacements run', 2, 100, ['D:RUNNING', 'D:RUNNING'], [], 2],
    ['min 100%: replacements pending elsewhere are not enough', 2, 100, ['D:RUNNING', 'D:RUNNING', 'O:PENDING', 'O:PENDING'], [], 2],
    ['min 100%: one replacement RUNNING frees one', 2, 100, ['D:RUNNING', 'D:RUNNING', 'O:RUNNING', 'O:PENDING'], [0], 1],
    ['min 100%: both replacements RUNNING free both', 2, 100, ['D:RUNNING', 'D:RUNNING', 'O:RUNNING', 'O:RUNNING'], [0, 1], 0],
    ['min 50%: half may stop at once', 4, 50, ['D:RUNNING', 'D:RUNNING', 'D:RUNNING', 'O:RUNNING'], [0, 1], 1],
    ['min 0%: everything stops at once', 2, 0, ['D:RUNNING', 'D:RUNNING'], [0, 1], 0],
    ['not yet RUNNING: stopped at once (serves nobody)', 2, 100, ['D:PENDING', 'O:RUNNING'], [0], 0],
    ['unhealthy: stopped at once, not counted as healthy', 2, 100, ['D:RUNNING:UNHEALTHY', 'D:RUNNING', 'O:RUNNING'], [0], 1],
    ['scaled to zero: all go', 0, 100, ['D:RUNNING'], [0], 0],
    ['nothing on the draining instance', 2, 100, ['O:RUNNING', 'O:RUNNING'], [], 0],
  ])('%s', (_, desired, min, spec, stopped, waiting) => {
    const tasks = tasksOf(spec);
    const plan = planDrain(testService('web', { desired, min }), tasks, draining);
    expect(plan.stop.map((t) => t.metadata.name).sort()).toEqual(stopped.map((i) => `web-${i}`).sort());
    expect(plan.waiting).toBe(waiting);
  });

  it.each([
    ['HEALTHY', 'HEALTHY', 1],
    ['UNKNOWN (health checks still starting)', 'UNKNOWN', 0],
  ] as const)('with health checks, a replacement counts once %s', (_, health, stops) => {
    const tasks = [
      testTask('old', { service: 'web', instance: 'i-drain', health: 'HEALTHY' }),
      testTask('new', { service: 'web', instance: 'i-other', health }),
    ];
    expect(planDrain(testService('web', { desired: 1 }), tasks, draining, () => true).stop).toHaveLength(stops);
    // Without health checks a RUNNING task is healthy whatever its (UNKNOWN) health says.
    expect(planDrain(testService('web', { desired: 1 }), tasks, draining, () => false).stop).toHaveLength(1);
  });

  it('ignores tasks already asked to stop or stopped', () => {
    const tasks = [
      testTask('a', { service: 'web', instance: 'i-drain', desiredStatus: 'STOPPED' }),
      testTask('b', { service: 'web', instance: 'i-drain', lastStatus: 'STOPPED' }),
      testTask('c', { service: 'web', instance: 'i-other', health: 'HEALTHY' }),
    ];
    expect(planDrain(testService('web', { desired: 1 }), tasks, draining)).toMatchObject({ stop: [], waiting: 0 });
  });

  it('never counts a stop that would take the service below its minimum, whatever the order', () => {
    // 3 on the draining instance, 3 elsewhere, desired 4 at 100%: exactly 2 may stop now.
    const tasks = tasksOf(['D:RUNNING', 'O:RUNNING', 'D:RUNNING', 'O:RUNNING', 'D:RUNNING', 'O:RUNNING']);
    const plan = planDrain(testService('web', { desired: 4 }), tasks, draining);
    expect(plan.stop).toHaveLength(2);
    expect(plan.waiting).toBe(1);
  });
});
