import { describe, expect, it } from 'vitest';
import type { PlacementStrategy } from '../../../api/v1/index.js';
import type { PlacementCandidate } from './candidate.js';
import { placeTasks, type PlacementRequest } from './place.js';
import { seededRng } from './rng.js';
import { DEFAULT_PLACEMENT_STRATEGIES } from './strategies.js';
import { testCandidate as node, testDemand as demand } from './testing.js';

const GROUP = 'service:web';
const AZ = 'ecs.availability-zone';
const inZone = (name: string, zone: string, o: Parameters<typeof node>[1] = {}) => node(name, { ...o, attributes: { [AZ]: zone, ...o.attributes } });

/** Places `count` identical tasks and returns where each went. */
function run(count: number, candidates: PlacementCandidate[], strategies: PlacementStrategy[] | undefined, seed = 1, need = demand()) {
  const requests: PlacementRequest[] = Array.from({ length: count }, () => ({ demand: need, group: GROUP, strategies }));
  return placeTasks(requests, candidates, seededRng(seed)).map((r) => (r.ok ? r.instance : 'FAILED'));
}

function tally(names: string[], key: (name: string) => string = (n) => n): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[key(n)] = (out[key(n)] ?? 0) + 1;
  return out;
}

describe('binpack', () => {
  it.each<[string, 'cpu' | 'memory', PlacementCandidate[], string]>([
    ['memory: least free memory first', 'memory', [node('a', { memory: 4096 }), node('b', { memory: 1024 }), node('c', { memory: 2048 })], 'b'],
    ['memory: ignores cpu', 'memory', [node('a', { memory: 4096, cpu: 10 }), node('b', { memory: 8192, cpu: 1 })], 'a'],
    ['cpu: least free cpu first', 'cpu', [node('a', { cpu: 4096 }), node('b', { cpu: 1024 }), node('c', { cpu: 2048 })], 'b'],
    ['cpu: ignores memory', 'cpu', [node('a', { cpu: 2048, memory: 100000 }), node('b', { cpu: 4096, memory: 200 })], 'a'],
    ['only among instances the task fits', 'memory', [node('a', { memory: 100 }), node('b', { memory: 4096 }), node('c', { memory: 8192 })], 'b'],
  ])('%s', (_name, field, candidates, expected) => {
    expect(run(1, candidates, [{ type: 'binpack', field }], 1, demand({ memory: 128 }))).toEqual([expected]);
  });

  it('fills one instance before starting the next', () => {
    const where = run(6, [node('a', { memory: 1024 }), node('b', { memory: 1000 })], [{ type: 'binpack', field: 'memory' }], 1, demand({ memory: 256 }));
    // b has the least free, so it takes tasks until 232 MiB are left; only then does a start.
    expect(where).toEqual(['b', 'b', 'b', 'a', 'a', 'a']);
  });
});

describe('spread', () => {
  it.each(['instanceId', 'host'])('%s: balances the group across instances, counting tasks already there', (field) => {
    const where = run(
      7,
      [node('a', { groups: [GROUP, GROUP] }), node('b'), node('c', { groups: ['service:other', 'service:other'] })],
      [{ type: 'spread', field }],
    );
    const counts = tally(where);
    // Afterwards every instance holds 3 of the group (a had 2 already).
    expect(counts).toEqual({ a: 1, b: 3, c: 3 });
  });

  it('attribute: balances zones, whatever the number of instances in each', () => {
    const candidates = [inZone('a1', 'a'), inZone('a2', 'a'), inZone('a3', 'a'), inZone('b1', 'b'), inZone('c1', 'c')];
    const where = run(9, candidates, [{ type: 'spread', field: `attribute:${AZ}` }]);
    expect(tally(where, (n) => n.charAt(0))).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('attribute: instances without the attribute share one bucket', () => {
    const candidates = [inZone('a1', 'a'), node('x1'), node('x2')];
    const where = run(4, candidates, [{ type: 'spread', field: `attribute:${AZ}` }]);
    expect(tally(where, (n) => n.charAt(0))).toEqual({ a: 2, x: 2 });
  });

  it('counts only tasks of the same group', () => {
    const candidates = [inZone('a1', 'a', { groups: ['service:db', 'service:db', 'service:db'] }), inZone('b1', 'b', { groups: [GROUP] })];
    expect(run(1, candidates, [{ type: 'spread', field: `attribute:${AZ}` }])).toEqual(['a1']);
  });
});

describe('strategies in order, each breaking the previous ties', () => {
  const candidates = [
    inZone('a1', 'a', { memory: 4096 }),
    inZone('a2', 'a', { memory: 2048 }),
    inZone('b1', 'b', { memory: 8192 }),
    inZone('b2', 'b', { memory: 1024, groups: [GROUP] }),
  ];
  it.each<[string, PlacementStrategy[], string[]]>([
    // zone a has no task of the group, b has one; inside a, least memory is a2
    [
      'spread zone, then binpack memory',
      [
        { type: 'spread', field: `attribute:${AZ}` },
        { type: 'binpack', field: 'memory' },
      ],
      ['a2'],
    ],
    // binpack alone ignores zones
    ['binpack memory alone', [{ type: 'binpack', field: 'memory' }], ['b2']],
    // binpack first decides everything when free memory differs everywhere
    [
      'binpack memory, then spread zone',
      [
        { type: 'binpack', field: 'memory' },
        { type: 'spread', field: `attribute:${AZ}` },
      ],
      ['b2'],
    ],
    // spread over instances leaves a1, a2, b1 tied; binpack then picks the least free memory among them
    [
      'spread instanceId, then binpack memory',
      [
        { type: 'spread', field: 'instanceId' },
        { type: 'binpack', field: 'memory' },
      ],
      ['a2'],
    ],
    // spread instanceId then random: any of the three without the group
    ['spread instanceId, then random', [{ type: 'spread', field: 'instanceId' }, { type: 'random' }], ['a1', 'a2', 'b1']],
    // random ends the list: the binpack after it does not apply
    ['random, then binpack (ignored)', [{ type: 'random' }, { type: 'binpack', field: 'memory' }], ['a1', 'a2', 'b1', 'b2']],
    // spread zone leaves a1, a2 tied; a second spread by instance keeps both tied; random picks either
    [
      'spread zone, then spread instanceId',
      [
        { type: 'spread', field: `attribute:${AZ}` },
        { type: 'spread', field: 'instanceId' },
      ],
      ['a1', 'a2'],
    ],
  ])('%s', (_name, strategies, possible) => {
    const winners = new Set<string>();
    for (let seed = 0; seed < 80; seed++) winners.add(run(1, candidates, strategies, seed)[0] ?? '');
    expect([...winners].sort()).toEqual(possible);
  });
});

describe('defaults', () => {
  const candidates = [inZone('a1', 'a'), inZone('a2', 'a'), inZone('b1', 'b'), inZone('c1', 'c', { groups: [GROUP] })];

  it.each<[string, PlacementStrategy[] | undefined]>([
    ['absent', undefined],
    ['empty', []],
  ])('%s strategies behave as spread by zone then by instance', (_name, strategies) => {
    for (let seed = 0; seed < 10; seed++) expect(run(8, candidates, strategies, seed)).toEqual(run(8, candidates, [...DEFAULT_PLACEMENT_STRATEGIES], seed));
  });

  it('spreads zones first, then instances within a zone', () => {
    const counts = tally(run(8, candidates, undefined));
    // 9 tasks of the group in total: 3 per zone; zone a's 3 split 2/1 over its two instances.
    expect(counts.b1).toBe(3);
    expect(counts.c1).toBe(2);
    expect([counts.a1, counts.a2].sort()).toEqual([1, 2]);
  });
});

describe('random', () => {
  it('reaches every feasible instance across seeds and never an infeasible one', () => {
    const candidates = [node('a'), node('b'), node('c', { memory: 1 }), node('d')];
    const winners = new Set<string>();
    for (let seed = 0; seed < 100; seed++) winners.add(run(1, candidates, [{ type: 'random' }], seed)[0] ?? '');
    expect([...winners].sort()).toEqual(['a', 'b', 'd']);
  });
});
