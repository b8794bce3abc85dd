import { describe, expect, it } from 'vitest';
import { validateObject, type BerthObject } from '../../api/v1/index.js';
import { humanDuration } from './age.js';
import { paletteFor } from './colour.js';
import { headersFor, rowForObject } from './columns.js';
import { formatError } from './errors.js';
import { resolveKind, splitKindName } from './kinds.js';
import { formatObjects, parseOutputFormat } from './print.js';
import { renderTable } from './table.js';
import { unifiedDiff } from './unified-diff.js';
import { NotFoundError, InvalidError } from '../../api/usecases/resources/errors.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function parse(raw: unknown): BerthObject {
  const r = validateObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.object;
}

describe('humanDuration (kubectl ages)', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  it.each([
    [-5000, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [3 * m + 20 * s, '3m20s'],
    [5 * m, '5m'],
    [25 * m, '25m'],
    [179 * m, '179m'],
    [5 * h + 10 * m, '5h10m'],
    [3 * h, '3h'],
    [7 * h, '7h'],
    [30 * h, '30h'],
    [3 * d + 4 * h, '3d4h'],
    [3 * d, '3d'],
    [400 * d, '400d'],
    [3 * 365 * d + 20 * d, '3y20d'],
    [10 * 365 * d, '10y'],
  ])('%d ms is %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('renderTable', () => {
  it.each([
    [
      ['NAME', 'AGE'],
      [
        ['a', '1s'],
        ['longer-name', '10m'],
      ],
      ['NAME          AGE', 'a             1s', 'longer-name   10m'],
    ],
    [['A', 'B', 'C'], [['x', '', 'z']], ['A   B   C', 'x       z']],
    [['NAME'], [], ['NAME']],
  ])('aligns %j', (headers, rows, lines) => expect(renderTable(headers, rows)).toEqual(lines));

  it('ignores colour escapes when measuring', () => {
    const palette = paletteFor({ isTTY: true }, {});
    const [header, row] = renderTable(['STATUS', 'X'], [[palette.status('RUNNING'), 'y']]);
    expect(header).toBe('STATUS    X');
    expect(row).toBe(`${palette.status('RUNNING')}   y`);
  });
});

describe('paletteFor', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
  ])('%j with %j colours: %s', (stream, env, enabled) => expect(paletteFor(stream, env).enabled).toBe(enabled));
});

describe('kinds', () => {
  it.each([
    ['svc', 'Service'],
    ['services', 'Service'],
    ['Service', 'Service'],
    ['td', 'TaskDefinition'],
    ['taskdefinitions', 'TaskDefinition'],
    ['task', 'Task'],
    ['ci', 'ContainerInstance'],
    ['instances', 'ContainerInstance'],
    ['cluster', 'Cluster'],
  ])('%s is %s', (text, kind) => expect(resolveKind(text)).toBe(kind));

  it('rejects unknown kinds the way kubectl says it', () => expect(() => resolveKind('pods')).toThrow(/doesn't have a resource type "pods"/));
  it('splits KIND/NAME', () => expect(splitKindName('svc/web')).toEqual({ kind: 'Service', name: 'web' }));
});

const service = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Service',
  metadata: { name: 'web', cluster: 'prod', creationTimestamp: ago(90_000) },
  spec: { taskDefinition: 'web', desiredCount: 3, placementStrategy: [{ type: 'spread', field: 'instanceId' }] },
  status: {
    runningCount: 2,
    pendingCount: 1,
    taskDefinition: 'web:4',
    deployments: [{ id: 'd1', status: 'PRIMARY', taskDefinition: 'web:4', rolloutState: 'IN_PROGRESS' }],
  },
});
const task = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Task',
  metadata: { name: 'web-abc', creationTimestamp: ago(5 * 60_000) },
  spec: { taskDefinition: 'web:4', containerInstance: 'i-1', group: 'service:web' },
  status: {
    lastStatus: 'STOPPED',
    healthStatus: 'HEALTHY',
    stoppedReason: 'Essential container exited',
    containers: [{ name: 'web', networkBindings: [{ containerPort: 80, hostPort: 32768 }] }],
  },
});
const td = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition',
  metadata: { name: 'web:4' },
  spec: {
    cpu: '0.5 vCPU',
    containerDefinitions: [
      { name: 'a', image: 'x', memory: 32 },
      { name: 'b', image: 'y', memoryReservation: 16 },
    ],
  },
  status: { status: 'ACTIVE', revision: 4, registeredAt: ago(2 * 3600_000) },
});
const instance = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'ContainerInstance',
  metadata: { name: 'i-1', creationTimestamp: ago(3 * 86400_000) },
  spec: { status: 'DRAINING', attributes: { 'ecs.availability-zone': 'az-1' }, registeredResources: { cpu: 2048, memory: 4096 } },
  status: { agentConnected: true, runningTasksCount: 2, remainingResources: { cpu: 1024, memory: 3000 } },
});
const cluster = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Cluster',
  metadata: { name: 'prod', creationTimestamp: ago(1000) },
  status: { registeredContainerInstancesCount: 2, activeServicesCount: 1, runningTasksCount: 5 },
});

describe('columns', () => {
  it.each<[BerthObject, boolean, string[], string[]]>([
    [service, false, ['NAME', 'DESIRED', 'RUNNING', 'PENDING', 'TASK-DEFINITION', 'AGE'], ['web', '3', '2', '1', 'web:4', '90s']],
    [
      service,
      true,
      ['NAME', 'DESIRED', 'RUNNING', 'PENDING', 'TASK-DEFINITION', 'AGE', 'STRATEGY', 'DEPLOYMENTS'],
      ['web', '3', '2', '1', 'web:4', '90s', 'REPLICA spread(instanceId)', 'web:4(IN_PROGRESS)'],
    ],
    [
      task,
      false,
      ['NAME', 'STATUS', 'DESIRED', 'INSTANCE', 'TASK-DEFINITION', 'HEALTH', 'AGE'],
      ['web-abc', 'STOPPED', 'RUNNING', 'i-1', 'web:4', 'HEALTHY', '5m'],
    ],
    [
      task,
      true,
      ['NAME', 'STATUS', 'DESIRED', 'INSTANCE', 'TASK-DEFINITION', 'HEALTH', 'AGE', 'GROUP', 'PORTS', 'STOPPED-REASON'],
      ['web-abc', 'STOPPED', 'RUNNING', 'i-1', 'web:4', 'HEALTHY', '5m', 'service:web', '32768->80/tcp', 'Essential container exited'],
    ],
    [td, false, ['NAME', 'STATUS', 'CONTAINERS', 'CPU', 'MEMORY', 'AGE'], ['web:4', 'ACTIVE', '2', '512', '48', '120m']],
    [
      instance,
      false,
      ['NAME', 'STATUS', 'CONNECTED', 'RUNNING', 'CPU-FREE', 'MEM-FREE', 'AZ', 'AGE'],
      ['i-1', 'DRAINING', 'true', '2', '1024/2048', '3000/4096', 'az-1', '3d'],
    ],
    [cluster, false, ['NAME', 'INSTANCES', 'SERVICES', 'RUNNING', 'AGE'], ['prod', '2', '1', '5', '1s']],
  ])('%# %s', (obj, wide, headers, row) => {
    expect(headersFor(obj.kind, { wide })).toEqual(headers);
    expect(rowForObject(obj, { wide, now: NOW })).toEqual(row);
  });

  it('puts CLUSTER first with -A, except for clusters', () => {
    expect(headersFor('Service', { withCluster: true })[0]).toBe('CLUSTER');
    expect(rowForObject(service, { withCluster: true, now: NOW })[0]).toBe('prod');
    expect(headersFor('Cluster', { withCluster: true })[0]).toBe('NAME');
  });
});

describe('formatObjects', () => {
  it.each([
    ['name', 'service/web\n'],
    ['table', 'NAME   DESIRED   RUNNING   PENDING   TASK-DEFINITION   AGE\nweb    3         2         1         web:4             90s\n'],
  ] as const)('-o %s', (format, text) => expect(formatObjects('Service', [service], format, { now: NOW })).toBe(text));

  it('prints one object by name as itself and a list as a List', () => {
    expect(JSON.parse(formatObjects('Service', [service], 'json', { single: true })).kind).toBe('Service');
    expect(JSON.parse(formatObjects('Service', [service], 'json')).kind).toBe('List');
    expect(formatObjects('Service', [service], 'yaml')).toMatch(/^apiVersion: berth.dev\/v1\nkind: List\nitems:\n/);
  });

  it('rejects unknown formats', () => expect(() => parseOutputFormat('xml')).toThrow(/allowed formats are: wide, yaml, json, name/));
});

describe('formatError', () => {
  it.each([
    [new NotFoundError({ kind: 'Service', cluster: 'default', name: 'web' }), 'Error from server (NotFound): services "web" not found'],
    [new NotFoundError({ kind: 'Task', cluster: 'prod', name: 't' }), 'Error from server (NotFound): tasks "t" not found in cluster "prod"'],
    [
      new InvalidError({ kind: 'Service', cluster: 'default', name: 'web' }, [{ path: ['spec', 'desiredCount'], message: 'too small' }]),
      'Error from server (Invalid): service "web" is invalid:\n  spec.desiredCount: too small',
    ],
    [new Error('boom'), 'error: boom'],
  ])('%s', (err, text) => expect(formatError(err)).toBe(text));
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => expect(unifiedDiff('a\nb\n', 'a\nb\n', { from: 'x', to: 'y' })).toBe(''));

  it('prints hunks with context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n');
    expect(unifiedDiff(before, after, { from: 'live/s', to: 'applied/s' })).toBe(
      ['--- live/s', '+++ applied/s', '@@ -2,9 +2,10 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', ' j', '+k', ''].join('\n'),
    );
  });

  it('shows a deleted object as all removals, and a missing final newline as no change', () => {
    expect(unifiedDiff('a\nb\n', '', { from: 'x', to: 'y' })).toBe('--- x\n+++ y\n@@ -1,2 +0,0 @@\n-a\n-b\n');
    expect(unifiedDiff('a\nb', 'a\nb\n', { from: 'x', to: 'y' })).toBe('');
  });

  it('shows a created object as all additions', () => {
    expect(unifiedDiff('', 'a\nb\n', { from: 'x', to: 'y' })).toBe('--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });
});
