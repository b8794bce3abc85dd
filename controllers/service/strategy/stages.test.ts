import { describe, expect, it } from 'vitest';
import { DeploymentConfiguration } from '../../../api/v1/service.js';
import type { DeploymentRollout, RolloutStage } from '../../../api/v1/deployment-strategy.js';
import { advanceStage, beginRollout, dueWebhooks, TRAFFIC_POLL_MS, type HookAnswer, type StageInput } from './stages.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const S = 1000; // berthMinuteSeconds 1: a "minute" is a second
const ID = 'ecs-svc/123';
// The stage machine alone: LINEAR and CANARY without a load balancer are refused by ServiceSpec, not here.
const config = (c: Record<string, unknown>) => DeploymentConfiguration.parse({ berthMinuteSeconds: 1, ...c });

/** `applied`: whether the proxies route the weights stored (default: they do by the next pass, at the same time). */
type Step = { at: number; green?: { live: number; healthy: number }; answers?: [string, HookAnswer][]; action?: StageInput['action']; applied?: boolean };

/**
 * Runs the machine from its start through `steps` (time in ms after T0), returns the stage, weights
 * and failure after each. Weights a pass stores are pending; unless the step says the proxies have
 * not applied them, the next pass (at the same time) sees them applied, as many times as needed.
 */
function run(c: ReturnType<typeof config>, steps: Step[]) {
  let rollout: DeploymentRollout = beginRollout(c, ID, 'ecs-svc/blue', T0);
  const seen: { stage: RolloutStage; prod: number; test: number; fail?: string; scale: boolean; remove: boolean; pending: boolean; nextStepAt?: string }[] = [];
  for (const s of steps) {
    const pass = (r: DeploymentRollout) =>
      advanceStage({
        config: c,
        rollout: r,
        deploymentId: ID,
        desired: 2,
        green: s.green ?? { live: 2, healthy: 2 },
        hookAnswers: new Map(s.answers ?? []),
        action: s.action,
        trafficApplied: s.applied ?? true,
        now: T0 + s.at,
      });
    let o = pass(rollout);
    for (let guard = 0; s.applied !== false && o.fail === undefined && o.rollout.trafficPending !== undefined && guard < 10; guard++) o = pass(o.rollout);
    rollout = o.rollout;
    seen.push({
      stage: o.rollout.stage,
      prod: o.rollout.productionTrafficWeight,
      test: o.rollout.testTrafficWeight,
      scale: o.mayScaleGreen,
      remove: o.mayRemoveBlue,
      pending: o.rollout.trafficPending !== undefined,
      ...(o.rollout.nextStepAt ? { nextStepAt: o.rollout.nextStepAt } : {}),
      ...(o.fail ? { fail: o.fail } : {}),
    });
  }
  return { seen, rollout };
}

const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('deployment stages', () => {
  it.each([
    {
      name: 'BLUE_GREEN waits for green to be healthy, shifts all at once, bakes, then cleans up',
      c: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 },
      steps: [{ at: 0, green: { live: 0, healthy: 0 } }, { at: 100, green: { live: 2, healthy: 1 } }, { at: 200 }, { at: 2100 }, { at: 2300 }],
      want: [
        { stage: 'SCALE_UP', prod: 0, scale: true, remove: false },
        { stage: 'SCALE_UP', prod: 0, scale: true, remove: false },
        { stage: 'BAKE_TIME', prod: 100, test: 100, remove: false },
        { stage: 'BAKE_TIME', prod: 100 },
        { stage: 'CLEAN_UP', prod: 100, remove: true },
      ],
    },
    {
      name: 'CANARY: canaryPercent, bake, then the rest',
      c: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 } },
      steps: [{ at: 0 }, { at: 2 * S }, { at: 3 * S }],
      want: [
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 10 },
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 10 },
        { stage: 'CLEAN_UP', prod: 100 },
      ],
    },
    {
      name: 'LINEAR: steps of stepPercent, each baked',
      c: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 40, stepBakeTimeInMinutes: 1 } },
      steps: [{ at: 0 }, { at: 1 * S }, { at: 2 * S }, { at: 3 * S }],
      want: [
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 40 },
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 80 },
        { stage: 'CLEAN_UP', prod: 100 },
        { stage: 'CLEAN_UP', prod: 100 },
      ],
    },
    {
      name: 'LINEAR: a step bakes from when the proxies route it, not from when it was stored',
      c: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 40, stepBakeTimeInMinutes: 1 } },
      steps: [{ at: 0 }, { at: 1 * S, applied: false }, { at: 1.5 * S, applied: false }, { at: 2 * S }, { at: 2.9 * S }, { at: 3 * S, applied: false }],
      want: [
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 40, pending: false, nextStepAt: at(1 * S) },
        // The 80 % step is stored at 1 s; no proxy has it yet: no bake runs, no further step.
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 80, pending: true },
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 80, pending: true },
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 80, pending: false, nextStepAt: at(3 * S) },
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 80, pending: false },
        { stage: 'PRODUCTION_TRAFFIC_SHIFT', prod: 100, pending: true },
      ],
    },
    {
      name: 'BLUE_GREEN: BAKE_TIME begins when the proxies route production, and the test listener first',
      c: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 },
      steps: [{ at: 0, applied: false }, { at: 1 * S, applied: false }, { at: 2 * S }, { at: 3.9 * S }, { at: 4 * S }],
      want: [
        { stage: 'TEST_TRAFFIC_SHIFT', test: 100, prod: 0, pending: true },
        { stage: 'TEST_TRAFFIC_SHIFT', test: 100, prod: 0, pending: true },
        { stage: 'BAKE_TIME', prod: 100, pending: false },
        { stage: 'BAKE_TIME', prod: 100 },
        { stage: 'CLEAN_UP', prod: 100, remove: true },
      ],
    },
    {
      name: 'a PAUSE hook holds POST_TEST_TRAFFIC_SHIFT until continued',
      c: { strategy: 'BLUE_GREEN', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }] },
      steps: [{ at: 0 }, { at: 5 * S }, { at: 6 * S, action: { action: 'CONTINUE' as const, deployment: ID, at: new Date(T0 + 6 * S).toISOString() } }],
      want: [{ stage: 'POST_TEST_TRAFFIC_SHIFT', test: 100, prod: 0 }, { stage: 'POST_TEST_TRAFFIC_SHIFT' }, { stage: 'CLEAN_UP', prod: 100 }],
    },
    {
      name: 'a PAUSE hook that times out with CONTINUE goes on',
      c: {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 2, action: 'CONTINUE' } }],
      },
      steps: [{ at: 0 }, { at: 1 * S }, { at: 2 * S }],
      want: [{ stage: 'PRE_SCALE_UP', scale: false }, { stage: 'PRE_SCALE_UP', scale: false }, { stage: 'CLEAN_UP' }],
    },
    {
      name: 'a PAUSE hook that times out with ROLLBACK fails the deployment',
      c: {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 2 } }],
      },
      steps: [{ at: 0 }, { at: 2 * S }],
      want: [{ stage: 'POST_SCALE_UP' }, { stage: 'POST_SCALE_UP', fail: 'timed out' }],
    },
    {
      name: 'berth rollout rollback during a pause fails it',
      c: { strategy: 'BLUE_GREEN', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }] },
      steps: [{ at: 0 }, { at: 10, action: { action: 'ROLLBACK' as const, deployment: ID, at: new Date(T0).toISOString() } }],
      want: [{ stage: 'POST_SCALE_UP' }, { stage: 'POST_SCALE_UP', fail: 'rolled back by the user' }],
    },
    {
      name: 'a CONTINUE given before the pause began does not release it',
      c: { strategy: 'BLUE_GREEN', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }] },
      steps: [{ at: 10, action: { action: 'CONTINUE' as const, deployment: ID, at: new Date(T0 - 1).toISOString() } }],
      want: [{ stage: 'POST_SCALE_UP' }],
    },
  ])('$name', ({ c, steps, want }) => {
    const { seen } = run(config(c), steps);
    want.forEach((w, i) => {
      const { fail, ...rest } = w as typeof w & { fail?: string };
      expect(seen[i]).toMatchObject(rest);
      if (fail) expect(seen[i]?.fail).toContain(fail);
      else expect(seen[i]?.fail).toBeUndefined();
    });
  });

  it.each([
    // On to the traffic stages, whose test weights then wait for the proxies.
    ['SUCCEEDED goes on', { hookStatus: 'SUCCEEDED' } as HookAnswer, 'TEST_TRAFFIC_SHIFT', undefined],
    ['FAILED fails the deployment', { hookStatus: 'FAILED' } as HookAnswer, 'POST_SCALE_UP', 'answered FAILED'],
    ['an unreachable webhook fails it', { error: 'connection refused' } as HookAnswer, 'POST_SCALE_UP', 'connection refused'],
    ['IN_PROGRESS waits and is called again', { hookStatus: 'IN_PROGRESS', callBackDelay: 2 } as HookAnswer, 'POST_SCALE_UP', undefined],
  ])('a webhook that answers %s', (_, answer, stage, fail) => {
    const c = config({ strategy: 'BLUE_GREEN', lifecycleHooks: [{ hookTargetArn: 'http://127.0.0.1:9/h', lifecycleStages: ['POST_SCALE_UP'] }] });
    const first = run(c, [{ at: 0 }]);
    const due = dueWebhooks(first.rollout, T0);
    expect(due.map((h) => h.stage)).toEqual(['POST_SCALE_UP']);
    const o = advanceStage({
      config: c,
      rollout: first.rollout,
      deploymentId: ID,
      desired: 2,
      green: { live: 2, healthy: 2 },
      hookAnswers: new Map([[due[0]?.hookId ?? '', answer]]),
      now: T0 + 10,
    });
    expect(o.rollout.stage).toBe(stage);
    if (fail) expect(o.fail).toContain(fail);
    else expect(o.fail).toBeUndefined();
    if ('hookStatus' in answer && answer.hookStatus === 'IN_PROGRESS') {
      expect(dueWebhooks(o.rollout, T0 + 10)).toEqual([]);
      expect(dueWebhooks(o.rollout, T0 + 10 + 2000)).toHaveLength(1);
      expect(o.wakeAt).toBe(T0 + 10 + 2000);
    }
  });

  it('while weights are pending the machine looks again soon (a service no proxy reports on has nothing else to wake it)', () => {
    const c = config({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 40, stepBakeTimeInMinutes: 1 } });
    const o = advanceStage({
      config: c,
      rollout: beginRollout(c, ID, 'ecs-svc/blue', T0),
      deploymentId: ID,
      desired: 2,
      green: { live: 2, healthy: 2 },
      now: T0,
    });
    expect(o.rollout.trafficPending).toEqual({ since: at(0), loadBalancers: {} });
    expect(o.wakeAt).toBe(T0 + TRAFFIC_POLL_MS);
  });

  it('an alarm in ALARM during the bake fails the deployment', () => {
    const c = config({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, berthAlarms: [{ name: 'errors', type: 'HTTP', url: 'http://127.0.0.1:9/' }] });
    const { rollout } = run(c, [{ at: 0 }]);
    expect(rollout.stage).toBe('BAKE_TIME');
    const ok = advanceStage({
      config: c,
      rollout,
      deploymentId: ID,
      desired: 2,
      green: { live: 2, healthy: 2 },
      alarms: [{ name: 'errors', state: 'OK', checkedAt: new Date(T0).toISOString() }],
      now: T0 + 500,
    });
    expect(ok.fail).toBeUndefined();
    const bad = advanceStage({
      config: c,
      rollout: ok.rollout,
      deploymentId: ID,
      desired: 2,
      green: { live: 2, healthy: 2 },
      alarms: [{ name: 'errors', state: 'ALARM', reason: 'HTTP 500', checkedAt: new Date(T0).toISOString() }],
      now: T0 + 1000,
    });
    expect(bad.fail).toContain('deployment alarm errors fired during BAKE_TIME: HTTP 500');
  });
});
