import { describe, expect, it } from 'vitest';
import { ContainerInstance, Service, Task, TaskDefinition, type PlacementConstraint, type PlacementStrategy } from '../../api/v1/index.js';
import { AssumedTasks } from './assumed.js';
import { NO_INSTANCE_MET, planScheduling, STOPPED_BEFORE_PLACED, type SchedulingInput, type SchedulingPlan } from './plan.js';
import { seededRng } from './placement/index.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const at = (second: number) => new Date(Date.parse('2026-05-01T11:00:00Z') + second * 1000).toISOString();

function definition(
  name: string,
  o: { memory?: number; cpu?: number; hostPort?: number; constraints?: { type: 'memberOf'; expression: string }[] } = {},
): TaskDefinition {
  return TaskDefinition.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name },
    spec: {
      placementConstraints: o.constraints,
      containerDefinitions: [
        {
          name: 'app',
          image: 'berth.local/busybox:1',
          memory: o.memory ?? 256,
          cpu: o.cpu ?? 0,
          portMappings: o.hostPort === undefined ? undefined : [{ containerPort: 8080, hostPort: o.hostPort }],
        },
      ],
    },
  });
}

interface TaskOptions {
  td?: string;
  group?: string;
  on?: string;
  created?: number;
  desired?: 'RUNNING' | 'STOPPED';
  lastStatus?: 'PENDING' | 'RUNNING' | 'STOPPED';
  pendingReason?: string;
  stopReason?: string;
  constraints?: PlacementConstraint[];
  strategy?: PlacementStrategy[];
  rv?: number;
}

function task(name: string, o: TaskOptions = {}): Task {
  return Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, resourceVersion: String(o.rv ?? 1), creationTimestamp: at(o.created ?? 0) },
    spec: {
      taskDefinition: o.td ?? 'web:1',
      group: o.group,
      containerInstance: o.on,
      desiredStatus: o.desired ?? 'RUNNING',
      stopReason: o.stopReason,
      placementConstraints: o.constraints,
      placementStrategy: o.strategy,
    },
    status: { lastStatus: o.lastStatus ?? 'PENDING', pendingReason: o.pendingReason },
  });
}

function instance(
  name: string,
  o: { memory?: number; cpu?: number; gpu?: number; draining?: boolean; connected?: boolean; attributes?: Record<string, string> } = {},
): ContainerInstance {
  return ContainerInstance.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'ContainerInstance',
    metadata: { name },
    spec: {
      status: o.draining ? 'DRAINING' : 'ACTIVE',
      attributes: o.attributes ?? {},
      registeredResources: { cpu: o.cpu ?? 4096, memory: o.memory ?? 1024, ...(o.gpu !== undefined ? { gpu: o.gpu } : {}) },
    },
    status: { agentConnected: o.connected ?? true },
  });
}

function service(name: string, o: { constraints?: PlacementConstraint[]; strategy?: PlacementStrategy[] }): Service {
  return Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: { taskDefinition: 'web', placementConstraints: o.constraints, placementStrategy: o.strategy },
  });
}

const definitions = [
  definition('web:1'),
  definition('big:1', { memory: 512 }),
  definition('port:1', { hostPort: 80 }),
  definition('t2:1', { constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == t2.small' }] }),
];

function plan(tasks: Task[], instances: ContainerInstance[], services: Service[] = [], extra: Partial<SchedulingInput> = {}): SchedulingPlan {
  return planScheduling({
    tasks,
    instances,
    taskDefinition: (name) => definitions.find((d) => d.metadata.name === name),
    service: (name) => services.find((s) => s.metadata.name === name),
    now: NOW,
    rng: seededRng(7),
    ...extra,
  });
}

/** instance → bound task names, plus `-` → names left unplaceable. */
function placement(p: SchedulingPlan): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of p.binds) (out[b.instance] ??= []).push(b.task.metadata.name);
  for (const u of p.unplaceable) (out['-'] ??= []).push(u.task.metadata.name);
  return out;
}

const pending = (n: number, o: TaskOptions = {}) => Array.from({ length: n }, (_, i) => task(`t${i}`, { created: i, ...o }));

describe('planScheduling: where tasks go', () => {
  it.each<[string, Task[], ContainerInstance[], Service[], Record<string, string[]>]>([
    [
      'binpack on memory fills the fullest instance first',
      pending(3, { strategy: [{ type: 'binpack', field: 'memory' }] }),
      [instance('a', { memory: 2048 }), instance('b', { memory: 1024 })],
      [],
      { b: ['t0', 't1', 't2'] },
    ],
    [
      'spread over instanceId balances',
      pending(4, { strategy: [{ type: 'spread', field: 'instanceId' }] }),
      [instance('a'), instance('b')],
      [],
      { a: ['t0', 't2'], b: ['t1', 't3'] },
    ],
    [
      "the service's distinctInstance leaves the third task unplaceable",
      pending(3, { group: 'service:web' }),
      [instance('a'), instance('b')],
      [service('web', { constraints: [{ type: 'distinctInstance' }] })],
      { a: ['t0'], b: ['t1'], '-': ['t2'] },
    ],
    [
      "a service's task goes by the service's constraints as they are now, not the copy made when it was created",
      pending(2, { group: 'service:web', constraints: [{ type: 'memberOf', expression: 'attribute:zone == z1' }] }),
      [instance('a', { attributes: { zone: 'z1' } }), instance('b', { attributes: { zone: 'z2' } })],
      [service('web', { constraints: [{ type: 'memberOf', expression: 'attribute:zone == z2' }] })],
      { b: ['t0', 't1'] },
    ],
    [
      'a task of a service that is gone goes by its own constraints',
      pending(2, { group: 'service:web', constraints: [{ type: 'memberOf', expression: 'attribute:zone == z1' }] }),
      [instance('a', { attributes: { zone: 'z1' } }), instance('b', { attributes: { zone: 'z2' } })],
      [],
      { a: ['t0', 't1'] },
    ],
    [
      'a task outside any service keeps its own constraints',
      pending(2, { constraints: [{ type: 'memberOf', expression: 'attribute:zone == z1' }] }),
      [instance('a', { attributes: { zone: 'z1' } }), instance('b', { attributes: { zone: 'z2' } })],
      [service('web', { constraints: [{ type: 'memberOf', expression: 'attribute:zone == z2' }] })],
      { a: ['t0', 't1'] },
    ],
    [
      "the task definition's memberOf applies too",
      pending(2, { td: 't2:1' }),
      [instance('a', { attributes: { 'ecs.instance-type': 't2.small' } }), instance('b', { attributes: { 'ecs.instance-type': 'm5.large' } })],
      [],
      { a: ['t0', 't1'] },
    ],
    [
      'draining and disconnected instances receive nothing',
      pending(2),
      [instance('a', { draining: true }), instance('b', { connected: false }), instance('c')],
      [],
      { c: ['t0', 't1'] },
    ],
    [
      'memory runs out: the oldest tasks get it',
      [task('late', { created: 9 }), task('early', { created: 1 }), task('mid', { created: 5 })],
      [instance('a', { memory: 512 })],
      [],
      { a: ['early', 'mid'], '-': ['late'] },
    ],
  ])('%s', (_name, tasks, instances, services, expected) => {
    expect(placement(plan(tasks, instances, services))).toEqual(expected);
  });
});

describe('planScheduling: remaining resources are what bound tasks leave', () => {
  it.each<[string, Task[], Record<string, string[]>]>([
    [
      'a bound running task takes its memory',
      [task('old', { on: 'a', td: 'big:1', lastStatus: 'RUNNING' }), ...pending(4)],
      { a: ['t0', 't1'], '-': ['t2', 't3'] },
    ],
    [
      'a bound task asked to stop still holds it until STOPPED',
      [task('old', { on: 'a', td: 'big:1', desired: 'STOPPED', lastStatus: 'RUNNING' }), ...pending(4)],
      { a: ['t0', 't1'], '-': ['t2', 't3'] },
    ],
    [
      'a STOPPED task holds nothing',
      [task('old', { on: 'a', td: 'big:1', desired: 'STOPPED', lastStatus: 'STOPPED' }), ...pending(4)],
      { a: ['t0', 't1', 't2', 't3'] },
    ],
    ['tasks bound to an instance that is gone are ignored', [task('x', { on: 'zzz', td: 'big:1' }), ...pending(4)], { a: ['t0', 't1', 't2', 't3'] }],
  ])('%s', (_name, tasks, expected) => {
    expect(placement(plan(tasks, [instance('a', { memory: 1024 })]))).toEqual(expected);
  });

  it('counts binds of earlier passes that the cache has not seen yet (assumed)', () => {
    const assumed = new AssumedTasks();
    const cached = [task('first', { rv: 10, td: 'big:1' }), task('second', { created: 1, rv: 11 }), task('third', { created: 2, rv: 12 })];
    // Pass 1 bound `first` to a (the write returned rv 20); the cache still shows rv 10, unbound.
    assumed.assume(task('first', { on: 'a', rv: 20, td: 'big:1' }), NOW);
    const p = plan(assumed.overlay('default', cached, NOW), [instance('a', { memory: 768 })]);
    expect(placement(p)).toEqual({ a: ['second'], '-': ['third'] });
    // Once the cache has caught up, the assumption is dropped.
    const caughtUp = [task('first', { on: 'a', rv: 20, td: 'big:1' }), task('second', { created: 1, rv: 11 })];
    expect(assumed.overlay('default', caughtUp, NOW)).toEqual(caughtUp);
    expect(assumed.size).toBe(0);
  });

  it("overlays only the cluster's own tasks, leaving other clusters' out", () => {
    const assumed = new AssumedTasks();
    const mine = task('mine', { rv: 10 });
    const theirs = { ...task('theirs', { rv: 11 }), metadata: { ...task('theirs', { rv: 11 }).metadata, cluster: 'other' } };
    assumed.assume({ ...theirs, metadata: { ...theirs.metadata, resourceVersion: '30' } }, NOW);
    expect(assumed.overlay('default', [mine, theirs], NOW)).toEqual([mine]);
    expect(assumed.overlay('other', [mine, theirs], NOW).map((t) => t.metadata.resourceVersion)).toEqual(['30']);
  });

  it.each<[string, Task[], Task[], number, boolean]>([
    ['nothing waits', [], [], NOW, false],
    ['a task waits and nothing is assumed of it', [task('a', { rv: 10 })], [], NOW, true],
    ['its bind is assumed, newer than the cache', [task('a', { rv: 10 })], [task('a', { on: 'i', rv: 20 })], NOW, false],
    ['its bind is assumed but past its time', [task('a', { rv: 10 })], [task('a', { on: 'i', rv: 20 })], NOW + 1000, true],
    ['the assumed copy is older than the cache', [task('a', { rv: 30 })], [task('a', { on: 'i', rv: 20 })], NOW, true],
    ['assumed, but still unbound (its pendingReason was written)', [task('a', { rv: 10 })], [task('a', { rv: 20, pendingReason: 'full' })], NOW, true],
    ['one of two is assumed bound', [task('a', { rv: 10 }), task('b', { rv: 11 })], [task('a', { on: 'i', rv: 20 })], NOW, true],
  ])('anyAwaiting: %s', (_name, waiting, mine, now, expected) => {
    const assumed = new AssumedTasks(1000);
    for (const t of mine) assumed.assume(t, NOW);
    expect(assumed.anyAwaiting('default', waiting, now)).toBe(expected);
  });

  it('forgets assumptions after their time', () => {
    const assumed = new AssumedTasks(1000);
    assumed.assume(task('first', { on: 'a', rv: 20 }), NOW);
    const cached = [task('first', { rv: 10 })];
    expect(assumed.overlay('default', cached, NOW + 999)[0]?.spec.containerInstance).toBe('a');
    expect(assumed.overlay('default', cached, NOW + 1000)[0]?.spec.containerInstance).toBeUndefined();
  });

  it('static host ports in use on an instance keep tasks that need them away', () => {
    const tasks = [task('old', { on: 'a', td: 'port:1' }), ...pending(3, { td: 'port:1' })];
    const p = plan(tasks, [instance('a'), instance('b'), instance('c')]);
    expect(placement(p)).toEqual({ b: ['t0'], c: ['t1'], '-': ['t2'] });
    expect(p.unplaceable[0]?.reason).toBe(`${NO_INSTANCE_MET}: 3 of 3 instances lacked PORTS_TCP (host port 80/tcp taken or reserved)`);
  });
});

describe('planScheduling: reasons and status writes', () => {
  it.each<[string, Task[], ContainerInstance[], string]>([
    ['no instances at all', pending(1), [], 'no container instances ACTIVE and connected (the cluster has no container instances)'],
    ['only draining ones', pending(1), [instance('a', { draining: true })], 'no container instances ACTIVE and connected (of 1: 1 DRAINING)'],
    [
      'not enough memory anywhere',
      pending(1, { td: 'big:1' }),
      [instance('a', { memory: 256 }), instance('b', { memory: 300 })],
      `${NO_INSTANCE_MET}: 2 of 2 instances lacked MEMORY (the task needs 512 MiB; the most free on any is 300 MiB)`,
    ],
    [
      'an unknown task definition',
      pending(1, { td: 'nope:4' }),
      [instance('a')],
      'task definition nope:4 is not registered in cluster default; register it or stop the task',
    ],
  ])('%s', (_name, tasks, instances, reason) => {
    const p = plan(tasks, instances);
    expect(p.binds).toEqual([]);
    expect(p.unplaceable.map((u) => u.reason)).toEqual([reason]);
    expect(p.statusWrites.map((w) => w.status.pendingReason)).toEqual([reason]);
  });

  it('writes a pendingReason only when it changed', () => {
    const reason = 'no container instances ACTIVE and connected (the cluster has no container instances)';
    const p = plan([task('same', { pendingReason: reason }), task('other', { pendingReason: 'old news' })], []);
    expect(p.unplaceable).toHaveLength(2);
    expect(p.statusWrites.map((w) => [w.task.metadata.name, w.status.pendingReason])).toEqual([['other', reason]]);
  });

  it('stops unbound tasks asked to stop, and never binds them', () => {
    const p = plan(
      [
        task('asked', { desired: 'STOPPED', stopReason: 'scaled in', pendingReason: 'x' }),
        task('plain', { desired: 'STOPPED' }),
        task('done', { desired: 'STOPPED', lastStatus: 'STOPPED' }),
      ],
      [instance('a')],
    );
    expect(p.binds).toEqual([]);
    expect(p.statusWrites.map((w) => [w.task.metadata.name, w.status.lastStatus, w.status.stoppedReason, w.status.stoppedAt, w.status.pendingReason])).toEqual([
      ['asked', 'STOPPED', 'scaled in', new Date(NOW).toISOString(), undefined],
      ['plain', 'STOPPED', STOPPED_BEFORE_PLACED, new Date(NOW).toISOString(), undefined],
    ]);
  });

  it('is deterministic: the same observation gives the same plan', () => {
    const tasks = pending(40);
    const instances = ['a', 'b', 'c', 'd', 'e'].map((n) => instance(n, { memory: 2048 }));
    expect(placement(plan(tasks, [...instances].reverse()))).toEqual(placement(plan(tasks, instances)));
  });
});

describe('planScheduling: scale', () => {
  it('plans 20,000 pending tasks over 500 instances in one pass (time printed, not asserted)', () => {
    const tasks = Array.from({ length: 20_000 }, (_, i) => task(`t${String(i).padStart(5, '0')}`, { created: i % 600, group: `service:s${i % 20}` }));
    const instances = Array.from({ length: 500 }, (_, i) =>
      instance(`i${String(i).padStart(3, '0')}`, { memory: 16_384, attributes: { 'ecs.availability-zone': `az${i % 3}` } }),
    );
    const started = performance.now();
    const p = plan(tasks, instances);
    const ms = performance.now() - started;
    process.stdout.write(`scheduler plan: ${tasks.length} tasks over ${instances.length} instances in ${ms.toFixed(0)} ms\n`);
    expect(p.binds).toHaveLength(20_000);
    const perInstance = new Map<string, number>();
    for (const b of p.binds) perInstance.set(b.instance, (perInstance.get(b.instance) ?? 0) + 1);
    expect(Math.max(...perInstance.values())).toBeLessThanOrEqual(64); // 16,384 / 256 MiB
  });
});

describe('planScheduling: runtimePlatform and GPUs', () => {
  const td = (name: string, spec: Record<string, unknown>, container: Record<string, unknown> = {}) =>
    TaskDefinition.parse({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name },
      spec: { ...spec, containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 64, ...container }] },
    });
  const platformed = [
    td('arm:1', { runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' } }),
    td('win:1', { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } }),
    td('gpu:1', {}, { resourceRequirements: [{ type: 'GPU', value: '2' }] }),
  ];
  const planWith = (tasks: Task[], instances: ContainerInstance[]) =>
    plan(tasks, instances, [], { taskDefinition: (name) => platformed.find((d) => d.metadata.name === name) });
  const x86 = { 'ecs.os-type': 'linux', 'ecs.cpu-architecture': 'x86_64' };
  const arm = { 'ecs.os-type': 'linux', 'ecs.cpu-architecture': 'arm64' };

  it.each<[string, Task[], ContainerInstance[], Record<string, string[]>]>([
    [
      'ARM64/LINUX goes only to an arm64 linux instance',
      pending(2, { td: 'arm:1' }),
      [instance('a', { attributes: x86 }), instance('b', { attributes: arm })],
      { b: ['t0', 't1'] },
    ],
    ['no arm64 instance: unplaceable', pending(1, { td: 'arm:1' }), [instance('a', { attributes: x86 })], { '-': ['t0'] }],
    [
      'a Windows family needs a windows instance',
      pending(1, { td: 'win:1' }),
      [instance('a', { attributes: x86 }), instance('w', { attributes: { 'ecs.os-type': 'windows' } })],
      { w: ['t0'] },
    ],
    [
      'GPUs are a resource: 2 per task on a 3-GPU instance fits one',
      pending(2, { td: 'gpu:1' }),
      [instance('a'), instance('g', { gpu: 3 })],
      { g: ['t0'], '-': ['t1'] },
    ],
    [
      'GPUs held by bound tasks are not free',
      [task('old', { td: 'gpu:1', on: 'g', lastStatus: 'RUNNING' }), task('new', { td: 'gpu:1', created: 1 })],
      [instance('g', { gpu: 3 })],
      { '-': ['new'] },
    ],
  ])('%s', (_what, tasks, instances, want) => {
    expect(placement(planWith(tasks, instances))).toEqual(want);
  });

  it('says why, in ECS’s words', () => {
    const [gpu] = planWith(pending(1, { td: 'gpu:1' }), [instance('a', { gpu: 1 })]).unplaceable;
    expect(gpu?.reason).toMatch(/1 of 1 instance lacked GPU \(the task needs 2; the most free on any is 1\)/);
    const [platform] = planWith(pending(1, { td: 'arm:1' }), [instance('a', { attributes: x86 })]).unplaceable;
    expect(platform?.reason).toMatch(/did not satisfy memberOf "attribute:ecs.cpu-architecture == arm64"/);
  });
});
