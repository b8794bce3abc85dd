import { describe, expect, it } from 'vitest';
import type { BerthObject } from '../../api/v1/index.js';
import { parseCondition } from './condition.js';

type Svc = Extract<BerthObject, { kind: 'Service' }>;
const service = (status: Partial<NonNullable<Svc['status']>> | undefined, generation?: number): BerthObject =>
  ({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', cluster: 'c', generation },
    spec: { taskDefinition: 'web', desiredCount: 2 },
    status: status && { runningCount: 0, pendingCount: 0, desiredCount: 0, deployments: [], history: [], events: [], ...status },
  }) as BerthObject;
const deployment = (status: 'PRIMARY' | 'ACTIVE', rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED') => ({
  id: status,
  status,
  taskDefinition: 'web:1',
  desiredCount: 2,
  pendingCount: 0,
  runningCount: 2,
  failedTasks: 0,
  rolloutState,
});

describe('--for=condition=steady', () => {
  const steady = parseCondition('condition=steady', 'Service');
  it.each([
    [
      'primary completed, all running',
      service({ runningCount: 2, desiredCount: 2, observedGeneration: 3, deployments: [deployment('PRIMARY', 'COMPLETED')] }, 3),
      true,
    ],
    ['primary still in progress', service({ runningCount: 2, desiredCount: 2, deployments: [deployment('PRIMARY', 'IN_PROGRESS')] }), false],
    ['fewer running than desired', service({ runningCount: 1, desiredCount: 2, deployments: [deployment('PRIMARY', 'COMPLETED')] }), false],
    ['only an ACTIVE deployment completed', service({ runningCount: 2, desiredCount: 2, deployments: [deployment('ACTIVE', 'COMPLETED')] }), false],
    [
      'status describes an older generation',
      service({ runningCount: 2, desiredCount: 2, observedGeneration: 2, deployments: [deployment('PRIMARY', 'COMPLETED')] }, 3),
      false,
    ],
    ['no status yet', service(undefined), false],
    ['gone', undefined, false],
  ])('%s → %s', (_, object, met) => expect(steady.met(object)).toBe(met));
});

describe('--for=delete and --for=jsonpath', () => {
  const task = {
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name: 't', cluster: 'c' },
    spec: {},
    status: { lastStatus: 'RUNNING' },
  } as unknown as BerthObject;
  it.each([
    ['delete', undefined, true],
    ['delete', task, false],
    ['jsonpath={.status.lastStatus}=RUNNING', task, true],
    ['jsonpath={.status.lastStatus}=STOPPED', task, false],
    ['jsonpath={.status.lastStatus}', task, true],
    ['jsonpath={.status.nope}', task, false],
    ['jsonpath=.status.lastStatus=RUNNING', task, true],
    ['jsonpath={.status.lastStatus}=RUNNING', undefined, false],
  ])('%s on %j → %s', (text, object, met) => expect(parseCondition(text, 'Task').met(object)).toBe(met));

  it.each([
    ['condition=ready', 'Service', /unknown condition "ready"/],
    ['condition=steady', 'Task', /only services have the steady condition/],
    ['running', 'Task', /not a condition/],
    ['jsonpath={.status.lastStatus}RUNNING', 'Task', /expected =VALUE/],
    ['jsonpath={range .items}', 'Task', /not supported/],
  ] as const)('rejects %s', (text, kind, message) => expect(() => parseCondition(text, kind)).toThrow(message));
});
