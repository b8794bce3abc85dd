/**
 * ECS's CreateService/UpdateService start a deployment in the write that changes the spec
 * (api/v1/service-deployment-start.ts); the plan must then adopt it — no second deployment, no
 * second history record or event — and must start one itself for every change they did not.
 */
import { describe, expect, it } from 'vitest';
import { FORCE_NEW_DEPLOYMENT_ANNOTATION } from '../../api/v1/force-new-deployment.js';
import { needsNewDeployment, statusWithDeploymentStarted } from '../../api/v1/service-deployment-start.js';
import { planService } from './plan.js';
import { resolveTaskDefinition } from './resolve.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { iso, svc, T0, td } from './testing.js';

const D1 = 'ecs-svc/1111111111111111111';
const completed = { id: D1, status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'COMPLETED', desiredCount: 2, createdAt: iso(T0 - 60_000) };
const running = { taskDefinition: 'web:1', resolvedTaskDefinition: 'web:1', deployments: [completed] };

describe('needsNewDeployment', () => {
  it.each([
    ['no deployment yet', undefined, 'web:1', {}, true],
    ['the revision it runs', running, 'web:1', {}, false],
    ['a new revision', running, 'web:2', {}, true],
    ['nothing resolved', running, undefined, {}, false],
    ['a forceNewDeployment after the PRIMARY began', running, 'web:1', { annotations: { [FORCE_NEW_DEPLOYMENT_ANNOTATION]: iso(T0) } }, true],
    [
      'a forceNewDeployment at the instant the PRIMARY began',
      running,
      'web:1',
      { annotations: { [FORCE_NEW_DEPLOYMENT_ANNOTATION]: completed.createdAt } },
      false,
    ],
    ['a service being deleted', running, 'web:2', { deletionTimestamp: iso(T0) }, false],
  ])('%s: %s', (_, status, resolved, meta, expected) => {
    expect(needsNewDeployment(svc({ desiredCount: 2 }, status, meta), resolved)).toBe(expected);
  });
});

describe('a deployment started by the ECS API', () => {
  const plan = (service: ReturnType<typeof svc>) => {
    const defs = [td(1), td(2)];
    return planService({
      service,
      resolution: resolveTaskDefinition(service.spec.taskDefinition, defs, service.status?.taskDefinition),
      tasks: [],
      taskDefinitions: new Map(defs.map((d) => [d.metadata.name, d])),
      instances: new Map(),
      now: T0 + 1_000,
      settings: DEFAULT_SETTINGS,
    });
  };

  it.each([
    ['a new revision', { taskDefinition: 'web:2' }, {}, 'web:2'],
    ['forceNewDeployment', { taskDefinition: 'web:1' }, { annotations: { [FORCE_NEW_DEPLOYMENT_ANNOTATION]: iso(T0) } }, 'web:1'],
  ])('%s is adopted by the plan, not started again', (_, spec, meta, revision) => {
    const service = svc({ desiredCount: 2, ...spec }, running, meta);
    const status = statusWithDeploymentStarted(service, revision, iso(T0), 'event-1');
    expect(status?.deployments.map((d) => [d.status, d.taskDefinition])).toEqual([
      ['PRIMARY', revision],
      ['ACTIVE', 'web:1'],
    ]);
    expect(status?.history[0]).toMatchObject({ id: status?.deployments[0]?.id, state: 'IN_PROGRESS', startedAt: iso(T0) });
    expect(status?.events[0]?.message).toContain('deployment started');
    const adopted = plan({ ...service, status });
    expect(adopted.deployments[0]?.id).toBe(status?.deployments[0]?.id);
    expect(adopted.notes.filter((n) => n.type === 'created')).toEqual([]);
  });

  it('is the deployment the controller would have started (the same id), so either writer may go first', () => {
    const service = svc({ desiredCount: 2, taskDefinition: 'web:2' }, running);
    const byController = plan(service).deployments[0];
    expect(statusWithDeploymentStarted(service, 'web:2', iso(T0), 'event-1')?.deployments[0]?.id).toBe(byController?.id);
    // Once it is in place, the API starts nothing more.
    expect(
      statusWithDeploymentStarted({ ...service, status: statusWithDeploymentStarted(service, 'web:2', iso(T0), 'e') }, 'web:2', iso(T0), 'e2'),
    ).toBeUndefined();
  });
});
