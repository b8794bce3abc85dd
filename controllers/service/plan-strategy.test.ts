/** The service plan with deployment strategies, user actions, breaker thresholds and task protection (pure). */
import { describe, expect, it } from 'vitest';
import type { PlanInput, ServicePlan } from './plan.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { D1, D2, deployment, iso, planAt, stoppedNames, svc, T0, task, td, type TaskOpts } from './testing.js';
import type { ObjectOf } from '../kit/types.js';
import { Task } from '../../api/v1/index.js';
import { trafficPlan } from './strategy/traffic.js';

const settings = { ...DEFAULT_SETTINGS, settleMs: 10_000 };
const BG = { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, berthMinuteSeconds: 1 };

const dep = (id: string, taskDefinition: string, status: 'PRIMARY' | 'ACTIVE', rolloutState = 'COMPLETED', extra: Record<string, unknown> = {}) =>
  deployment(id, taskDefinition, status, rolloutState, extra);
const on = (deployment: string, taskDefinition: string, n: number, prefix: string, o: TaskOpts = {}) =>
  Array.from({ length: n }, (_, i) => task(`${prefix}${i}`, { deployment, taskDefinition, ...o }));
const protect = (t: ObjectOf<'Task'>, until = T0 + 60_000) =>
  Task.parse({ ...t, spec: { ...t.spec, protection: { protectionEnabled: true, expirationDate: iso(until) } } });
const plan = (service: ObjectOf<'Service'>, tasks: ObjectOf<'Task'>[], extra: Partial<PlanInput> = {}): ServicePlan =>
  planAt(service, tasks, [td(1), td(2)], settings, extra);
const stopped = stoppedNames;
/** web:1 settled under D1 (4 healthy blue tasks b0-b3); the spec asks for web:2. */
const blueSettled = (config: Record<string, unknown>, deployments: Record<string, unknown>[] = [dep(D1, 'web:1', 'PRIMARY')]) =>
  svc({ taskDefinition: 'web:2', deploymentConfiguration: config }, { taskDefinition: 'web:1', resolvedTaskDefinition: 'web:1', deployments });
const rolloutAt = (stage: string, extra: Record<string, unknown> = {}) => ({
  strategy: 'BLUE_GREEN',
  stage,
  stageStartedAt: iso(T0 - 1_000),
  blue: D1,
  productionTrafficWeight: 100,
  testTrafficWeight: 100,
  ...extra,
});

describe('planService with BLUE_GREEN', () => {
  it('a new revision starts green at its full count beside blue (maximumPercent does not bound it), stopping nothing', () => {
    const p = plan(blueSettled({ ...BG, maximumPercent: 150 }), on(D1, 'web:1', 4, 'b'));
    const green = p.deployments.find((d) => d.status === 'PRIMARY');
    expect(green?.rollout).toMatchObject({ strategy: 'BLUE_GREEN', stage: 'SCALE_UP', blue: D1, productionTrafficWeight: 0 });
    expect(p.start?.count).toBe(4);
    expect(p.stop).toEqual([]);
    expect(p.stages).toEqual(expect.arrayContaining([`${green?.id}: SCALE_UP`]));
  });

  it.each([
    ['BAKE_TIME (bake not over)', rolloutAt('BAKE_TIME', { bakeEndsAt: iso(T0 + 500) }), [], 'BAKE_TIME'],
    ['BAKE_TIME (bake over): blue goes', rolloutAt('BAKE_TIME', { bakeEndsAt: iso(T0) }), ['b0', 'b1', 'b2', 'b3'], 'CLEAN_UP'],
    ['CLEAN_UP: blue goes', rolloutAt('CLEAN_UP'), ['b0', 'b1', 'b2', 'b3'], 'CLEAN_UP'],
  ])('green healthy, %s', (_, rollout, stops, stage) => {
    const service = blueSettled(BG, [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS', { rollout }), dep(D1, 'web:1', 'ACTIVE')]);
    const p = plan({ ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } }, [
      ...on(D1, 'web:1', 4, 'b'),
      ...on(D2, 'web:2', 4, 'g'),
    ]);
    expect(stopped(p)).toEqual(stops);
    expect(p.deployments.find((d) => d.id === D2)?.rollout?.stage).toBe(stage);
  });

  it('green completes once blue is gone', () => {
    const service = blueSettled(BG, [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS', { rollout: rolloutAt('CLEAN_UP') })]);
    const p = plan({ ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } }, on(D2, 'web:2', 4, 'g'));
    expect(p.deployments.find((d) => d.id === D2)?.rolloutState).toBe('COMPLETED');
  });

  it.each([
    ['STOP', 'stopped by the user'],
    ['ROLLBACK', 'rolled back by the user'],
  ])('berth rollout %s in BAKE_TIME fails green and returns to blue, whose tasks stay; green stays until the proxies route it', (action, reason) => {
    const service = blueSettled(BG, [
      dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS', { rollout: rolloutAt('BAKE_TIME', { bakeEndsAt: iso(T0 + 60_000) }) }),
      dep(D1, 'web:1', 'ACTIVE'),
    ]);
    const p = plan(
      { ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } },
      [...on(D1, 'web:1', 4, 'b'), ...on(D2, 'web:2', 4, 'g')],
      { strategy: { action: { action: action as 'STOP', deployment: D2, at: iso(T0) } } },
    );
    expect(p.deployments.find((d) => d.id === D2)).toMatchObject({ rolloutState: 'FAILED', rolloutStateReason: expect.stringContaining(reason) });
    expect(p.deployments.find((d) => d.status === 'PRIMARY')).toMatchObject({ id: D1, rollbackFrom: D2 });
    expect(p.deployments.find((d) => d.id === D2)?.rollout?.trafficPending).toEqual({ since: iso(T0), loadBalancers: {} });
    expect(stopped(p)).toEqual([]);
  });

  // The weights that returned traffic to blue are pending on the failed deployment (D2) until every
  // proxy routes them: a request still sent to green must find its tasks.
  const returned = (pending: boolean) => [
    dep(D1, 'web:1', 'PRIMARY', 'IN_PROGRESS', { rollbackFrom: D2, trafficReturnedAt: iso(T0 - 1_000) }),
    dep(D2, 'web:2', 'ACTIVE', 'FAILED', {
      rollout: rolloutAt('BAKE_TIME', pending ? { trafficPending: { since: iso(T0 - 1_000), loadBalancers: { web: 7 } } } : {}),
    }),
  ];
  it.each([
    ['the proxies do not route it yet: green stays', true, false, [], true],
    ['the proxies route it: green goes', true, true, ['g0', 'g1', 'g2', 'g3'], false],
    ['nothing pending: green goes', false, undefined, ['g0', 'g1', 'g2', 'g3'], false],
  ])('a rollback whose traffic returned: %s', (_name, pending, trafficApplied, stops, stillPending) => {
    const service = blueSettled(BG, returned(pending));
    const p = plan(
      { ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } },
      [...on(D1, 'web:1', 4, 'b'), ...on(D2, 'web:2', 4, 'g')],
      { strategy: trafficApplied === undefined ? {} : { trafficApplied } },
    );
    expect(stopped(p)).toEqual(stops);
    expect(p.deployments.find((d) => d.id === D2)?.rollout?.trafficPending !== undefined).toBe(stillPending);
    expect(trafficPlan(p.deployments)?.production).toEqual([{ deployment: D1, weight: 100, side: 'PRIMARY' }]);
    if (stillPending) expect(p.requeueAfterMs).toBeLessThanOrEqual(500);
  });

  // ECS: a deployment is IN_PROGRESS until clean-up ends, and a rollback of it restores the blue
  // revision before traffic shifts back. Blue (D1) had 2 of its 4 tasks left; green (D2) all the traffic.
  const cleanUpFailed = dep(D2, 'web:2', 'ACTIVE', 'FAILED', { rollout: rolloutAt('CLEAN_UP') });
  const rollingBack = (extra: Record<string, unknown> = {}) => dep(D1, 'web:1', 'PRIMARY', 'IN_PROGRESS', { rollbackFrom: D2, ...extra });
  const toGreen = [{ deployment: D2, weight: 100, side: 'PRIMARY' }];
  const toBlue = [{ deployment: D1, weight: 100, side: 'PRIMARY' }];
  it.each([
    [
      'the rollback pass: blue scales back up beside green, traffic stays on green, no green task stops',
      [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS', { rollout: rolloutAt('CLEAN_UP') }), dep(D1, 'web:1', 'ACTIVE')],
      [...on(D1, 'web:1', 2, 'b'), ...on(D2, 'web:2', 4, 'g')],
      { strategy: { action: { action: 'ROLLBACK' as const, deployment: D2, at: iso(T0) } } },
      { start: 2, stops: [], production: toGreen, returned: false },
    ],
    [
      'blue at its count but two tasks not healthy yet: still held',
      [rollingBack(), cleanUpFailed],
      [...on(D1, 'web:1', 2, 'b'), ...on(D1, 'web:1', 2, 'n', { startedAgo: 1_000 }), ...on(D2, 'web:2', 4, 'g')],
      {},
      { start: 0, stops: [], production: toGreen, returned: false },
    ],
    [
      'blue healthy at its count: traffic returns to blue; green stays until the proxies route it',
      [rollingBack(), cleanUpFailed],
      [...on(D1, 'web:1', 4, 'b'), ...on(D2, 'web:2', 4, 'g')],
      {},
      { start: 0, stops: [], production: toBlue, returned: true },
    ],
    [
      'a rollback before CLEAN_UP (blue never scaled down): traffic returns at once',
      [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS', { rollout: rolloutAt('BAKE_TIME', { bakeEndsAt: iso(T0 + 60_000) }) }), dep(D1, 'web:1', 'ACTIVE')],
      [...on(D1, 'web:1', 4, 'b'), ...on(D2, 'web:2', 4, 'g')],
      { strategy: { action: { action: 'ROLLBACK' as const, deployment: D2, at: iso(T0) } } },
      { start: 0, stops: [], production: toBlue, returned: true },
    ],
  ])('berth rollout rollback from CLEAN_UP: %s', (_name, deployments, tasks, extra, want) => {
    const service = blueSettled(BG, deployments);
    const p = plan({ ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } }, tasks, extra);
    const primary = p.deployments.find((d) => d.status === 'PRIMARY');
    expect(primary).toMatchObject({ id: D1, rollbackFrom: D2 });
    expect(p.start?.count ?? 0).toBe(want.start);
    expect(stopped(p)).toEqual(want.stops);
    expect(trafficPlan(p.deployments)?.production).toEqual(want.production);
    expect(primary?.trafficReturnedAt !== undefined).toBe(want.returned);
  });

  it('a rollback to a blue that itself rolled out blue/green starts without its old stages', () => {
    const blue = dep(D1, 'web:1', 'ACTIVE', 'COMPLETED', { rollout: rolloutAt('CLEAN_UP', { blue: 'ecs-svc/0' }) });
    const service = blueSettled(BG, [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS', { rollout: rolloutAt('BAKE_TIME', { bakeEndsAt: iso(T0 + 60_000) }) }), blue]);
    const p = plan(
      { ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } },
      [...on(D1, 'web:1', 4, 'b'), ...on(D2, 'web:2', 4, 'g')],
      { strategy: { action: { action: 'ROLLBACK', deployment: D2, at: iso(T0) } } },
    );
    const primary = p.deployments.find((d) => d.status === 'PRIMARY');
    expect(primary).toMatchObject({ id: D1, rollbackFrom: D2 });
    expect(primary?.rollout).toBeUndefined();
  });

  it('berth rollout stop also stops a ROLLING deployment', () => {
    const service = blueSettled({}, [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'), dep(D1, 'web:1', 'ACTIVE')]);
    const p = plan({ ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } }, on(D1, 'web:1', 4, 'b'), {
      strategy: { action: { action: 'STOP', deployment: D2, at: iso(T0) } },
    });
    expect(p.deployments.find((d) => d.status === 'PRIMARY')?.id).toBe(D1);
  });
});

describe('planService: circuit breaker thresholdConfiguration and resetOnHealthyTask', () => {
  const failing = (n: number, startedAgo = 60_000) => on(D2, 'web:2', n, 'f', { lastStatus: 'STOPPED', startedAgo });
  const rollingTo2 = (breaker: Record<string, unknown>) =>
    blueSettled({ deploymentCircuitBreaker: { enable: true, rollback: true, ...breaker } }, [
      dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'),
      dep(D1, 'web:1', 'ACTIVE'),
    ]);
  it.each([
    ['COUNT 2, 2 failed', { thresholdConfiguration: { type: 'COUNT', value: 2 } }, 2, [], true],
    ['COUNT 3, 2 failed', { thresholdConfiguration: { type: 'COUNT', value: 3 } }, 2, [], false],
    ['BOUNDED_PERCENT 50 of 4 is clamped to 3; 2 failed', { thresholdConfiguration: { type: 'BOUNDED_PERCENT', value: 50 } }, 2, [], false],
    ['UNBOUNDED_PERCENT 50 of 4 is 2; 2 failed', { thresholdConfiguration: { type: 'UNBOUNDED_PERCENT', value: 50 } }, 2, [], true],
    [
      'COUNT 2, 2 failed before a green task became healthy (reset)',
      { thresholdConfiguration: { type: 'COUNT', value: 2 } },
      2,
      on(D2, 'web:2', 1, 'g', { startedAgo: 30_000 }),
      false,
    ],
    [
      'COUNT 2, the same without resetOnHealthyTask',
      { thresholdConfiguration: { type: 'COUNT', value: 2 }, resetOnHealthyTask: false },
      2,
      on(D2, 'web:2', 1, 'g', { startedAgo: 30_000 }),
      true,
    ],
  ])('%s', (_, breaker, failed, others, trips) => {
    const service = rollingTo2(breaker);
    const p = plan({ ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } }, [
      ...on(D1, 'web:1', 4, 'b'),
      ...failing(failed),
      ...others,
    ]);
    // Tripped: rolled back to D1 (D2, drained of live tasks, may be dropped from the list).
    if (trips) expect(p.deployments.find((d) => d.status === 'PRIMARY')).toMatchObject({ id: D1, rollbackFrom: D2 });
    else expect(p.deployments.find((d) => d.id === D2)).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
  });
});

describe('planService: task scale-in protection', () => {
  const settled = (spec: Record<string, unknown>) =>
    svc(spec, { taskDefinition: 'web:1', resolvedTaskDefinition: 'web:1', deployments: [dep(D1, 'web:1', 'PRIMARY')] });
  it.each([
    ['scale-in 4 → 2, a0 a1 protected', { desiredCount: 2 }, ['a0', 'a1'], T0 + 60_000, ['a2', 'a3']],
    ['scale-in 4 → 1, three protected: only one may go', { desiredCount: 1 }, ['a0', 'a1', 'a2'], T0 + 60_000, ['a3']],
    ['scale-in 4 → 2, protection expired', { desiredCount: 2 }, ['a0', 'a1', 'a2', 'a3'], T0, ['a0', 'a1']],
  ])('%s', (_, spec, protectedNames, until, stops) => {
    const tasks = on(D1, 'web:1', 4, 'a').map((t) => (protectedNames.includes(t.metadata.name) ? protect(t, until) : t));
    const p = plan(settled(spec), tasks);
    expect(stopped(p)).toEqual(stops);
    if (until > T0) expect(p.requeueAfterMs).toBeLessThanOrEqual(until - T0);
  });

  it('a rolling deployment does not replace a protected old task until its protection lapses', () => {
    const service = blueSettled({ minimumHealthyPercent: 0, maximumPercent: 200 }, [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'), dep(D1, 'web:1', 'ACTIVE')]);
    const tasks = [...on(D1, 'web:1', 4, 'b').map((t, i) => (i === 0 ? protect(t) : t)), ...on(D2, 'web:2', 4, 'g')];
    const p = plan({ ...service, status: service.status && { ...service.status, resolvedTaskDefinition: 'web:2' } }, tasks);
    expect(stopped(p)).toEqual(['b1', 'b2', 'b3']);
    expect(p.deployments.find((d) => d.id === D2)?.rolloutState).toBe('IN_PROGRESS');
  });
});

describe('planService: which target group a deployment registers in (advancedConfiguration)', () => {
  const lbs = [
    {
      targetGroupName: 'tg-a',
      containerName: 'web',
      containerPort: 8080,
      advancedConfiguration: { alternateTargetGroupName: 'tg-b', productionListenerRule: 'front/80/default' },
    },
  ];
  const withLb = (config: Record<string, unknown>, deployments: Record<string, unknown>[]) =>
    svc(
      { taskDefinition: 'web:2', deploymentConfiguration: config, loadBalancers: lbs },
      { taskDefinition: 'web:1', resolvedTaskDefinition: 'web:1', deployments },
    );
  it.each([
    ['a staged deployment takes the side blue does not use', BG, undefined, 'ALTERNATE'],
    ['the next one alternates back', BG, 'ALTERNATE', 'PRIMARY'],
    ['a rolling one stays where production is', {}, 'ALTERNATE', 'ALTERNATE'],
    ['a rolling one after the first', {}, undefined, 'PRIMARY'],
  ])('%s', (_, config, blueSide, greenSide) => {
    const blue = dep(D1, 'web:1', 'PRIMARY', 'COMPLETED', blueSide === undefined ? {} : { targetGroupSide: blueSide });
    const p = plan(withLb(config, [blue]), on(D1, 'web:1', 4, 'b'));
    const green = p.deployments.find((d) => d.status === 'PRIMARY');
    expect(green?.taskDefinition).toBe('web:2');
    expect(green?.targetGroupSide).toBe(greenSide);
  });

  it('a service without advancedConfiguration gets no side', () => {
    const p = plan(blueSettled(BG), on(D1, 'web:1', 4, 'b'));
    expect(p.deployments.map((d) => d.targetGroupSide)).toEqual([undefined, undefined]);
  });
});
