import { describe, expect, it } from 'vitest';
import { Service } from '../../api/v1/index.js';
import { rolloutProgress } from './progress.js';

const dep = (id: string, taskDefinition: string, status: string, rolloutState: string, extra: Record<string, unknown> = {}) => ({
  id,
  status,
  taskDefinition,
  rolloutState,
  desiredCount: status === 'PRIMARY' ? 4 : 0,
  runningCount: 0,
  pendingCount: 0,
  ...extra,
});
const service = (status: Record<string, unknown>, generation = 2) =>
  Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', generation },
    spec: { taskDefinition: 'web' },
    status: { observedGeneration: 2, ...status },
  });
const at = '2026-01-01T00:00:00.000Z';

describe('rolloutProgress', () => {
  it.each([
    [
      'the controller has not seen the spec yet',
      service({ taskDefinition: 'web:1', deployments: [dep('d1', 'web:1', 'PRIMARY', 'COMPLETED')] }, 3),
      'waiting',
      /observe the latest spec/,
    ],
    [
      'no deployment yet, with the reason',
      service({ events: [{ id: 'e', createdAt: at, message: '(service web) cannot start tasks: task definition family web has no revisions.' }] }),
      'waiting',
      /cannot start tasks/,
    ],
    [
      'in progress: new and old counts',
      service({
        taskDefinition: 'web:2',
        deployments: [
          dep('d2', 'web:2', 'PRIMARY', 'IN_PROGRESS', { runningCount: 2, pendingCount: 1, failedTasks: 1 }),
          dep('d1', 'web:1', 'ACTIVE', 'COMPLETED', { runningCount: 3 }),
        ],
      }),
      'waiting',
      /deployment d2 \(web:2\) of service web to complete: 2 of 4 new tasks running, 1 pending, 3 old tasks still running, 1 failed/,
    ],
    [
      'completed',
      service({ taskDefinition: 'web:2', deployments: [dep('d2', 'web:2', 'PRIMARY', 'COMPLETED', { runningCount: 4 })] }),
      'completed',
      /successfully rolled out web:2 \(deployment d2\): 4 of 4/,
    ],
    [
      'failed without rollback',
      service({ taskDefinition: 'web:2', deployments: [dep('d2', 'web:2', 'PRIMARY', 'FAILED', { rolloutStateReason: 'breaker.' })] }),
      'failed',
      /d2 \(web:2\) of service web failed: breaker\. It is not progressing/,
    ],
    [
      'rolled back (the PRIMARY runs another revision; the failure is in the history)',
      service({
        taskDefinition: 'web:2',
        deployments: [dep('d1', 'web:1', 'PRIMARY', 'COMPLETED')],
        history: [
          { id: 'd1', taskDefinition: 'web:1', state: 'COMPLETED', startedAt: at },
          { id: 'd2', taskDefinition: 'web:2', state: 'FAILED', startedAt: at, reason: 'breaker.' },
        ],
      }),
      'failed',
      /d2 \(web:2\) of service web failed: breaker\. Service rolled back to web:1 \(deployment d1\)/,
    ],
    [
      'rolling back (failure still among the deployments)',
      service({
        taskDefinition: 'web:2',
        deployments: [dep('d1', 'web:1', 'PRIMARY', 'IN_PROGRESS'), dep('d2', 'web:2', 'ACTIVE', 'FAILED', { rolloutStateReason: 'breaker.' })],
      }),
      'failed',
      /Service rolling back to web:1/,
    ],
  ])('%s', (_name, s, state, message) => {
    const p = rolloutProgress(s);
    expect(p.state).toBe(state);
    expect(p.message).toMatch(message);
  });
});
