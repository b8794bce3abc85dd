import { describe, expect, it } from 'vitest';
import type { PlacementStrategy } from '../../../api/v1/index.js';
import { seededRng } from './rng.js';
import { chooseTasksToStop, type StoppableTask } from './scale-in.js';

const AZ = 'ecs.availability-zone';
const SPREAD_AZ: PlacementStrategy = { type: 'spread', field: `attribute:${AZ}` };
const SPREAD_INSTANCE: PlacementStrategy = { type: 'spread', field: 'instanceId' };
const BINPACK_MEMORY: PlacementStrategy = { type: 'binpack', field: 'memory' };
const BINPACK_CPU: PlacementStrategy = { type: 'binpack', field: 'cpu' };

/** `t('t1', 'i1', 'a', 5)`: task t1 on instance i1 in zone a, created at minute 5. */
function t(name: string, instance: string, zone: string, minute = 0, extra: Partial<StoppableTask> = {}): StoppableTask {
  return {
    name,
    instance: { name: instance, attributes: { [AZ]: zone } },
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString(),
    ...extra,
  };
}

describe('chooseTasksToStop', () => {
  it.each<[string, StoppableTask[], number, PlacementStrategy[] | undefined, string[]]>([
    [
      'spread by zone: the most crowded zone first',
      [t('a1', 'i1', 'a'), t('a2', 'i2', 'a'), t('a3', 'i2', 'a'), t('b1', 'i3', 'b')],
      2,
      [SPREAD_AZ],
      ['a1', 'a2'],
    ],
    [
      'spread by instance: the most crowded instance first',
      [t('x1', 'x', 'a'), t('x2', 'x', 'a'), t('x3', 'x', 'a'), t('y1', 'y', 'a')],
      2,
      [SPREAD_INSTANCE],
      ['x1', 'x2'],
    ],
    [
      'spread re-balances after each pick (a:4 b:2 → a, a, then the newest of all)',
      [t('a1', 'i1', 'a', 1), t('a2', 'i1', 'a', 2), t('a3', 'i1', 'a', 3), t('a4', 'i1', 'a', 4), t('b1', 'i2', 'b', 9), t('b2', 'i2', 'b', 8)],
      3,
      [SPREAD_AZ],
      ['a4', 'a3', 'b1'],
    ],
    [
      'default: zone first, then instance within the zone',
      [t('p', 'i1', 'a'), t('q', 'i1', 'a'), t('r', 'i2', 'a'), t('s', 'i3', 'b'), t('u', 'i4', 'b')],
      1,
      undefined,
      ['p'],
    ],
    ['empty strategies mean the default too', [t('p', 'i1', 'a'), t('q', 'i1', 'a'), t('r', 'i2', 'a'), t('s', 'i3', 'b'), t('u', 'i4', 'b')], 1, [], ['p']],
    ['ties go newest first', [t('old', 'i1', 'a', 1), t('new', 'i1', 'a', 30), t('mid', 'i1', 'a', 10)], 2, [SPREAD_AZ], ['new', 'mid']],
    [
      'a task without createdAt counts as newest',
      [t('old', 'i1', 'a', 1), { name: 'pending', instance: { name: 'i1', attributes: { [AZ]: 'a' } } }],
      1,
      [SPREAD_AZ],
      ['pending'],
    ],
    ['same age: by name', [t('b', 'i1', 'a'), t('a', 'i1', 'a')], 1, [SPREAD_AZ], ['a']],
    ['more than there are: all of them', [t('a', 'i1', 'a', 1), t('b', 'i1', 'a', 2)], 5, [SPREAD_AZ], ['b', 'a']],
    ['none', [t('a', 'i1', 'a')], 0, [SPREAD_AZ], []],
    [
      'instances without the attribute share one bucket',
      [t('a1', 'i1', 'a'), { name: 'n1', instance: { name: 'i2' } }, { name: 'n2', instance: { name: 'i3' } }],
      1,
      [SPREAD_AZ],
      ['n1'],
    ],
  ])('%s', (_name, tasks, count, strategies, expected) => {
    expect(chooseTasksToStop(tasks, count, strategies)).toEqual(expected);
  });
});

describe('chooseTasksToStop: binpack frees the least-used instances first', () => {
  const on = (name: string, instance: string, remainingMemory: number, remainingCpu = 0, memory = 256, cpu = 128, minute = 0) =>
    t(name, instance, 'a', minute, { instance: { name: instance, remainingMemory, remainingCpu }, memory, cpu });

  it.each<[string, StoppableTask[], number, PlacementStrategy[], string[]]>([
    ['memory: the instance left with the most memory', [on('busy', 'p', 100), on('idle', 'q', 3000)], 1, [BINPACK_MEMORY], ['idle']],
    ['memory: counts what the task itself frees', [on('small', 'p', 1000, 0, 100), on('big', 'q', 900, 0, 400)], 1, [BINPACK_MEMORY], ['big']],
    ['cpu: the instance left with the most cpu', [on('busy', 'p', 0, 512), on('idle', 'q', 0, 4096)], 1, [BINPACK_CPU], ['idle']],
    [
      'empties an instance before touching the next (frees grow as it goes)',
      [on('p1', 'p', 1000, 0, 256, 0, 1), on('q1', 'q', 1100, 0, 256, 0, 1), on('q2', 'q', 1100, 0, 256, 0, 2)],
      2,
      [BINPACK_MEMORY],
      ['q2', 'q1'],
    ],
    [
      'spread first, binpack among the tied (then all are level, and y is the least used)',
      [on('x1', 'x', 10), on('x2', 'x', 10), on('y1', 'y', 5000), on('z1', 'z', 20)],
      2,
      [SPREAD_INSTANCE, BINPACK_MEMORY],
      ['x1', 'y1'],
    ],
  ])('%s', (_name, tasks, count, strategies, expected) => {
    expect(chooseTasksToStop(tasks, count, strategies)).toEqual(expected);
  });
});

describe('chooseTasksToStop: random', () => {
  const tasks = [t('a', 'i1', 'z', 1), t('b', 'i2', 'z', 2), t('c', 'i3', 'z', 3), t('d', 'i4', 'z', 4)];

  it('without an rng falls through to newest first', () => {
    expect(chooseTasksToStop(tasks, 2, [{ type: 'random' }])).toEqual(['d', 'c']);
  });

  it('with an rng reaches every tied task across seeds, reproducibly', () => {
    const firsts = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const once = chooseTasksToStop(tasks, 1, [{ type: 'random' }], seededRng(seed));
      expect(chooseTasksToStop(tasks, 1, [{ type: 'random' }], seededRng(seed))).toEqual(once);
      firsts.add(once[0] ?? '');
    }
    expect([...firsts].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('only among what earlier strategies left tied', () => {
    const crowded = [...tasks, t('e', 'i1', 'z', 0)];
    for (let seed = 0; seed < 20; seed++)
      expect(['a', 'e']).toContain(chooseTasksToStop(crowded, 1, [SPREAD_INSTANCE, { type: 'random' }], seededRng(seed))[0]);
  });
});
