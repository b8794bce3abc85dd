import { describe, expect, it } from 'vitest';
import { FORCE_NEW_DEPLOYMENT_ANNOTATION, forceRequestedSince } from '../../api/v1/force-new-deployment.js';
import { planService } from './plan.js';
import { resolveTaskDefinition } from './resolve.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { iso, svc, T0, task, td } from './testing.js';

const D1 = 'ecs-svc/1111111111111111111';
const primary = { id: D1, status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'COMPLETED', desiredCount: 2, createdAt: iso(T0 - 60_000) };

function plan(annotation: string | undefined) {
  const service = svc(
    { desiredCount: 2 },
    { taskDefinition: 'web:1', resolvedTaskDefinition: 'web:1', deployments: [primary] },
    annotation === undefined ? {} : { annotations: { [FORCE_NEW_DEPLOYMENT_ANNOTATION]: annotation } },
  );
  const defs = [td(1)];
  return planService({
    service,
    resolution: resolveTaskDefinition(service.spec.taskDefinition, defs),
    tasks: [task('a0', { deployment: D1, taskDefinition: 'web:1' }), task('a1', { deployment: D1, taskDefinition: 'web:1' })],
    taskDefinitions: new Map(defs.map((d) => [d.metadata.name, d])),
    instances: new Map(),
    now: T0,
    settings: { ...DEFAULT_SETTINGS, settleMs: 10_000 },
  });
}

describe('forceNewDeployment', () => {
  it.each([
    ['no request', undefined, false],
    ['a request before the PRIMARY began', iso(T0 - 120_000), false],
    ['a request after the PRIMARY began', iso(T0 - 1_000), true],
    ['an unreadable request', 'yesterday', false],
  ])('%s: a new deployment of the same revision = %s', (_, annotation, forced) => {
    const p = plan(annotation);
    expect(p.deployments.length).toBe(forced ? 2 : 1);
    if (forced) {
      expect(p.deployments[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: 'web:1', rolloutState: 'IN_PROGRESS' });
      expect(p.deployments[0]?.id).not.toBe(D1);
      expect(p.deployments[1]).toMatchObject({ id: D1, status: 'ACTIVE' });
      expect(p.start?.count).toBeGreaterThan(0);
    }
  });

  it.each([
    [undefined, undefined, false],
    [{ [FORCE_NEW_DEPLOYMENT_ANNOTATION]: iso(T0) }, undefined, true],
    [{ [FORCE_NEW_DEPLOYMENT_ANNOTATION]: iso(T0) }, iso(T0), false],
    [{ [FORCE_NEW_DEPLOYMENT_ANNOTATION]: iso(T0 + 1) }, iso(T0), true],
  ])('forceRequestedSince(%j, %s) = %s', (annotations, createdAt, expected) => {
    expect(forceRequestedSince(annotations, createdAt)).toBe(expected);
  });
});
