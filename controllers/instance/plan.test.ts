import { describe, expect, it } from 'vitest';
import { TargetGroup } from '../../api/v1/target-group.js';
import type { ObjectOf } from '../kit/types.js';
import { planInstance, type InstanceObservation } from './plan.js';
import { atMs, testInstance, testService, testTask } from './testing.js';

function observe(
  o: Partial<InstanceObservation> & Pick<InstanceObservation, 'instance'>,
  services: ReturnType<typeof testService>[] = [],
): InstanceObservation {
  const tasks = o.tasks ?? [];
  return {
    tasks,
    now: atMs(0),
    expireMs: 2_000,
    // By default the controller saw the heartbeat when it was written.
    observedAt: Date.parse(o.instance.status?.lastHeartbeat ?? ''),
    disrupted: false,
    holdRecheckMs: 1_000,
    drainRecheckMs: 500,
    definitionOf: () => undefined,
    serviceOf: (name) => services.find((s) => s.metadata.name === name),
    tasksOfService: (name) => tasks.filter((t) => t.spec.group === `service:${name}`),
    ...o,
  };
}

describe('planInstance', () => {
  it('a fresh heartbeat: no loss, look again just after it would expire', () => {
    const plan = planInstance(observe({ instance: testInstance('i-1', { heartbeat: 1_000 }), now: atMs(1_500) }));
    expect(plan).toMatchObject({ markDisconnected: false, lost: { tasks: [] }, drainStops: [], requeueAfterMs: 1_501 });
  });

  it('an expired heartbeat: disconnected, live tasks lost, no timer (a heartbeat wakes it)', () => {
    const tasks = [
      testTask('a', { instance: 'i-1' }),
      testTask('b', { instance: 'i-1', lastStatus: 'PENDING' }),
      testTask('c', { instance: 'i-1', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }),
    ];
    const plan = planInstance(observe({ instance: testInstance('i-1', { heartbeat: 0 }), tasks, now: atMs(2_000) }));
    expect(plan.markDisconnected).toBe(true);
    expect(plan.lost.tasks.map((t) => t.metadata.name)).toEqual(['a', 'b']);
    expect(plan.lost.reason).toContain('Container instance i-1 lost contact');
    expect(plan.requeueAfterMs).toBeUndefined();
  });

  it.each([
    [
      'the controller saw the heartbeat only later (just started, or could not see): counted from then',
      { observedAt: atMs(1_500), disrupted: false },
      { markDisconnected: false, held: false, lost: 0, requeueAfterMs: 1_501 },
    ],
    [
      'expired while its cluster is held: nothing ended, looked at again',
      { disrupted: true },
      { markDisconnected: false, held: true, lost: 0, requeueAfterMs: 1_000 },
    ],
    ['expired, cluster not held: ended', { disrupted: false }, { markDisconnected: true, held: false, lost: 1, requeueAfterMs: undefined }],
  ])('heartbeat written at 0, now 2 s: %s', (_, o, want) => {
    const tasks = [testTask('a', { instance: 'i-1' })];
    const plan = planInstance(observe({ instance: testInstance('i-1', { heartbeat: 0 }), tasks, now: atMs(2_000), ...o }));
    expect({ markDisconnected: plan.markDisconnected, held: plan.held, lost: plan.lost.tasks.length, requeueAfterMs: plan.requeueAfterMs }).toEqual(want);
  });

  it('an already disconnected instance still gets its remaining tasks marked (level-based)', () => {
    const tasks = [testTask('a', { instance: 'i-1' })];
    const plan = planInstance(observe({ instance: testInstance('i-1', { heartbeat: 0, connected: false }), tasks, now: atMs(10_000) }));
    expect(plan).toMatchObject({ markDisconnected: false, lost: { tasks: [{ metadata: { name: 'a' } }] } });
  });

  it('writes bookkeeping only when it changed', () => {
    const instance = testInstance('i-1', {
      heartbeat: 0,
      status: { runningTasksCount: 0, pendingTasksCount: 0, remainingResources: { cpu: 2048, memory: 4096 } },
    });
    expect(planInstance(observe({ instance })).bookkeeping).toBeUndefined();
    expect(planInstance(observe({ instance, tasks: [testTask('a', { instance: 'i-1' })] })).bookkeeping).toMatchObject({ runningTasksCount: 1 });
  });

  it('paces bookkeeping: a change within the interval of the last write waits for it, then is written', () => {
    const instance = testInstance('i-1', {
      heartbeat: 0,
      status: { runningTasksCount: 0, pendingTasksCount: 0, remainingResources: { cpu: 2048, memory: 4096 } },
    });
    const tasks = [testTask('a', { instance: 'i-1' })];
    const paced = { instance, tasks, expireMs: 60_000, bookkeepingIntervalMs: 1_000, lastBookkeepingAt: atMs(0) };
    // 300 ms after the last write: nothing written, look again when the interval is up (before the heartbeat timer).
    const early = planInstance(observe({ ...paced, now: atMs(300) }));
    expect(early.bookkeeping).toBeUndefined();
    expect(early.requeueAfterMs).toBe(700);
    // Once the interval is up the same change is written, and only the heartbeat timer is left.
    const due = planInstance(observe({ ...paced, now: atMs(1_000) }));
    expect(due.bookkeeping).toMatchObject({ runningTasksCount: 1 });
    expect(due.requeueAfterMs).toBe(59_001);
    // Nothing changed: no write and no pacing timer, however recent the last write.
    const unchanged = planInstance(observe({ ...paced, tasks: [], now: atMs(300) }));
    expect(unchanged).toMatchObject({ bookkeeping: undefined, requeueAfterMs: 59_701 });
  });

  it('drains service tasks within bounds, leaves other tasks, re-checks while waiting', () => {
    const tasks = [
      testTask('web-1', { service: 'web', instance: 'i-1', health: 'HEALTHY' }),
      testTask('web-2', { service: 'web', instance: 'i-2', health: 'HEALTHY' }),
      testTask('api-1', { service: 'api', instance: 'i-1' }),
      testTask('oneoff', { instance: 'i-1' }),
    ];
    const services = [testService('web', { desired: 1 }), testService('api', { desired: 1 })];
    const plan = planInstance(observe({ instance: testInstance('i-1', { heartbeat: 0, draining: true }), tasks }, services));
    expect(plan.drainStops.map((s) => s.task.metadata.name)).toEqual(['web-1']);
    expect(plan.drainStops[0]?.reason).toContain('i-1 is DRAINING');
    expect(plan.requeueAfterMs).toBe(500); // api-1 waits for a replacement
  });

  it('stops DAEMON tasks last, once no other service task is live on the instance', () => {
    const daemon = testTask('log-1', { service: 'log', instance: 'i-1' });
    const services = [testService('log', { desired: 0, daemon: true }), testService('web', { desired: 1, min: 0 })];
    const instance = testInstance('i-1', { heartbeat: 0, draining: true });
    const first = planInstance(observe({ instance, tasks: [daemon, testTask('web-1', { service: 'web', instance: 'i-1' })] }, services));
    expect(first.drainStops.map((s) => s.task.metadata.name)).toEqual(['web-1']);
    const second = planInstance(observe({ instance, tasks: [daemon] }, services));
    expect(second.drainStops.map((s) => s.task.metadata.name)).toEqual(['log-1']);
  });

  describe('a service behind a target group', () => {
    const instance = testInstance('i-1', { heartbeat: 0, draining: true });
    const behind = { ...testService('web', { desired: 1 }) };
    behind.spec = { ...behind.spec, loadBalancers: [{ targetGroupName: 'web', containerName: 'app', containerPort: 80 }] };
    const group = (targets: Record<string, string>): ObjectOf<'TargetGroup'> =>
      TargetGroup.parse({
        apiVersion: 'berth.dev/v1',
        kind: 'TargetGroup',
        metadata: { name: 'web' },
        spec: {},
        status: {
          targets: Object.entries(targets).map(([task, health], i) => ({
            task,
            containerName: 'app',
            containerPort: 80,
            id: '127.0.0.1',
            port: 8080 + i,
            service: 'web',
            health,
          })),
        },
      });
    const old = testTask('web-1', { service: 'web', instance: 'i-1', health: 'HEALTHY' });
    const replacement = testTask('web-2', { service: 'web', instance: 'i-2', health: 'HEALTHY' });
    const deregistering = { ...old, metadata: { ...old.metadata, annotations: { 'berth.dev/deregister': 'drained' } } };

    it.each([
      // old task's target, the replacement's, whether the old task leaves now (deregistered)
      ['the replacement is healthy in the group too: deregistered, not stopped', old, 'healthy', true],
      ['the replacement is not yet passing the proxy check: waits', old, 'initial', false],
      ['the replacement is not registered yet: waits', old, undefined, false],
      ['already being deregistered: not asked again, nothing waits', deregistering, 'healthy', false],
    ] as const)('%s', (_, first, replacementHealth, leaves) => {
      const targets = { [first.metadata.name]: first === deregistering ? 'draining' : 'healthy', ...(replacementHealth ? { 'web-2': replacementHealth } : {}) };
      const plan = planInstance(
        observe({ instance, tasks: [first, replacement], targetGroupOf: (name) => (name === 'web' ? group(targets) : undefined) }, [behind]),
      );
      expect(plan.drainStops.map((s) => [s.task.metadata.name, s.deregister])).toEqual(leaves ? [['web-1', true]] : []);
      expect(plan.requeueAfterMs === 500).toBe(!leaves && first !== deregistering);
    });

    it('stops at once a task that is not RUNNING yet (nothing to drain), and one of a service whose group does not exist', () => {
      const pending = testTask('web-1', { service: 'web', instance: 'i-1', lastStatus: 'PENDING' });
      const withGroup = planInstance(observe({ instance, tasks: [pending, replacement], targetGroupOf: () => group({ 'web-2': 'healthy' }) }, [behind]));
      expect(withGroup.drainStops.map((s) => [s.task.metadata.name, s.deregister])).toEqual([['web-1', false]]);
      const noGroup = planInstance(observe({ instance, tasks: [old, replacement], targetGroupOf: () => undefined }, [behind]));
      expect(noGroup.drainStops.map((s) => [s.task.metadata.name, s.deregister])).toEqual([['web-1', false]]);
    });
  });

  it('does not drain an ACTIVE instance', () => {
    const tasks = [testTask('web-1', { service: 'web', instance: 'i-1' })];
    expect(planInstance(observe({ instance: testInstance('i-1', { heartbeat: 0 }), tasks }, [testService('web', { desired: 0 })])).drainStops).toEqual([]);
  });
});
