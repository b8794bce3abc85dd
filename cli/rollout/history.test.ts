import { describe, expect, it } from 'vitest';
import { Service, TaskDefinition } from '../../api/v1/index.js';
import { historyOf, historyRows, undoTarget } from './history.js';
import { serviceName } from './target.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const rec = (id: string, taskDefinition: string, state: string, s: number, extra: Record<string, unknown> = {}) => ({
  id,
  taskDefinition,
  state,
  startedAt: at(s),
  ...extra,
});
const service = (current: string, history: Record<string, unknown>[], spec = 'web') =>
  Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { taskDefinition: spec },
    status: { taskDefinition: current, history },
  });
const td = (n: number, inactive = false) =>
  TaskDefinition.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: `web:${n}` },
    spec: { containerDefinitions: [{ name: 'a', image: 'x', memory: 8 }] },
    status: { status: inactive ? 'INACTIVE' : 'ACTIVE', revision: n },
  });
const defs = [td(1), td(2), td(3), td(4, true)];

describe('rollout history', () => {
  it('lists oldest first with revision numbers and durations', () => {
    const s = service('web:2', [
      rec('d2', 'web:2', 'IN_PROGRESS', 10),
      rec('d1', 'web:1', 'COMPLETED', 0, { finishedAt: at(7), reason: 'deployment completed' }),
    ]);
    expect(historyRows(historyOf(s), new Date(at(100)))).toEqual([
      ['1', 'web:1', 'd1', 'COMPLETED', at(0), '7s', 'deployment completed'],
      ['2', 'web:2', 'd2', 'IN_PROGRESS', at(10), '90s', ''],
    ]);
  });

  it('falls back to the deployments of a service without history', () => {
    const s = Service.parse({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { taskDefinition: 'web' },
      status: {
        deployments: [
          { id: 'd2', status: 'PRIMARY', taskDefinition: 'web:2', createdAt: at(5) },
          { id: 'd1', status: 'ACTIVE', taskDefinition: 'web:1', rolloutState: 'COMPLETED', createdAt: at(1) },
        ],
      },
    });
    expect(historyOf(s).map((r) => r.taskDefinition)).toEqual(['web:1', 'web:2']);
  });
});

describe('undoTarget', () => {
  it.each([
    [
      'the previous completed revision',
      service('web:3', [rec('d3', 'web:3', 'COMPLETED', 3), rec('d2', 'web:2', 'COMPLETED', 2), rec('d1', 'web:1', 'COMPLETED', 1)]),
      undefined,
      'web:2',
    ],
    [
      'skipping failed and superseded ones',
      service('web:3', [
        rec('d3', 'web:3', 'IN_PROGRESS', 3),
        rec('d2', 'web:2', 'FAILED', 2),
        rec('dx', 'web:2', 'STOPPED', 2),
        rec('d1', 'web:1', 'COMPLETED', 1),
      ]),
      undefined,
      'web:1',
    ],
    [
      'after a rollback: what the breaker returned to',
      service('web:3', [rec('d1', 'web:1', 'COMPLETED', 4, { rollbackFrom: 'd3' }), rec('d3', 'web:3', 'FAILED', 3), rec('d2', 'web:2', 'COMPLETED', 2)]),
      undefined,
      'web:1',
    ],
    [
      'skipping a deregistered revision',
      service('web:3', [rec('d4', 'web:4', 'COMPLETED', 4), rec('d2', 'web:2', 'COMPLETED', 2)], 'web:3'),
      undefined,
      'web:2',
    ],
    ['an explicit revision', service('web:3', []), 1, 'web:1'],
    ['nowhere to go', service('web:1', [rec('d1', 'web:1', 'COMPLETED', 1)]), undefined, /no earlier revision/],
    ['an explicit revision that does not exist', service('web:3', []), 9, /web:9 does not exist/],
    ['an explicit INACTIVE revision', service('web:3', []), 4, /web:4 is INACTIVE/],
  ])('%s', (_name, s, to, expected) => {
    if (typeof expected === 'string') expect(undoTarget(s, defs, to)).toBe(expected);
    else expect(() => undoTarget(s, defs, to)).toThrow(expected);
  });
});

describe('arguments', () => {
  it.each<[string[], string]>([
    [['service', 'web'], 'web'],
    [['svc/web'], 'web'],
    [['services', 'api'], 'api'],
  ])('%j names service %s', (args, name) => {
    expect(serviceName(args, 'status')).toBe(name);
  });
  it.each([[['task', 't1']], [['web']], [['service', 'a', 'b']]])('%j is refused', (args) => {
    expect(() => serviceName(args, 'status')).toThrow();
  });
});
