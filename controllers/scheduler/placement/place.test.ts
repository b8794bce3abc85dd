import { describe, expect, it } from 'vitest';
import type { PlacementCandidate } from './candidate.js';
import { familyGroup, placeTask, type PlacementOptions, type PlacementRequest, type PlacementResult } from './place.js';
import { describeFailures, PLACEMENT_REASONS } from './reasons.js';
import { seededRng } from './rng.js';
import { testCandidate as node, testDemand as demand } from './testing.js';

const GROUP = 'service:web';
const request = (over: Partial<PlacementRequest> = {}): PlacementRequest => ({ demand: demand(), group: GROUP, ...over });
const place = (r: PlacementRequest, candidates: PlacementCandidate[], options?: PlacementOptions) => placeTask(r, candidates, seededRng(7), options);
const chosen = (result: PlacementResult) => (result.ok ? result.instance : `failed: ${describeFailures(result.reasons)}`);

describe('placeTask: resources', () => {
  it.each<[string, Partial<{ cpu: number; memory: number }>, PlacementCandidate[], string]>([
    ['enough memory on one', { memory: 512 }, [node('a', { memory: 256 }), node('b', { memory: 512 })], 'b'],
    ['enough cpu on one', { cpu: 1024 }, [node('a', { cpu: 1023 }), node('b', { cpu: 2048 })], 'b'],
    [
      'needs both',
      { cpu: 1024, memory: 1024 },
      [node('a', { cpu: 4096, memory: 512 }), node('b', { cpu: 512, memory: 4096 }), node('c', { cpu: 1024, memory: 1024 })],
      'c',
    ],
    ['cpu 0 fits an instance with no cpu left', { cpu: 0, memory: 64 }, [node('a', { cpu: 0, memory: 64 })], 'a'],
    ['an exact fit fits', { cpu: 256, memory: 256 }, [node('a', { cpu: 256, memory: 256 })], 'a'],
  ])('%s', (_name, need, candidates, expected) => {
    expect(chosen(place(request({ demand: demand(need) }), candidates))).toBe(expected);
  });
});

describe('placeTask: host ports', () => {
  it.each<[string, Parameters<typeof demand>[0], PlacementCandidate[], PlacementOptions | undefined, string]>([
    ['a taken tcp port rules an instance out', { tcp: [80] }, [node('a', { portsTcp: [80] }), node('b', { portsTcp: [443] })], undefined, 'b'],
    ['a taken udp port does not block the same tcp port', { tcp: [53] }, [node('a', { portsUdp: [53] })], undefined, 'a'],
    ['a taken tcp port does not block the same udp port', { udp: [53] }, [node('a', { portsTcp: [53] })], undefined, 'a'],
    ['a taken udp port rules an instance out', { udp: [53] }, [node('a', { portsUdp: [53] }), node('b')], undefined, 'b'],
    ['every wanted port must be free', { tcp: [80, 81] }, [node('a', { portsTcp: [81] }), node('b', { portsTcp: [82] })], undefined, 'b'],
    ['custom reserved ports replace the defaults', { tcp: [22] }, [node('a')], { reservedPorts: { tcp: [8080] } }, 'a'],
    ['dynamic ports never conflict', { dynamicPorts: 3 }, [node('a', { portsTcp: [32768, 32769] })], undefined, 'a'],
  ])('%s', (_name, need, candidates, options, expected) => {
    const result = place(request({ demand: demand(need) }), candidates, options);
    expect(chosen(result)).toBe(expected);
    if (result.ok) expect(result.hostPorts).toEqual({ tcp: need?.tcp ?? [], udp: need?.udp ?? [] });
  });

  it.each([22, 2375, 2376, 51678, 51679])('ECS reserves tcp port %i by default', (port) => {
    const result = place(request({ demand: demand({ tcp: [port] }) }), [node('a')]);
    expect(result.ok ? 'placed' : result.reasons.map((r) => r.reason)).toEqual([PLACEMENT_REASONS.portsTcp]);
  });

  it('reserves udp ports only when told to', () => {
    expect(chosen(place(request({ demand: demand({ udp: [22] }) }), [node('a')]))).toBe('a');
    const reserved = place(request({ demand: demand({ udp: [5353] }) }), [node('a')], { reservedPorts: { udp: [5353] } });
    expect(reserved.ok).toBe(false);
  });
});

describe('placeTask: constraints', () => {
  const zones = [
    node('a', { attributes: { 'ecs.availability-zone': 'us-east-1a', 'ecs.instance-type': 't2.micro' } }),
    node('b', { attributes: { 'ecs.availability-zone': 'us-east-1b', 'ecs.instance-type': 'm5.large' }, groups: [GROUP] }),
    node('c', { attributes: { 'ecs.availability-zone': 'us-east-1c', 'ecs.instance-type': 't2.small' }, groups: ['service:db'] }),
  ];
  it.each<[string, PlacementRequest['constraints'], string[]]>([
    ['distinctInstance skips instances running the group', [{ type: 'distinctInstance' }], ['a', 'c']],
    ['memberOf keeps matching instances', [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }], ['a', 'c']],
    ['memberOf with in', [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone in [us-east-1b, us-east-1c]' }], ['b', 'c']],
    ['memberOf on task:group (affinity)', [{ type: 'memberOf', expression: 'task:group == service:db' }], ['c']],
    ['memberOf on task:group (anti-affinity)', [{ type: 'memberOf', expression: 'not(task:group == service:db)' }], ['a', 'b']],
    ['every constraint must hold', [{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:ecs.availability-zone != us-east-1a' }], ['c']],
    [
      'two memberOf constraints (service + task definition)',
      [
        { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' },
        { type: 'memberOf', expression: 'instanceId == a' },
      ],
      ['a'],
    ],
  ])('%s', (_name, constraints, allowed) => {
    // Try many seeds: whichever instance wins must always be an allowed one, and every allowed one can win.
    const winners = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const result = placeTask(request({ constraints, strategies: [{ type: 'random' }] }), zones, seededRng(seed));
      winners.add(chosen(result));
    }
    expect([...winners].sort()).toEqual(allowed);
  });
});

describe('placeTask: only ACTIVE instances with a connected agent', () => {
  it.each<[string, PlacementCandidate[], string]>([
    ['DRAINING is skipped', [node('a', { status: 'DRAINING', memory: 99999 }), node('b')], 'b'],
    ['a disconnected agent is skipped', [node('a', { agentConnected: false, memory: 99999 }), node('b')], 'b'],
    [
      'none left',
      [node('a', { status: 'DRAINING' }), node('b', { agentConnected: false }), node('c', { agentConnected: false })],
      'failed: no container instances ACTIVE and connected (of 3: 1 DRAINING, 2 with the agent disconnected)',
    ],
    ['an empty cluster', [], 'failed: no container instances ACTIVE and connected (the cluster has no container instances)'],
  ])('%s', (_name, candidates, expected) => {
    expect(chosen(place(request(), candidates))).toBe(expected);
  });
});

describe('placeTask: reasons when nothing fits, in ECS words with counts', () => {
  it.each<[string, PlacementRequest, PlacementCandidate[], Array<[string, number, number]>, RegExp]>([
    [
      'memory',
      request({ demand: demand({ memory: 512 }) }),
      [node('a', { memory: 256 }), node('b', { memory: 100 }), node('c', { memory: 511 })],
      [['RESOURCE:MEMORY', 3, 3]],
      /^3 of 3 instances lacked MEMORY \(the task needs 512 MiB; the most free on any is 511 MiB\)$/,
    ],
    [
      'cpu',
      request({ demand: demand({ cpu: 2048 }) }),
      [node('a', { cpu: 1024 }), node('b', { cpu: 2047 })],
      [['RESOURCE:CPU', 2, 2]],
      /^2 of 2 instances lacked CPU \(the task needs 2048 units; the most free on any is 2047\)$/,
    ],
    [
      'cpu on one, memory on another',
      request({ demand: demand({ cpu: 1024, memory: 1024 }) }),
      [node('a', { cpu: 512 }), node('b', { memory: 512 }), node('c', { cpu: 0, memory: 0 })],
      [
        ['RESOURCE:CPU', 2, 3],
        ['RESOURCE:MEMORY', 2, 3],
      ],
      /2 of 3 instances lacked CPU.*; 2 of 3 instances lacked MEMORY/,
    ],
    [
      'tcp ports',
      request({ demand: demand({ tcp: [80, 443] }) }),
      [node('a', { portsTcp: [80] }), node('b', { portsTcp: [443, 80] })],
      [['RESOURCE:PORTS_TCP', 2, 2]],
      /^2 of 2 instances lacked PORTS_TCP \(host ports 80\/tcp, 443\/tcp taken or reserved\)$/,
    ],
    [
      'udp ports',
      request({ demand: demand({ udp: [53] }) }),
      [node('a', { portsUdp: [53] })],
      [['RESOURCE:PORTS_UDP', 1, 1]],
      /^1 of 1 instance lacked PORTS_UDP \(host port 53\/udp taken or reserved\)$/,
    ],
    [
      'distinctInstance',
      request({ constraints: [{ type: 'distinctInstance' }] }),
      [node('a', { groups: [GROUP] }), node('b', { groups: [GROUP, 'x'] })],
      [['DistinctInstance placement constraint unsatisfied', 2, 2]],
      /^2 of 2 instances already run a task of group "service:web" \(distinctInstance\)$/,
    ],
    [
      'memberOf',
      request({ constraints: [{ type: 'memberOf', expression: 'attribute:gpu exists' }] }),
      [node('a'), node('b')],
      [['MemberOf placement constraint unsatisfied', 2, 2]],
      /^2 of 2 instances did not satisfy memberOf "attribute:gpu exists"$/,
    ],
    [
      'memberOf and memory on different instances',
      request({ demand: demand({ memory: 1000 }), constraints: [{ type: 'memberOf', expression: 'instanceId == a' }] }),
      [node('a', { memory: 10 }), node('b')],
      [
        ['MemberOf placement constraint unsatisfied', 1, 2],
        ['RESOURCE:MEMORY', 1, 2],
      ],
      /1 of 2 instances did not satisfy memberOf "instanceId == a"; 1 of 2 instances lacked MEMORY/,
    ],
    [
      'GPUs on instances that registered none',
      request({ demand: demand({ gpu: 1 }) }),
      [node('a', { gpu: 0 }), node('b')],
      [['RESOURCE:GPU', 2, 2]],
      /^2 of 2 instances lacked GPU \(the task needs 1; the most free on any is 0\)$/,
    ],
    [
      'more GPUs than any instance has',
      request({ demand: demand({ gpu: 4 }) }),
      [node('a', { gpu: 2 }), node('b', { gpu: 1 })],
      [['RESOURCE:GPU', 2, 2]],
      /lacked GPU \(the task needs 4; the most free on any is 2\)/,
    ],
    [
      'an invalid expression',
      request({ constraints: [{ type: 'memberOf', expression: 'attribute:az ==' }] }),
      [node('a'), node('b')],
      [['MemberOf expression invalid', 2, 2]],
      /^memberOf expression "attribute:az ==": expected a value at column 16$/,
    ],
  ])('%s', (_name, r, candidates, reasons, message) => {
    const result = place(r, candidates);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reasons.map((x) => [x.reason, x.instances, x.of])).toEqual(reasons);
    expect(describeFailures(result.reasons)).toMatch(message);
  });
});

describe('familyGroup', () => {
  it.each([
    ['web:3', 'family:web'],
    ['web', 'family:web'],
  ])('%s → %s', (ref, group) => {
    expect(familyGroup(ref)).toBe(group);
  });
});
