import { describe, expect, it } from 'vitest';
import { maxTasks, minHealthyTasks, rollingStep } from './rolling.js';

describe('rollingStep', () => {
  // desired, min%, max%, occupying, primary live/healthy, old live/healthy → start, surplus, old unhealthy, old healthy
  it.each([
    ['fresh service', 4, 100, 200, 0, 0, 0, 0, 0, 4, 0, 0, 0],
    ['100/200 rollout begins: max lets 4 new start, no old may stop', 4, 100, 200, 4, 0, 0, 4, 4, 4, 0, 0, 0],
    ['100/200 new running, none healthy yet: wait', 4, 100, 200, 8, 4, 0, 4, 4, 0, 0, 0, 0],
    ['100/200 two new healthy: two old may stop', 4, 100, 200, 8, 4, 2, 4, 4, 0, 0, 0, 2],
    ['100/200 all new healthy: every old stops', 4, 100, 200, 8, 4, 4, 4, 4, 0, 0, 0, 4],
    ['50/100 rollout begins: no room, half the old stop', 4, 50, 100, 4, 0, 0, 4, 4, 0, 0, 0, 2],
    ['50/100 old still stopping: they occupy, nothing starts', 4, 50, 100, 4, 0, 0, 2, 2, 0, 0, 0, 0],
    ['50/100 old stopped: two new start', 4, 50, 100, 2, 0, 0, 2, 2, 2, 0, 0, 0],
    ['50/100 two new healthy: last old stop', 4, 50, 100, 4, 2, 2, 2, 2, 0, 0, 0, 2],
    ['50/100 finishing: two more new start', 4, 50, 100, 2, 2, 2, 0, 0, 2, 0, 0, 0],
    ['scale-out', 6, 100, 200, 4, 4, 4, 0, 0, 2, 0, 0, 0],
    ['scale-in', 2, 100, 200, 4, 4, 4, 0, 0, 0, 2, 0, 0],
    ['scale-in beyond the minimum is allowed', 1, 100, 200, 4, 4, 4, 0, 0, 0, 3, 0, 0],
    ['a crashed task is replaced', 4, 100, 200, 3, 3, 3, 0, 0, 1, 0, 0, 0],
    ['replacement waits for a stopping task at max 100', 4, 50, 100, 4, 3, 3, 0, 0, 0, 0, 0, 0],
    ['old tasks that are not healthy stop at once; healthy ones keep the minimum', 4, 100, 200, 8, 4, 0, 4, 2, 0, 0, 2, 0],
    ['deleting: desired 0 stops every task', 0, 100, 200, 4, 4, 4, 0, 0, 0, 4, 0, 0],
    ['deleting mid-rollout', 0, 100, 200, 6, 2, 2, 4, 4, 0, 2, 0, 4],
    ['0/100: every old task stops at once', 4, 0, 100, 4, 0, 0, 4, 4, 0, 0, 0, 4],
    ['0/200: start all and stop all', 4, 0, 200, 4, 0, 0, 4, 4, 4, 0, 0, 4],
    ['3 tasks at 50/150: max floor(4.5)=4, min ceil(1.5)=2', 3, 50, 150, 3, 0, 0, 3, 3, 1, 0, 0, 1],
    ['1 task at 100/200: surge one', 1, 100, 200, 1, 0, 0, 1, 1, 1, 0, 0, 0],
    ['1 task at 100/200: new healthy, old goes', 1, 100, 200, 2, 1, 1, 1, 1, 0, 0, 0, 1],
    ['scale-in during rollout keeps healthy tasks when surplus is unhealthy', 2, 100, 200, 6, 4, 2, 2, 2, 0, 2, 0, 2],
  ])('%s', (_name, desired, min, max, occupying, primaryLive, primaryHealthy, oldLive, oldHealthy, start, surplus, oldUnhealthy, oldStop) => {
    const step = rollingStep({
      desired,
      minimumHealthyPercent: min,
      maximumPercent: max,
      occupying,
      primaryLive,
      primaryHealthy,
      oldLive,
      oldHealthy,
      mayStart: desired > 0,
      mayReplace: true,
    });
    expect([step.start, step.stopPrimarySurplus, step.stopOldUnhealthy, step.stopOldHealthy]).toEqual([start, surplus, oldUnhealthy, oldStop]);
    // The bounds hold after the step: never above max, never fewer healthy than min (except by scale-in).
    expect(occupying + step.start).toBeLessThanOrEqual(Math.max(occupying, maxTasks(desired, max)));
  });

  it('a deployment that may not progress starts nothing and keeps old tasks', () => {
    const step = rollingStep({
      desired: 4,
      minimumHealthyPercent: 0,
      maximumPercent: 200,
      occupying: 4,
      primaryLive: 2,
      primaryHealthy: 0,
      oldLive: 2,
      oldHealthy: 2,
      mayStart: false,
      mayReplace: false,
    });
    expect(step).toMatchObject({ start: 0, stopOldUnhealthy: 0, stopOldHealthy: 0 });
  });

  it.each([
    [4, 100, 200, 4, 8],
    [4, 50, 100, 2, 4],
    [3, 50, 150, 2, 4],
    [5, 33, 125, 2, 6],
    [0, 100, 200, 0, 0],
  ])('desired %i at %i/%i: min %i healthy, max %i tasks', (desired, min, max, lo, hi) => {
    expect(minHealthyTasks(desired, min)).toBe(lo);
    expect(maxTasks(desired, max)).toBe(hi);
  });
});
