import { describe, expect, it } from 'vitest';
import { ServiceStatus } from '../../api/v1/service.js';
import { onlyCountsChanged } from './count-updates.js';
import { iso, T0 } from './testing.js';

const deployment = (over: Record<string, unknown> = {}) => ({
  id: 'ecs-svc/1',
  status: 'PRIMARY',
  taskDefinition: 'web:1',
  desiredCount: 4,
  pendingCount: 3,
  runningCount: 1,
  rolloutState: 'IN_PROGRESS',
  createdAt: iso(T0),
  updatedAt: iso(T0),
  ...over,
});
const status = (over: Record<string, unknown> = {}) =>
  ServiceStatus.parse({
    runningCount: 1,
    pendingCount: 3,
    desiredCount: 4,
    observedGeneration: 1,
    taskDefinition: 'web:1',
    deployments: [deployment()],
    ...over,
  });

describe('onlyCountsChanged', () => {
  it.each([
    [
      'running and pending counts, with the deployment’s',
      true,
      status({ runningCount: 2, pendingCount: 2, deployments: [deployment({ runningCount: 2, pendingCount: 2, updatedAt: iso(T0 + 1000) })] }),
    ],
    ['the service’s counts alone', true, status({ runningCount: 2 })],
    [
      'a new event message',
      false,
      status({ runningCount: 2, events: [{ id: 'e1', createdAt: iso(T0), message: '(service web) has started 1 tasks: (task a).' }] }),
    ],
    ['the rollout completing', false, status({ deployments: [deployment({ rolloutState: 'COMPLETED' })] })],
    ['a new desiredCount', false, status({ desiredCount: 5 })],
    ['a new generation observed', false, status({ observedGeneration: 2 })],
    ['a new revision', false, status({ taskDefinition: 'web:2' })],
    ['a second deployment', false, status({ deployments: [deployment({ id: 'ecs-svc/2', taskDefinition: 'web:2' }), deployment({ status: 'ACTIVE' })] })],
    ['a failed task counted', false, status({ deployments: [deployment({ failedTasks: 1 })] })],
  ])('%s → may wait: %s', (_what, expected, next) => {
    expect(onlyCountsChanged(status(), next)).toBe(expected);
  });

  it('is false for a service without a status yet: its first status is written at once', () => {
    expect(onlyCountsChanged(undefined, status())).toBe(false);
  });
});
