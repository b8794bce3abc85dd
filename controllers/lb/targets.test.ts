import { describe, expect, it } from 'vitest';
import { ServiceLoadBalancer } from '../../api/v1/service-load-balancers.js';
import { TargetGroup, type Target } from '../../api/v1/target-group.js';
import { Task } from '../../api/v1/task.js';
import { rawObject } from '../../api/v1/testing.js';
import { DEREGISTER_ANNOTATION } from './conventions.js';
import { planTargets, type TargetsInput } from './targets.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const entry = ServiceLoadBalancer.parse({ targetGroupName: 'web', containerName: 'app', containerPort: 80 });

type TaskOptions = { desired?: 'RUNNING' | 'STOPPED'; last?: string; hostPort?: number; deregister?: string; instance?: string; awsvpc?: string };
function task(name: string, o: TaskOptions = {}) {
  // awsvpc: the task's own address as its attachment, and no host binding.
  const attachment = o.awsvpc
    ? { attachments: [{ id: 'eni', type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'privateIPv4Address', value: o.awsvpc }] }] }
    : {};
  return Task.parse({
    ...rawObject(
      'Task',
      { taskDefinition: 'web:1', desiredStatus: o.desired ?? 'RUNNING', containerInstance: o.instance ?? 'i1', group: 'service:web' },
      name,
      {
        lastStatus: o.last ?? 'RUNNING',
        containers: [{ name: 'app', lastStatus: o.last ?? 'RUNNING', networkBindings: o.hostPort ? [{ containerPort: 80, hostPort: o.hostPort }] : [] }],
        ...attachment,
      },
    ),
    metadata: { name, ...(o.deregister !== undefined ? { annotations: { [DEREGISTER_ANNOTATION]: o.deregister } } : {}) },
  });
}
const target = (name: string, port: number, extra: Partial<Target> = {}): Target => ({
  task: name,
  containerName: 'app',
  containerPort: 80,
  service: 'web',
  id: '10.0.0.1',
  port,
  health: 'initial',
  reason: 'Elb.InitialHealthChecking',
  registeredAt: iso(NOW),
  ...extra,
});
const group = (targets: Target[] = [], reports: Record<string, 'healthy' | 'unhealthy' | 'initial'> = {}, reportedAt = NOW - 1_000) =>
  TargetGroup.parse({
    ...rawObject('TargetGroup', { deregistrationDelay: 5, healthCheck: { intervalSeconds: 2, timeoutSeconds: 1 } }, 'web'),
    status: { targets, healthReports: Object.keys(reports).length ? [{ proxy: 'p1', reportedAt: iso(reportedAt), targets: reports }] : [] },
  });

function plan(g: ReturnType<typeof group>, tasks: ReturnType<typeof task>[], extra: Partial<TargetsInput> = {}) {
  return planTargets({
    group: g,
    registrations: [{ service: 'web', entry, tasks }],
    hostOf: (i) => (i === 'i1' ? '10.0.0.1' : undefined),
    taskOf: (n) => tasks.find((t) => t.metadata.name === n),
    now: NOW,
    ...extra,
  });
}

describe('planTargets', () => {
  it.each([
    [
      'a running task with a binding is a target, unused while no proxy reports',
      group(),
      [task('a', { hostPort: 32768 })],
      [target('a', 32768, { health: 'unused', reason: 'Target.NotInUse: no proxy (berth lb) reports on this group' })],
    ],
    ['initial once a proxy reports', group([], { '10.0.0.9:1': 'healthy' }), [task('a', { hostPort: 32768 })], [target('a', 32768)]],
    ['a task without a binding yet is none', group(), [task('a')], []],
    [
      'an awsvpc task is a target at its own address and the containerPort (target type ip)',
      group([], { '172.17.0.7:80': 'healthy' }),
      [task('a', { awsvpc: '172.17.0.7' }), task('b', { awsvpc: '172.17.0.8' })],
      [target('a', 80, { id: '172.17.0.7', health: 'healthy', reason: undefined }), target('b', 80, { id: '172.17.0.8' })],
    ],
    ['a pending task is none', group(), [task('a', { last: 'PENDING', hostPort: 1 })], []],
    ['on an unknown instance it is none', group(), [task('a', { hostPort: 1, instance: 'gone' })], []],
    [
      'a proxy report makes it healthy',
      group([], { '10.0.0.1:32768': 'healthy' }),
      [task('a', { hostPort: 32768 })],
      [target('a', 32768, { health: 'healthy', reason: undefined })],
    ],
    [
      'one unhealthy report wins over a healthy one',
      TargetGroup.parse({
        ...group(),
        status: {
          targets: [],
          healthReports: [
            { proxy: 'p1', reportedAt: iso(NOW), targets: { '10.0.0.1:1': 'healthy' } },
            { proxy: 'p2', reportedAt: iso(NOW), targets: { '10.0.0.1:1': 'unhealthy' } },
          ],
        },
      }),
      [task('a', { hostPort: 1 })],
      [target('a', 1, { health: 'unhealthy', reason: 'Target.FailedHealthChecks' })],
    ],
    [
      'a stale report is ignored',
      group([], { '10.0.0.1:1': 'healthy' }, NOW - 60_000),
      [task('a', { hostPort: 1 })],
      [target('a', 1, { health: 'unused', reason: 'Target.NotInUse: no proxy (berth lb) reports on this group' })],
    ],
    [
      'a task asked to stop drains from now',
      group([target('a', 1, { health: 'healthy', reason: undefined })]),
      [task('a', { hostPort: 1, desired: 'STOPPED' })],
      [target('a', 1, { health: 'draining', reason: 'Target.DeregistrationInProgress', drainingSince: iso(NOW) })],
    ],
    [
      'a draining target is removed after the delay',
      group([target('a', 1, { health: 'draining', drainingSince: iso(NOW - 5_000) })]),
      [task('a', { hostPort: 1, desired: 'STOPPED' })],
      [],
    ],
    [
      'a target whose task STOPPED is dropped at once',
      group([target('a', 1, { health: 'healthy' })]),
      [task('a', { hostPort: 1, desired: 'STOPPED', last: 'STOPPED' })],
      [],
    ],
    ['a target whose task is gone is dropped at once', group([target('a', 1, { health: 'healthy' })]), [], []],
  ])('%s', (_name, g, tasks, expected) => {
    expect(plan(g, tasks).targets).toEqual(expected.map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined))));
  });

  it.each([
    ['marked, never registered: stopped at once', group(), [task('a', { deregister: 'scaled in' })], [{ task: 'a', reason: 'scaled in' }], undefined],
    ['marked and registered: drains first', group([target('a', 1)]), [task('a', { hostPort: 1, deregister: 'x' })], [], 5_000],
    [
      'marked and drained: stopped',
      group([target('a', 1, { health: 'draining', drainingSince: iso(NOW - 6_000) })]),
      [task('a', { hostPort: 1, deregister: 'x' })],
      [{ task: 'a', reason: 'x' }],
      undefined,
    ],
    ['already asked to stop: nothing more', group(), [task('a', { deregister: 'x', desired: 'STOPPED' })], [], undefined],
  ])('%s', (_name, g, tasks, stop, requeue) => {
    const p = plan(g, tasks);
    expect(p.stop).toEqual(stop);
    expect(p.requeueAfterMs).toBe(requeue);
  });

  it('keeps a draining target of a service that left the group while its task runs', () => {
    const g = group([target('a', 1, { health: 'healthy' })]);
    const a = task('a', { hostPort: 1 });
    const p = planTargets({ group: g, registrations: [], hostOf: () => '10.0.0.1', taskOf: () => a, now: NOW });
    expect(p.targets.map((t) => t.health)).toEqual(['draining']);
  });
});
