/**
 * Every range, at its boundaries: the last valid value on each side passes, the first invalid one
 * fails at exactly that field with a message that names the limit.
 */
import { describe, expect, it } from 'vitest';
import { validateObject } from './index.js';
import { rawContainer, rawObject, rawTaskDefinition } from './testing.js';

type Path = (string | number)[];
interface Range {
  name: string;
  /** Builds a whole object with the field under test set to `v`. */
  build: (v: unknown) => unknown;
  path: Path;
  valid: unknown[];
  invalid: unknown[];
  message: RegExp;
}

const container = (extra: Record<string, unknown>) => rawTaskDefinition({ containerDefinitions: [rawContainer('app', extra)] });
const healthCheck = (field: string) => (v: unknown) => container({ healthCheck: { command: ['CMD', 'true'], [field]: v } });
const C = ['spec', 'containerDefinitions', 0];
const service = (spec: Record<string, unknown>) => rawObject('Service', { taskDefinition: 'web', ...spec });
const deploy = (d: Record<string, unknown>) => service({ deploymentConfiguration: d });
const many = (n: number, item: unknown) => Array.from({ length: n }, () => item);

const ranges: Range[] = [
  {
    name: 'health interval',
    build: healthCheck('interval'),
    path: [...C, 'healthCheck', 'interval'],
    valid: [1, 300],
    invalid: [0, 301],
    message: /interval must be at (least 1|most 300)/,
  },
  {
    name: 'health timeout',
    build: healthCheck('timeout'),
    path: [...C, 'healthCheck', 'timeout'],
    valid: [1, 60],
    invalid: [0, 61],
    message: /timeout must be at (least 1|most 60)/,
  },
  {
    name: 'health retries',
    build: healthCheck('retries'),
    path: [...C, 'healthCheck', 'retries'],
    valid: [1, 10],
    invalid: [0, 11],
    message: /retries must be at (least 1|most 10)/,
  },
  {
    name: 'health startPeriod',
    build: healthCheck('startPeriod'),
    path: [...C, 'healthCheck', 'startPeriod'],
    valid: [0, 300],
    invalid: [-1, 301],
    message: /startPeriod must be at (least 0|most 300)/,
  },
  { name: 'container cpu', build: (v) => container({ cpu: v }), path: [...C, 'cpu'], valid: [0, 262144], invalid: [-1, 262145, 1.5], message: /expected|Too/ },
  { name: 'container memory', build: (v) => container({ memory: v }), path: [...C, 'memory'], valid: [6], invalid: [5, 0], message: /at least 6 MiB/ },
  {
    name: 'container memoryReservation',
    build: (v) => container({ memory: undefined, memoryReservation: v }),
    path: [...C, 'memoryReservation'],
    valid: [6],
    invalid: [5],
    message: /at least 6 MiB/,
  },
  {
    name: 'stopTimeout',
    build: (v) => container({ stopTimeout: v }),
    path: [...C, 'stopTimeout'],
    valid: [2, 120],
    invalid: [1, 121],
    message: /must be 2-120 seconds/,
  },
  {
    name: 'startTimeout',
    build: (v) => container({ startTimeout: v }),
    path: [...C, 'startTimeout'],
    valid: [2, 3600],
    invalid: [1, 3601],
    message: /must be 2-3600 seconds/,
  },
  {
    name: 'containerPort',
    build: (v) => container({ portMappings: [{ containerPort: v }] }),
    path: [...C, 'portMappings', 0, 'containerPort'],
    valid: [1, 65535],
    invalid: [0, 65536],
    message: /containerPort must be 1-65535/,
  },
  {
    name: 'hostPort',
    build: (v) => container({ portMappings: [{ containerPort: 80, hostPort: v }] }),
    path: [...C, 'portMappings', 0, 'hostPort'],
    valid: [0, 65535],
    invalid: [-1, 65536],
    message: /hostPort must be 0-65535/,
  },
  {
    name: 'swappiness',
    build: (v) => container({ linuxParameters: { swappiness: v } }),
    path: [...C, 'linuxParameters', 'swappiness'],
    valid: [0, 100],
    invalid: [-1, 101],
    message: /Too (small|big)/,
  },
  {
    name: 'restartAttemptPeriod',
    build: (v) => container({ restartPolicy: { enabled: true, restartAttemptPeriod: v } }),
    path: [...C, 'restartPolicy', 'restartAttemptPeriod'],
    valid: [60, 1800],
    invalid: [59, 1801],
    message: /Too (small|big)/,
  },
  {
    name: 'container name',
    build: (v) => rawTaskDefinition({ containerDefinitions: [rawContainer(v as string)] }),
    path: [...C, 'name'],
    valid: ['a', 'A_b-9', 'x'.repeat(255)],
    invalid: ['', 'a.b', 'a b', 'x'.repeat(256)],
    message: /1-255 letters, digits, hyphens or underscores/,
  },
  {
    name: 'family',
    build: (v) => rawTaskDefinition({ family: v }, v as string),
    path: ['spec', 'family'],
    valid: ['web', 'my_app-2'],
    invalid: ['web.app', 'x'.repeat(256)],
    message: /1-255 letters, digits, hyphens or underscores/,
  },
  {
    name: 'task cpu',
    build: (v) => rawTaskDefinition({ cpu: v }),
    path: ['spec', 'cpu'],
    valid: [128, '128', '0.125 vCPU', 196608, '192 vCPU'],
    invalid: [127, '127', 196609, '193 vcpu'],
    message: /task cpu must be at (least 128|most 196608)/,
  },
  {
    name: 'task memory',
    build: (v) => rawTaskDefinition({ memory: v }),
    path: ['spec', 'memory'],
    valid: [32, '32', '1 GB', '0.5GB'],
    invalid: [5, '5'],
    message: /task memory must be at least 6 MiB/,
  },
  {
    name: 'ephemeralStorage',
    build: (v) => rawTaskDefinition({ ephemeralStorage: { sizeInGiB: v } }),
    path: ['spec', 'ephemeralStorage', 'sizeInGiB'],
    valid: [21, 200],
    invalid: [20, 201],
    message: /Too (small|big)/,
  },
  {
    name: 'task definition placement constraints',
    build: (n) => rawTaskDefinition({ placementConstraints: many(n as number, { type: 'memberOf', expression: 'attribute:a == b' }) }),
    path: ['spec', 'placementConstraints'],
    valid: [10],
    invalid: [11],
    message: /at most 10 placement constraints/,
  },
  {
    name: 'tags',
    build: (n) => rawTaskDefinition({ tags: many(n as number, { key: 'k', value: 'v' }) }),
    path: ['spec', 'tags'],
    valid: [50],
    invalid: [51],
    message: /at most 50 tags/,
  },
  {
    name: 'desiredCount',
    build: (v) => service({ desiredCount: v }),
    path: ['spec', 'desiredCount'],
    valid: [0, 1000],
    invalid: [-1, 1.5],
    message: /Too small|expected int/,
  },
  {
    name: 'minimumHealthyPercent',
    build: (v) => deploy({ minimumHealthyPercent: v }),
    path: ['spec', 'deploymentConfiguration', 'minimumHealthyPercent'],
    valid: [0, 100],
    invalid: [-1, 101],
    message: /minimumHealthyPercent must be 0-100/,
  },
  {
    name: 'maximumPercent',
    build: (v) => deploy({ minimumHealthyPercent: 50, maximumPercent: v }),
    path: ['spec', 'deploymentConfiguration', 'maximumPercent'],
    valid: [100, 1000],
    invalid: [99],
    message: /maximumPercent must be at least 100/,
  },
  {
    name: 'healthCheckGracePeriodSeconds',
    build: (v) => service({ healthCheckGracePeriodSeconds: v }),
    path: ['spec', 'healthCheckGracePeriodSeconds'],
    valid: [0, 2147483647],
    invalid: [-1, 2147483648],
    message: /Too (small|big)/,
  },
  {
    name: 'placement strategies',
    build: (n) => service({ placementStrategy: many(n as number, { type: 'random' }) }),
    path: ['spec', 'placementStrategy'],
    valid: [5],
    invalid: [6],
    message: /at most 5 placement strategies/,
  },
  {
    name: 'placement constraints',
    build: (n) => service({ placementConstraints: many(n as number, { type: 'distinctInstance' }) }),
    path: ['spec', 'placementConstraints'],
    valid: [10],
    invalid: [11],
    message: /at most 10 placement constraints/,
  },
  {
    name: 'service events',
    build: (n) =>
      rawObject('Service', { taskDefinition: 'web' }, 'x', { events: many(n as number, { id: 'e', createdAt: '2024-01-01T00:00:00Z', message: 'm' }) }),
    path: ['status', 'events'],
    valid: [100],
    invalid: [101],
    message: /at most 100 events/,
  },
];

const cases = (pick: 'valid' | 'invalid') => ranges.flatMap((r) => r[pick].map((value) => ({ ...r, value, shown: JSON.stringify(value)?.slice(0, 20) })));

describe('ranges', () => {
  it.each(cases('valid'))('$name accepts $shown', ({ build, value }) => {
    const result = validateObject(build(value));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it.each(cases('invalid'))('$name rejects $shown', ({ build, value, path, message }) => {
    const result = validateObject(build(value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.path.join('.') === path.join('.'));
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });
});
