import { describe, expect, it } from 'vitest';
import type { PlacementStrategy } from '../../../api/v1/index.js';
import type { PlacementCandidate } from './candidate.js';
import { PlacementPass, placeTasks, type PlacementRequest, type PlacementResult } from './place.js';
import { seededRng } from './rng.js';
import { testCandidate as node, testDemand as demand } from './testing.js';

const outcome = (r: PlacementResult) => (r.ok ? r.instance : r.reasons.map((x) => x.reason).join(','));
const repeat = (n: number, r: PlacementRequest) => Array.from({ length: n }, () => r);

describe('placeTasks: one pass never over-commits', () => {
  it.each<[string, PlacementRequest, number, PlacementCandidate[], Record<string, number>, string]>([
    [
      'memory',
      { demand: demand({ memory: 1024 }), group: 'g' },
      10,
      [node('a', { memory: 3000 }), node('b', { memory: 2048 })],
      { a: 2, b: 2 },
      'RESOURCE:MEMORY',
    ],
    ['cpu', { demand: demand({ cpu: 512 }), group: 'g' }, 5, [node('a', { cpu: 1024 }), node('b', { cpu: 600 })], { a: 2, b: 1 }, 'RESOURCE:CPU'],
    [
      'a static tcp port',
      { demand: demand({ tcp: [80] }), group: 'g' },
      4,
      [node('a'), node('b'), node('c', { portsTcp: [80] })],
      { a: 1, b: 1 },
      'RESOURCE:PORTS_TCP',
    ],
    ['a static udp port', { demand: demand({ udp: [514] }), group: 'g' }, 2, [node('a')], { a: 1 }, 'RESOURCE:PORTS_UDP'],
    [
      'distinctInstance',
      { demand: demand(), group: 'g', constraints: [{ type: 'distinctInstance' }] },
      4,
      [node('a'), node('b'), node('c', { groups: ['g'] })],
      { a: 1, b: 1 },
      'DistinctInstance placement constraint unsatisfied',
    ],
  ])('%s', (_name, request, count, candidates, placed, reason) => {
    const results = placeTasks(repeat(count, request), candidates, seededRng(3));
    const counts: Record<string, number> = {};
    for (const r of results) if (r.ok) counts[r.instance] = (counts[r.instance] ?? 0) + 1;
    expect(counts).toEqual(placed);
    const failures = results.filter((r) => !r.ok).map(outcome);
    expect(failures).toEqual(Array(count - Object.values(placed).reduce((a, b) => a + b, 0)).fill(reason));
  });

  it('does not change the candidates it was given', () => {
    const candidates = [node('a', { memory: 1024, portsTcp: [1] })];
    const before = JSON.stringify(candidates);
    placeTasks(repeat(2, { demand: demand({ memory: 512, tcp: [80] }), group: 'g' }), candidates, seededRng(1));
    expect(JSON.stringify(candidates)).toBe(before);
  });
});

describe('placeTasks: later tasks see the earlier ones', () => {
  it('task:group affinity follows a task placed earlier in the same pass', () => {
    const candidates = [node('a'), node('b'), node('c')];
    for (let seed = 0; seed < 20; seed++) {
      const [db, web] = placeTasks(
        [
          { demand: demand(), group: 'service:db', strategies: [{ type: 'random' }] },
          { demand: demand(), group: 'service:web', constraints: [{ type: 'memberOf', expression: 'task:group == service:db' }] },
        ],
        candidates,
        seededRng(seed),
      );
      expect(db?.ok && web?.ok && web.instance === db.instance).toBe(true);
    }
  });

  it('runningTasksCount counts tasks placed in the pass', () => {
    const r = { demand: demand(), group: 'g', constraints: [{ type: 'memberOf' as const, expression: 'runningTasksCount < 2' }] };
    expect(
      placeTasks(repeat(5, r), [node('a'), node('b')], seededRng(1))
        .map(outcome)
        .sort(),
    ).toEqual(['MemberOf placement constraint unsatisfied', 'a', 'a', 'b', 'b']);
  });

  it('a task-dependent memberOf that failed is tried again once the pass changes', () => {
    const web = { demand: demand(), group: 'service:web', constraints: [{ type: 'memberOf' as const, expression: 'task:group == service:db' }] };
    const db = { demand: demand(), group: 'service:db' };
    const results = placeTasks([web, db, web], [node('a')], seededRng(1)).map(outcome);
    expect(results).toEqual(['MemberOf placement constraint unsatisfied', 'a', 'a']);
  });

  it('a request that fits nowhere keeps failing with the same reasons, also after other placements', () => {
    const big = { demand: demand({ memory: 5000 }), group: 'g' };
    const small = { demand: demand({ memory: 1000 }), group: 'h', strategies: [{ type: 'binpack' as const, field: 'memory' as const }] };
    const results = placeTasks([big, small, { ...big }, small], [node('a', { memory: 4096 }), node('b', { memory: 2048 })], seededRng(1));
    expect(results.map(outcome)).toEqual(['RESOURCE:MEMORY', 'b', 'RESOURCE:MEMORY', 'b']);
    expect(results[2]).toEqual(results[0]);
  });

  it('PlacementPass places incrementally like placeTasks', () => {
    const candidates = [node('a'), node('b'), node('c')];
    const requests = repeat(9, { demand: demand({ memory: 1000 }), group: 'g' });
    const pass = new PlacementPass(candidates);
    const rng = seededRng(9);
    const incremental = requests.map((r) => outcome(pass.place(r, rng)));
    expect(incremental).toEqual(placeTasks(requests, candidates, seededRng(9)).map(outcome));
  });
});

describe('placeTasks: determinism', () => {
  const candidates = Array.from({ length: 30 }, (_, i) =>
    node(`n${i}`, { attributes: { 'ecs.availability-zone': `z${i % 3}` }, memory: 2048 + (i % 5) * 256 }),
  );
  const requests = (strategies: PlacementStrategy[]) => repeat(40, { demand: demand({ memory: 256 }), group: 'g', strategies });

  it.each<[string, PlacementStrategy[]]>([
    ['random', [{ type: 'random' }]],
    ['default', []],
    [
      'spread then binpack',
      [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
    ],
  ])('%s: the same seed gives the same placements', (_name, strategies) => {
    const once = placeTasks(requests(strategies), candidates, seededRng(42)).map(outcome);
    const again = placeTasks(requests(strategies), candidates, seededRng(42)).map(outcome);
    expect(again).toEqual(once);
  });

  it('different seeds give different random placements', () => {
    const a = placeTasks(requests([{ type: 'random' }]), candidates, seededRng(1)).map(outcome);
    const b = placeTasks(requests([{ type: 'random' }]), candidates, seededRng(2)).map(outcome);
    expect(a).not.toEqual(b);
  });

  it('seededRng is reproducible and in [0, 1)', () => {
    const x = seededRng(5);
    const y = seededRng(5);
    const xs = Array.from({ length: 1000 }, () => x());
    expect(Array.from({ length: 1000 }, () => y())).toEqual(xs);
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});

describe('placeTasks: scale (a sanity print, not a timed assertion)', () => {
  it('places 20,000 tasks over 1,000 instances', () => {
    const instances = Array.from({ length: 1000 }, (_, i) =>
      node(`i-${i}`, {
        cpu: 8192,
        memory: 32768,
        attributes: { 'ecs.availability-zone': `us-east-1${'abcd'.charAt(i % 4)}`, 'ecs.instance-type': i % 2 ? 'm5.xlarge' : 't3.large' },
        groups: i % 10 === 0 ? ['service:s0'] : [],
      }),
    );
    const services = Array.from({ length: 20 }, (_, s) => ({
      demand: demand({ cpu: 128, memory: 512, tcp: s === 0 ? [8000] : [] }),
      group: `service:s${s}`,
      strategies: s % 3 === 0 ? [{ type: 'binpack' as const, field: 'memory' as const }] : undefined,
      constraints:
        s % 4 === 1
          ? [{ type: 'memberOf' as const, expression: 'attribute:ecs.instance-type =~ m5.*' }]
          : s === 0
            ? [{ type: 'distinctInstance' as const }]
            : [],
    }));
    const requests = Array.from({ length: 20_000 }, (_, k) => services[k % services.length] as PlacementRequest);

    const started = performance.now();
    const results = placeTasks(requests, instances, seededRng(123));
    const ms = performance.now() - started;

    const placed = results.filter((r) => r.ok).length;
    // service s0: distinctInstance + port 8000 + 100 instances already running it → at most 900 of its 1000.
    const s0 = results.filter((r, k) => k % 20 === 0 && r.ok).length;
    expect(s0).toBe(900);
    expect(placed).toBe(20_000 - 100);
    process.stdout.write(`placement benchmark: ${requests.length} tasks over ${instances.length} instances in ${ms.toFixed(0)} ms\n`);
  });
});
