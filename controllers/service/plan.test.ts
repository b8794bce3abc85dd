import { describe, expect, it } from 'vitest';
import { HEALTH_CHECK_STOP_REASON } from './circuit-breaker.js';
import { deploymentId } from './deployments.js';
import { nextStatus } from './events.js';
import type { PlanInput, ServicePlan } from './plan.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { D1, D2, deployment, iso, planAt, stoppedNames, svc, T0, task, td } from './testing.js';
import type { ObjectOf } from '../kit/types.js';

const SETTLE = 10_000;
const settings = { ...DEFAULT_SETTINGS, settleMs: SETTLE };
const dep = (id: string, taskDefinition: string, status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE', rolloutState = 'COMPLETED', failedTasks = 0) =>
  deployment(id, taskDefinition, status, rolloutState, { failedTasks });
/** A service settled on web:1 under D1. */
const settled = (spec: Record<string, unknown> = {}, extra: Record<string, unknown>[] = [], d1State = 'COMPLETED') =>
  svc(spec, { taskDefinition: 'web:1', deployments: [dep(D1, 'web:1', 'PRIMARY', d1State), ...extra] });
const healthyOn = (dep: string, taskDefinition: string, n: number, prefix = 'a') =>
  Array.from({ length: n }, (_, i) => task(`${prefix}${i}`, { deployment: dep, taskDefinition }));
const plan = (service: ObjectOf<'Service'>, tasks: ObjectOf<'Task'>[], defs = [td(1)], extra: Partial<PlanInput> = {}): ServicePlan =>
  planAt(service, tasks, defs, settings, extra);
const stopped = stoppedNames;

describe('planService', () => {
  it.each([
    ['web', [td(1), td(2), td(3, { inactive: true })], 'web:2'],
    ['web:1', [td(1), td(2)], 'web:1'],
    ['web', [td(1, { family: 'other' }), td(4)], 'web:4'],
  ])('a new service on %s starts its desired tasks under a new PRIMARY deployment of the resolved revision', (ref, defs, revision) => {
    const p = plan(svc({ taskDefinition: ref }), [], defs);
    expect(p.taskDefinition).toBe(revision);
    expect(p.deployments).toHaveLength(1);
    expect(p.deployments[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: revision, rolloutState: 'IN_PROGRESS', desiredCount: 4 });
    expect(p.start).toEqual({ count: 4, deployment: p.deployments[0]?.id, taskDefinition: revision });
    expect(p.notes).toEqual([{ type: 'created', id: p.deployments[0]?.id, taskDefinition: revision }]);
  });

  it.each([
    ['web:7', [td(1)], /web:7 does not exist/],
    ['web:1', [td(1, { inactive: true }), td(2)], /web:1 is INACTIVE/],
    ['web', [td(1, { inactive: true })], /no ACTIVE revision/],
    ['web', [], /has no revisions/],
  ])('%s that cannot be resolved: a problem, no deployment, nothing started', (ref, defs, problem) => {
    const p = plan(svc({ taskDefinition: ref }), [], defs);
    expect(p.problem).toMatch(problem);
    expect(p.deployments).toEqual([]);
    expect(p.start).toBeUndefined();
    expect(p.stop).toEqual([]);
  });

  it('a settled service is steady: nothing to start or stop, no status change', () => {
    const service = settled();
    const p = plan(service, healthyOn(D1, 'web:1', 4));
    expect(p).toMatchObject({ steady: true, stop: [], start: undefined, runningCount: 4, pendingCount: 0, notes: [] });
    // Planning again from what this plan would write changes nothing (no status churn).
    const again = plan(svc({}, { taskDefinition: 'web:1', deployments: p.deployments }), healthyOn(D1, 'web:1', 4), [td(1)], { now: T0 + 60_000 });
    expect(again.deployments).toEqual(p.deployments);
  });

  it('a rollout completes once every desired task is healthy and nothing else runs', () => {
    const p = plan(settled({}, [], 'IN_PROGRESS'), healthyOn(D1, 'web:1', 4));
    expect(p.deployments[0]).toMatchObject({ rolloutState: 'COMPLETED', rolloutStateReason: `ECS deployment ${D1} completed.`, updatedAt: iso(T0) });
    expect(p.notes).toEqual([{ type: 'completed', id: D1 }]);
    expect(p.steady).toBe(true);
  });

  it.each([
    ['crashed', { lastStatus: 'STOPPED' as const }],
    ['lost with its instance', { lastStatus: 'STOPPED' as const, desiredStatus: 'STOPPED' as const, connectivity: 'DISCONNECTED' as const }],
  ])('a task that %s is replaced', (_why, opts) => {
    const p = plan(settled(), [...healthyOn(D1, 'web:1', 3), task('x', { deployment: D1, ...opts })]);
    expect(p.start).toEqual({ count: 1, deployment: D1, taskDefinition: 'web:1' });
    expect(p.stop).toEqual([]);
    expect(p.steady).toBe(false);
  });

  it.each([
    [6, 2, []],
    [2, 0, ['a2', 'a3']],
    [0, 0, ['a0', 'a1', 'a2', 'a3']],
  ])('desiredCount %i: starts %i, stops %j', (desiredCount, starts, stops) => {
    const p = plan(
      settled({ desiredCount }),
      healthyOn(D1, 'web:1', 4).map((t, i) => ({ ...t, status: { ...t.status!, createdAt: iso(T0 - 1000 * (10 - i)) } })),
    );
    expect(p.start?.count ?? 0).toBe(starts);
    expect(stopped(p)).toEqual(stops);
    expect(p.stop.every((s) => s.reason === `Scaling activity initiated by (deployment ${D1})`)).toBe(true);
  });

  it('scale-in stops unplaced, then not-yet-running tasks before healthy ones', () => {
    const tasks = [
      ...healthyOn(D1, 'web:1', 3),
      task('p', { deployment: D1, lastStatus: 'PENDING' }),
      task('b', { deployment: D1, lastStatus: 'PENDING', instance: 'i-2' }),
    ];
    expect(stopped(plan(settled({ desiredCount: 4 }), tasks))).toEqual(['p']);
    expect(stopped(plan(settled({ desiredCount: 3 }), tasks))).toEqual(['b', 'p']);
    expect(stopped(plan(settled({ desiredCount: 2 }), tasks))).toHaveLength(3);
  });

  it('scale-in with spread stops from the most crowded instance', () => {
    const tasks = [
      task('a', { deployment: D1, instance: 'i-1' }),
      task('b', { deployment: D1, instance: 'i-1' }),
      task('c', { deployment: D1, instance: 'i-2' }),
    ];
    const p = plan(settled({ desiredCount: 2, placementStrategy: [{ type: 'spread', field: 'instanceId' }] }), tasks);
    expect(stopped(p).length).toBe(1);
    expect(['a', 'b']).toContain(stopped(p)[0]);
  });

  describe('a new revision', () => {
    const defs = [td(1), td(2)];
    const D2id = deploymentId('uid-web', D1, 'web:2');

    it('100/200: a new PRIMARY, the old one ACTIVE; 4 new start, no old task stops yet', () => {
      const p = plan(settled(), healthyOn(D1, 'web:1', 4), defs);
      expect(p.taskDefinition).toBe('web:2');
      expect(p.deployments.map((d) => [d.id, d.status, d.taskDefinition])).toEqual([
        [D2id, 'PRIMARY', 'web:2'],
        [D1, 'ACTIVE', 'web:1'],
      ]);
      expect(p.start).toEqual({ count: 4, deployment: D2id, taskDefinition: 'web:2' });
      expect(p.stop).toEqual([]);
    });

    it('50/100: half the old tasks stop, nothing starts until they are gone', () => {
      const p = plan(settled({ deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 } }), healthyOn(D1, 'web:1', 4), defs);
      expect(p.start).toBeUndefined();
      expect(p.stop).toHaveLength(2);
      expect(p.stop[0]?.reason).toBe(`Scaling activity initiated by (deployment ${D2id})`);
    });

    const rolling = (spec: Record<string, unknown> = {}) =>
      svc(spec, { taskDefinition: 'web:2', deployments: [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'), dep(D1, 'web:1', 'ACTIVE')] });

    it('old tasks stop only as new ones become healthy (settle time without health checks)', () => {
      const fresh = (n: number, ago: number) =>
        Array.from({ length: n }, (_, i) => task(`n${i}-${ago}`, { deployment: D2, taskDefinition: 'web:2', startedAgo: ago }));
      const notYet = plan(rolling(), [...healthyOn(D1, 'web:1', 4), ...fresh(4, 4_000)], defs);
      expect(notYet.stop).toEqual([]);
      expect(notYet.requeueAfterMs).toBe(SETTLE - 4_000);
      const someSettled = plan(rolling(), [...healthyOn(D1, 'web:1', 4), ...fresh(2, 4_000), ...fresh(2, SETTLE)], defs);
      expect(someSettled.stop).toHaveLength(2);
      expect(someSettled.start).toBeUndefined();
    });

    it('with a health check, HEALTHY gates; UNHEALTHY inside the grace period is waited for, after it replaced', () => {
      const hc = [td(1), td(2, { healthCheck: true })];
      const news = (health: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN', ago = 5_000) =>
        Array.from({ length: 4 }, (_, i) => task(`n${i}`, { deployment: D2, taskDefinition: 'web:2', health, startedAgo: ago }));
      expect(plan(rolling(), [...healthyOn(D1, 'web:1', 4), ...news('UNKNOWN')], hc).stop).toEqual([]);
      expect(plan(rolling(), [...healthyOn(D1, 'web:1', 4), ...news('HEALTHY')], hc).stop).toHaveLength(4);
      const inGrace = plan(rolling({ healthCheckGracePeriodSeconds: 60 }), [...healthyOn(D1, 'web:1', 4), ...news('UNHEALTHY')], hc);
      expect(inGrace.stop).toEqual([]);
      expect(inGrace.requeueAfterMs).toBe(55_000);
      const afterGrace = plan(rolling(), [...healthyOn(D1, 'web:1', 4), ...news('UNHEALTHY')], hc);
      expect(afterGrace.stop.filter((s) => s.unhealthy).map((s) => s.reason)).toEqual(Array(4).fill(HEALTH_CHECK_STOP_REASON));
      expect(afterGrace.stop.filter((s) => !s.unhealthy)).toEqual([]); // old tasks are kept: min 100%
    });

    it('when every new task is healthy and the old are gone, the old deployment is dropped and the new completes', () => {
      const olds = healthyOn(D1, 'web:1', 4).map((t) => ({ ...t, status: { ...t.status!, lastStatus: 'STOPPED' as const } }));
      const p = plan(rolling(), [...olds, ...healthyOn(D2, 'web:2', 4, 'n')], defs);
      expect(p.deployments.map((d) => [d.id, d.status, d.rolloutState])).toEqual([[D2, 'PRIMARY', 'COMPLETED']]);
      expect(p.notes).toEqual([{ type: 'completed', id: D2 }]);
    });

    it('old tasks still stopping keep the old deployment and hold off completion', () => {
      const olds = healthyOn(D1, 'web:1', 4).map((t) => ({ ...t, spec: { ...t.spec, desiredStatus: 'STOPPED' as const } }));
      const p = plan(rolling(), [...olds, ...healthyOn(D2, 'web:2', 4, 'n')], defs);
      expect(p.deployments.map((d) => d.id)).toEqual([D2, D1]);
      expect(p.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
      expect(p.start).toBeUndefined();
    });

    it('tasks of no known deployment are replaced like old ones', () => {
      const p = plan(settled(), [...healthyOn(D1, 'web:1', 4), task('stray', { deployment: 'ecs-svc/unknown' })]);
      expect(stopped(p)).toEqual(['stray']);
    });
  });

  describe('circuit breaker', () => {
    const defs = [td(1), td(2)];
    const failedNew = (n: number) => Array.from({ length: n }, (_, i) => task(`f${i}`, { deployment: D2, taskDefinition: 'web:2', lastStatus: 'STOPPED' }));
    const rolling = (breaker: Record<string, boolean>) =>
      svc(
        { deploymentConfiguration: { deploymentCircuitBreaker: breaker } },
        {
          taskDefinition: 'web:2',
          deployments: [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'), dep(D1, 'web:1', 'ACTIVE')],
        },
      );

    it('counts failed tasks and does nothing more below the threshold', () => {
      const p = plan(rolling({ enable: true, rollback: true }), [...healthyOn(D1, 'web:1', 4), ...failedNew(2)], defs);
      expect(p.deployments[0]).toMatchObject({ id: D2, failedTasks: 2, rolloutState: 'IN_PROGRESS' });
      expect(p.start?.count).toBe(4);
    });

    it('at the threshold with rollback: FAILED, and the last COMPLETED deployment is PRIMARY again', () => {
      // Its 4 tasks still run, so the rollback completes at once; the failed deployment has drained.
      const p = plan(rolling({ enable: true, rollback: true }), [...healthyOn(D1, 'web:1', 4), ...failedNew(3)], defs);
      expect(p.deployments.map((d) => [d.id, d.status, d.rolloutState])).toEqual([[D1, 'PRIMARY', 'COMPLETED']]);
      expect(p.notes.map((n) => n.type)).toEqual(['failed', 'rolledBack', 'completed']);
      expect(p.start).toBeUndefined();
      expect(p.stop).toEqual([]);
      expect(p.taskDefinition).toBe('web:2'); // the spec still says web:2: no new deployment next time
    });

    it('a rollback to a deployment with too few tasks left starts them again and stops the failing ones', () => {
      const failing = [task('n0', { deployment: D2, taskDefinition: 'web:2', lastStatus: 'PENDING', instance: 'i-1' })];
      const p = plan(rolling({ enable: true, rollback: true }), [...healthyOn(D1, 'web:1', 2), ...failedNew(3), ...failing], defs);
      expect(p.deployments.map((d) => [d.id, d.status, d.rolloutState])).toEqual([
        [D1, 'PRIMARY', 'IN_PROGRESS'],
        [D2, 'ACTIVE', 'FAILED'],
      ]);
      expect(p.start).toEqual({ count: 2, deployment: D1, taskDefinition: 'web:1' });
      expect(stopped(p)).toEqual(['n0']);
    });

    it('after a rollback, pointing the spec at the revision rolled back to (rollout undo) keeps its tasks: no new deployment', () => {
      const service = svc({ taskDefinition: 'web:1' }, { taskDefinition: 'web:2', deployments: [dep(D1, 'web:1', 'PRIMARY', 'COMPLETED')] });
      const p = plan(service, healthyOn(D1, 'web:1', 4), defs);
      expect(p.deployments.map((d) => [d.id, d.status, d.rolloutState])).toEqual([[D1, 'PRIMARY', 'COMPLETED']]);
      expect(p).toMatchObject({ taskDefinition: 'web:1', notes: [], stop: [], start: undefined, steady: true });
    });

    it('a FAILED PRIMARY (no rollback) pointed back at the old revision does start a new deployment', () => {
      const service = svc(
        { taskDefinition: 'web:1' },
        { taskDefinition: 'web:2', deployments: [dep(D2, 'web:2', 'PRIMARY', 'FAILED'), dep(D1, 'web:1', 'ACTIVE')] },
      );
      const p = plan(service, healthyOn(D1, 'web:1', 4), defs);
      expect(p.deployments[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'IN_PROGRESS' });
      expect(p.notes[0]).toMatchObject({ type: 'created', taskDefinition: 'web:1' });
    });

    it('a rollback is a new rollout: failures of the target before it began do not count, so it does not fail at once', () => {
      // D1 COMPLETED lost 3 of its tasks (killed) before web:2 was deployed; they were replaced.
      const killed = Array.from({ length: 3 }, (_, i) => task(`k${i}`, { deployment: D1, lastStatus: 'STOPPED', startedAgo: 1_800_000 }));
      const service = svc(
        { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } },
        {
          taskDefinition: 'web:2',
          deployments: [dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'), dep(D1, 'web:1', 'ACTIVE', 'COMPLETED', 3)],
        },
      );
      const p = plan(service, [...killed, ...healthyOn(D1, 'web:1', 3), ...failedNew(3)], defs);
      expect(p.deployments[0]).toMatchObject({ id: D1, status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 0, createdAt: iso(T0), rollbackFrom: D2 });
      expect(p.notes.map((n) => n.type)).toEqual(['failed', 'rolledBack']);
      expect(p.start).toEqual({ count: 1, deployment: D1, taskDefinition: 'web:1' });
      // What the status says: the revision it runs, and the one the spec resolved to.
      const status = nextStatus(service, p, { started: [], stopped: [] }, T0, 60_000, () => 'id');
      expect(status).toMatchObject({ taskDefinition: 'web:1', resolvedTaskDefinition: 'web:2' });
    });

    it('a rollback is never failed by the breaker: its failures are counted, and it keeps starting tasks', () => {
      const rollback = { ...dep(D1, 'web:1', 'PRIMARY', 'IN_PROGRESS'), createdAt: iso(T0 - 60_000), rollbackFrom: D2 };
      const service = svc(
        { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } },
        {
          taskDefinition: 'web:1',
          resolvedTaskDefinition: 'web:2',
          deployments: [rollback, dep(D2, 'web:2', 'ACTIVE', 'FAILED')],
        },
      );
      // Its tasks died (an engine restart) after it began.
      const died = Array.from({ length: 4 }, (_, i) => task(`d${i}`, { deployment: D1, lastStatus: 'STOPPED', startedAgo: 30_000 }));
      const p = plan(service, died, defs);
      expect(p.deployments[0]).toMatchObject({ id: D1, status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 4 });
      expect(p.notes).toEqual([]);
      expect(p.start).toEqual({ count: 4, deployment: D1, taskDefinition: 'web:1' });
    });

    it('failures from before a deployment began are not counted against it', () => {
      const service = svc(
        { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } },
        {
          taskDefinition: 'web:2',
          deployments: [{ ...dep(D2, 'web:2', 'PRIMARY', 'IN_PROGRESS'), createdAt: iso(T0 - 60_000) }, dep(D1, 'web:1', 'ACTIVE')],
        },
      );
      const before = Array.from({ length: 3 }, (_, i) =>
        task(`b${i}`, { deployment: D2, taskDefinition: 'web:2', lastStatus: 'STOPPED', startedAgo: 120_000 }),
      );
      const after = [task('a0', { deployment: D2, taskDefinition: 'web:2', lastStatus: 'STOPPED', startedAgo: 10_000 })];
      expect(plan(service, [...healthyOn(D1, 'web:1', 4), ...before, ...after], defs).deployments[0]).toMatchObject({
        failedTasks: 1,
        rolloutState: 'IN_PROGRESS',
      });
    });

    it('at the threshold without rollback: FAILED, nothing started, old tasks kept', () => {
      const p = plan(rolling({ enable: true, rollback: false }), [...healthyOn(D1, 'web:1', 4), ...failedNew(3)], defs);
      expect(p.deployments[0]).toMatchObject({ id: D2, status: 'PRIMARY', rolloutState: 'FAILED' });
      expect(p.start).toBeUndefined();
      expect(p.stop).toEqual([]);
    });

    it('disabled: failures are counted, the rollout goes on', () => {
      const p = plan(rolling({ enable: false, rollback: false }), [...healthyOn(D1, 'web:1', 4), ...failedNew(5)], defs);
      expect(p.deployments[0]).toMatchObject({ failedTasks: 5, rolloutState: 'IN_PROGRESS' });
    });
  });

  it('deleting: every live task stops, and once none is live the finalizer may go', () => {
    const deleting = svc({}, { taskDefinition: 'web:1', deployments: [dep(D1, 'web:1', 'PRIMARY')] }, { deletionTimestamp: iso(T0) });
    const p = plan(deleting, healthyOn(D1, 'web:1', 3));
    expect(stopped(p)).toEqual(['a0', 'a1', 'a2']);
    expect(p).toMatchObject({ finalize: false, desiredCount: 0, steady: false });
    const gone = plan(
      deleting,
      healthyOn(D1, 'web:1', 3).map((t) => ({ ...t, spec: { ...t.spec, desiredStatus: 'STOPPED' as const } })),
    );
    expect(gone).toMatchObject({ finalize: true, stop: [] });
  });

  it('collects why the scheduler could not place tasks', () => {
    const p = plan(settled(), [
      ...healthyOn(D1, 'web:1', 2),
      task('p1', { deployment: D1, lastStatus: 'PENDING', pendingReason: 'RESOURCE:MEMORY' }),
      task('p2', { deployment: D1, lastStatus: 'PENDING', pendingReason: 'RESOURCE:MEMORY' }),
    ]);
    expect(p.unplaced).toEqual(['RESOURCE:MEMORY']);
    expect(p.pendingCount).toBe(2);
    expect(p.start).toBeUndefined(); // pending tasks count: no pile of unplaceable tasks
  });
});

describe('tasks on a DRAINING instance', () => {
  const instance = (name: string, status: 'ACTIVE' | 'DRAINING') =>
    ({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name, cluster: 'default' },
      spec: { status, attributes: {}, registeredResources: { cpu: 1024, memory: 1024 } },
    }) as ObjectOf<'ContainerInstance'>;
  const instances = new Map([
    ['i-1', instance('i-1', 'ACTIVE')],
    ['i-2', instance('i-2', 'DRAINING')],
  ]);
  const tasksOn = (draining: number, total: number) =>
    Array.from({ length: total }, (_, i) => task(`t${i}`, { deployment: D1, instance: i < draining ? 'i-2' : 'i-1' }));

  it.each([
    // [min%, max%, desired, on draining, expected starts]
    [100, 200, 4, 2, 2],
    [100, 200, 4, 4, 4],
    [100, 150, 4, 4, 2],
    [50, 100, 4, 2, 0],
  ])('min %i%% max %i%%, %i desired with %i draining: starts %i replacements and stops none itself', (min, max, desired, draining, starts) => {
    const service = settled({ desiredCount: desired, deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max } });
    const p = plan(service, tasksOn(draining, desired), [td(1)], { instances });
    expect(p.start?.count ?? 0).toBe(starts);
    expect(p.stop).toEqual([]);
    expect(p.steady).toBe(false);
    expect(p.draining).toEqual(['i-2']); // for the service event
  });
});

describe('a service below its count', () => {
  const missing = (n: number) => healthyOn(D1, 'web:1', 4 - n);
  it.each([
    // [what, desiredCount, cluster limit, maxStartsPerPass, running, throttled until, starts, requeue, overLimit]
    ['starts what is missing', 4, undefined, 500, 2, undefined, 2, undefined, undefined],
    ['at most maxStartsPerPass per pass, and looks again at once', 1200, undefined, 500, 0, undefined, 500, 0, undefined],
    ['never more than the cluster allows one service', 10, 4, 500, 0, undefined, 4, undefined, 4],
    ['above the default limit (5,000), the default', 20_000, undefined, 1_000_000, 0, undefined, 5_000, undefined, 5_000],
    ['nothing while the launch backoff holds, and looks again when it ends', 4, undefined, 500, 2, T0 + 5_000, 0, 5_000, undefined],
    ['a backoff that has ended holds nothing', 4, undefined, 500, 2, T0 - 1, 2, undefined, undefined],
  ] as const)('%s', (_, desiredCount, limit, maxStartsPerPass, running, throttledUntil, starts, requeue, overLimit) => {
    const service = settled({ desiredCount });
    const p = plan(service, missing(4 - running), [td(1)], {
      settings: { ...settings, maxStartsPerPass },
      ...(limit === undefined ? {} : { maxTasksPerService: limit }),
      ...(throttledUntil === undefined ? {} : { launchThrottledUntil: throttledUntil }),
    });
    expect(p.start?.count ?? 0).toBe(starts);
    expect(p.requeueAfterMs).toBe(requeue);
    expect(p.overLimit).toBe(overLimit);
    expect(p.throttled).toBe(throttledUntil !== undefined && throttledUntil > T0);
    if (overLimit !== undefined) expect(p.desiredCount).toBe(overLimit);
  });

  it.each([
    ['no failures: recovered once a task is healthy', healthyOn(D1, 'web:1', 2), [], true],
    [
      'failures after the newest healthy start: not recovered',
      [...healthyOn(D1, 'web:1', 2), task('f0', { deployment: D1, lastStatus: 'STOPPED', startedAgo: 1_000 })],
      ['f0'],
      false,
    ],
    [
      'a task started after the newest failure is healthy: recovered',
      [task('new', { deployment: D1, startedAgo: 60_000 }), task('f0', { deployment: D1, lastStatus: 'STOPPED', startedAgo: 120_000 })],
      ['f0'],
      true,
    ],
    [
      'tasks stopped by someone (a scale-in) are not failures',
      [...healthyOn(D1, 'web:1', 2), task('s0', { deployment: D1, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })],
      [],
      true,
    ],
  ])('what the launch backoff learns: %s', (_, tasks, failed, recovered) => {
    expect(plan(settled(), tasks).launch).toEqual({ failed, recovered });
  });
});
