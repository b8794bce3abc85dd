import { describe, expect, it } from 'vitest';
import { Task } from '../../api/v1/task.js';
import { TaskDefinition } from '../../api/v1/task-definition.js';
import type { EngineContainer, EngineSnapshot } from './engine-view.js';
import { healthyTasks, orphans, serviceUnsteady } from './judge.js';
import type { StoreSnapshot } from './store-view.js';
import type { ServiceShape } from './workload.js';

const web: ServiceShape = { name: 'web', desired: 2, minimumHealthyPercent: 50, maximumPercent: 200, linked: false };
const linked: ServiceShape = { name: 'linked', desired: 1, minimumHealthyPercent: 100, maximumPercent: 200, linked: true };

type Status = 'PENDING' | 'RUNNING' | 'STOPPED';
const task = (name: string, td: string, on: string, desired: 'RUNNING' | 'STOPPED', last: Status) =>
  Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, cluster: 'c', uid: `uid-${name}` },
    spec: { taskDefinition: td, desiredStatus: desired, containerInstance: on, group: `service:${td.split(':')[0]}` },
    status: { lastStatus: last },
  });
const container = (taskName: string, td: string, on: string, state: string, healthy = true, name = 'app', starting = false): EngineContainer => ({
  id: `${taskName}-${name}`,
  name: `berth-c-${taskName}-${name}`,
  state,
  healthy,
  starting,
  taskName,
  taskUid: `uid-${taskName}`,
  container: name,
  instance: on,
  taskDefinition: td,
});
const revision = (family: string, revision: number) =>
  TaskDefinition.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: `${family}:${revision}`, cluster: 'c' },
    spec: { family, containerDefinitions: [{ name: 'app', image: 'i', memory: 16 }] },
    status: { status: 'ACTIVE', revision },
  });
const store = (tasks: Task[], revisions = [revision('web', 1), revision('web', 2)]): StoreSnapshot => ({
  tasks: tasks.map((object) => ({ object, modRevision: 1 })),
  services: [],
  taskDefinitions: revisions.map((object) => ({ object, modRevision: 1 })),
  instances: [],
});
const engine = (containers: EngineContainer[], networks: EngineSnapshot['networks'] = []): EngineSnapshot => ({ containers, networks });

describe('serviceUnsteady', () => {
  it.each([
    [
      'steady: both tasks of the newest revision run healthy',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:2', 'i2', 'RUNNING', 'RUNNING')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:2', 'i2', 'running')],
      undefined,
    ],
    [
      'an old revision still runs',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:1', 'i2', 'RUNNING', 'RUNNING')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:1', 'i2', 'running')],
      /1 of web:2/,
    ],
    [
      'a container not healthy yet',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:2', 'i2', 'RUNNING', 'RUNNING')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:2', 'i2', 'running', false)],
      /1 of web:2/,
    ],
    [
      'a third task still running (not stopped yet)',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:2', 'i2', 'RUNNING', 'RUNNING'), task('c', 'web:1', 'i2', 'STOPPED', 'RUNNING')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:2', 'i2', 'running'), container('c', 'web:1', 'i2', 'running')],
      /engine runs 3 tasks/,
    ],
    [
      'the store thinks a task runs that the engine lost',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:2', 'i2', 'RUNNING', 'RUNNING'), task('c', 'web:2', 'i3', 'RUNNING', 'RUNNING')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:2', 'i2', 'running')],
      /store has 3 live tasks/,
    ],
    [
      'a task that stopped on its own (desired RUNNING) is not live',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:2', 'i2', 'RUNNING', 'RUNNING'), task('c', 'web:2', 'i3', 'RUNNING', 'STOPPED')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:2', 'i2', 'running'), container('c', 'web:2', 'i3', 'exited')],
      undefined,
    ],
    [
      'a task runs on another instance than it is bound to',
      [task('a', 'web:2', 'i1', 'RUNNING', 'RUNNING'), task('b', 'web:2', 'i2', 'RUNNING', 'RUNNING')],
      [container('a', 'web:2', 'i1', 'running'), container('b', 'web:2', 'i3', 'running')],
      /bound to i2 but runs on i3/,
    ],
  ] as const)('%s', (_name, tasks, containers, want) => {
    const why = serviceUnsteady(web, store([...tasks]), engine([...containers]));
    if (want === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(want);
  });
});

describe('healthyTasks', () => {
  it.each([
    ['both containers running, app healthy', [container('a', 'linked:1', 'i1', 'running'), container('a', 'linked:1', 'i1', 'running', false, 'side')], 1],
    ['the side container exited', [container('a', 'linked:1', 'i1', 'running'), container('a', 'linked:1', 'i1', 'exited', false, 'side')], 0],
    ['only created', [container('a', 'linked:1', 'i1', 'created', false), container('a', 'linked:1', 'i1', 'created', false, 'side')], 0],
    ['app running but not healthy', [container('a', 'linked:1', 'i1', 'running', false), container('a', 'linked:1', 'i1', 'running', false, 'side')], 0],
    [
      'app starting: Docker has not checked it yet',
      [container('a', 'linked:1', 'i1', 'running', false, 'app', true), container('a', 'linked:1', 'i1', 'running', false, 'side')],
      0,
    ],
    [
      'app starting, and the check the checker ran itself passed',
      [container('a', 'linked:1', 'i1', 'running', false, 'app', true), container('a', 'linked:1', 'i1', 'running', false, 'side')],
      1,
      ['a-app'],
    ],
    [
      'a passed check counts only while Docker says starting (not once it says unhealthy)',
      [container('a', 'linked:1', 'i1', 'running', false), container('a', 'linked:1', 'i1', 'running', false, 'side')],
      0,
      ['a-app'],
    ],
    [
      'a passed check does not make up for a side container that is not running',
      [container('a', 'linked:1', 'i1', 'running', false, 'app', true), container('a', 'linked:1', 'i1', 'exited', false, 'side')],
      0,
      ['a-app'],
    ],
  ] as const)('%s', (_name, containers, want, passed: readonly string[] = []) => {
    expect(healthyTasks(linked, containers, new Set(passed)).size).toBe(want);
  });
});

describe('orphans', () => {
  it.each([
    ['a running container of a live task is not one', [task('a', 'web:1', 'i1', 'RUNNING', 'RUNNING')], [container('a', 'web:1', 'i1', 'running')], [], []],
    [
      'an exited container of a stopped task is kept for logs',
      [task('a', 'web:1', 'i1', 'STOPPED', 'STOPPED')],
      [container('a', 'web:1', 'i1', 'exited')],
      [],
      [],
    ],
    [
      'a running container of a stopped task',
      [task('a', 'web:1', 'i1', 'STOPPED', 'STOPPED')],
      [container('a', 'web:1', 'i1', 'running')],
      [],
      ['orphan-container'],
    ],
    [
      'a dead container of a stopped task (its removal failed) is kept like an exited one',
      [task('a', 'web:1', 'i1', 'STOPPED', 'STOPPED')],
      [container('a', 'web:1', 'i1', 'dead')],
      [],
      [],
    ],
    [
      // The checker's grace waits for a removal under way; one that outlasts it is stuck.
      'a container of a stopped task still being removed (as Docker inspects it)',
      [task('a', 'web:1', 'i1', 'STOPPED', 'STOPPED')],
      [container('a', 'web:1', 'i1', 'removing')],
      [],
      ['orphan-container'],
    ],
    [
      'a created container left by a failed start',
      [task('a', 'web:1', 'i1', 'RUNNING', 'STOPPED')],
      [container('a', 'web:1', 'i1', 'created')],
      [],
      ['orphan-container'],
    ],
    ['any container of a task not in the store', [], [container('x', 'web:1', 'i1', 'exited')], [], ['orphan-container']],
    [
      'a task network of a stopped task',
      [task('a', 'linked:1', 'i1', 'STOPPED', 'STOPPED')],
      [],
      [{ name: 'berth-c-a', taskName: 'a', taskUid: 'uid-a' }],
      ['orphan-network'],
    ],
    [
      'the network of a live task is not one',
      [task('a', 'linked:1', 'i1', 'RUNNING', 'RUNNING')],
      [],
      [{ name: 'berth-c-a', taskName: 'a', taskUid: 'uid-a' }],
      [],
    ],
  ] as const)('%s', (_name, tasks, containers, networks, want) => {
    expect(orphans(store([...tasks]), engine([...containers], [...networks])).map((o) => o.kind)).toEqual(want);
  });
});
