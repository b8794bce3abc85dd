import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../api/v1/service.js';
import { svc } from '../testing.js';
import { recordWritten, shiftIfChanged, trafficPendingOn, trafficPlan, type TrafficPlan, type TrafficShifter, type WrittenGenerations } from './traffic.js';

const green = (rollout: Partial<NonNullable<Deployment['rollout']>> | undefined, rolloutState: Deployment['rolloutState'] = 'IN_PROGRESS'): Deployment[] => [
  {
    id: 'green',
    status: 'PRIMARY',
    targetGroupSide: 'ALTERNATE',
    taskDefinition: 'web:2',
    desiredCount: 2,
    pendingCount: 0,
    runningCount: 2,
    failedTasks: 0,
    rolloutState,
    ...(rollout
      ? {
          rollout: {
            strategy: 'CANARY',
            stage: 'PRODUCTION_TRAFFIC_SHIFT',
            stageStartedAt: '2026-01-01T00:00:00.000Z',
            blue: 'blue',
            productionTrafficWeight: 0,
            testTrafficWeight: 0,
            hooks: [],
            alarms: [],
            ...rollout,
          },
        }
      : {}),
  },
  { id: 'blue', status: 'ACTIVE', taskDefinition: 'web:1', desiredCount: 0, pendingCount: 0, runningCount: 2, failedTasks: 0, rolloutState: 'COMPLETED' },
];

class FakeShifter implements TrafficShifter {
  readonly shifts: TrafficPlan[] = [];
  shift(_service: unknown, _ref: unknown, plan: TrafficPlan): Promise<WrittenGenerations> {
    this.shifts.push(plan);
    return Promise.resolve({ web: this.shifts.length + 1 });
  }
}

describe('traffic plans', () => {
  it.each([
    [
      'no rollout: all to the PRIMARY',
      green(undefined),
      [{ deployment: 'green', weight: 100, side: 'ALTERNATE' }],
      [{ deployment: 'green', weight: 100, side: 'ALTERNATE' }],
    ],
    [
      'before any shift: all to blue',
      green({}),
      [{ deployment: 'blue', weight: 100, side: 'PRIMARY' }],
      [{ deployment: 'blue', weight: 100, side: 'PRIMARY' }],
    ],
    [
      'canary 10%, test all green',
      green({ productionTrafficWeight: 10, testTrafficWeight: 100 }),
      [
        { deployment: 'blue', weight: 90, side: 'PRIMARY' },
        { deployment: 'green', weight: 10, side: 'ALTERNATE' },
      ],
      [{ deployment: 'green', weight: 100, side: 'ALTERNATE' }],
    ],
    [
      'shifted',
      green({ productionTrafficWeight: 100, testTrafficWeight: 100 }),
      [{ deployment: 'green', weight: 100, side: 'ALTERNATE' }],
      [{ deployment: 'green', weight: 100, side: 'ALTERNATE' }],
    ],
  ])('%s', (_, deployments, production, test) => {
    expect(trafficPlan(deployments)).toEqual({ production, test });
  });

  it('the shifter is called only when the weights change, with the new ones', async () => {
    const shifter = new FakeShifter();
    const service = svc();
    expect(await shiftIfChanged(shifter, service, green({}), green({}))).toBeUndefined();
    expect(shifter.shifts).toEqual([]);
    expect(await shiftIfChanged(shifter, service, green({}), green({ productionTrafficWeight: 10 }))).toEqual({ web: 2 });
    await shiftIfChanged(shifter, service, green({ productionTrafficWeight: 10 }), green({ productionTrafficWeight: 100 }));
    expect(shifter.shifts.map((s) => s.production)).toEqual([
      [
        { deployment: 'blue', weight: 90, side: 'PRIMARY' },
        { deployment: 'green', weight: 10, side: 'ALTERNATE' },
      ],
      [{ deployment: 'green', weight: 100, side: 'ALTERNATE' }],
    ]);
  });

  it('the generations written are recorded in the PRIMARY pending weights only', () => {
    const pending = { since: '2026-01-01T00:00:00.000Z', loadBalancers: {} };
    const [primary, blue] = recordWritten(green({ productionTrafficWeight: 10, trafficPending: pending }), { web: 7 });
    expect(primary?.rollout?.trafficPending).toEqual({ since: pending.since, loadBalancers: { web: 7 } });
    expect(blue?.rollout).toBeUndefined();
    expect(recordWritten(green({ productionTrafficWeight: 10 }), { web: 7 })[0]?.rollout?.trafficPending).toBeUndefined();
  });

  it('on a rollback they are recorded in the failed deployment pending weights (those that returned its traffic)', () => {
    const pending = { since: '2026-01-01T00:00:00.000Z', loadBalancers: {} };
    const [failed, blue] = green({ productionTrafficWeight: 10, trafficPending: pending }, 'FAILED');
    if (failed === undefined || blue === undefined) throw new Error('fixture');
    const rollingBack: Deployment[] = [
      { ...blue, status: 'PRIMARY', rolloutState: 'IN_PROGRESS', rollbackFrom: 'green' },
      { ...failed, status: 'ACTIVE' },
    ];
    expect(trafficPendingOn(rollingBack)?.id).toBe('green');
    const recorded = recordWritten(rollingBack, { web: 7 });
    expect(recorded.find((d) => d.id === 'green')?.rollout?.trafficPending).toEqual({ since: pending.since, loadBalancers: { web: 7 } });
    expect(trafficPendingOn(green({ productionTrafficWeight: 10 }))?.id).toBe('green');
  });

  it('a shifter that fails makes the reconcile fail (so the weights are not recorded as applied)', async () => {
    const failing: TrafficShifter = { shift: () => Promise.reject(new Error('proxy down')) };
    await expect(shiftIfChanged(failing, svc(), green({}), green({ productionTrafficWeight: 10 }))).rejects.toThrow('proxy down');
  });
});
