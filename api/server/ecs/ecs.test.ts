import { describe, expect, it } from 'vitest';
import { Service$, ServiceCurrentRevisionSummary$, ServiceRevision$ } from '@aws-sdk/client-ecs';
import { page } from './pagination.js';
import { clusterName, memberName, taskDefinitionRef } from './refs.js';
import { withEpochSeconds } from './shapes.js';
import { operationOf } from './protocol.js';
import { toEcsError } from './errors.js';
import { protectedTask, requestedProtection } from './ops/task-protection.js';
import { deploymentAction, serviceDeploymentRef } from './ops/service-deployments.js';
import { serviceDeployments } from './ops/service-deployment-list.js';
import { serviceRevision } from './ops/service-revisions.js';
import { namespaceName } from './ops/services-by-namespace.js';
import { ecsService } from './elements/service.js';
import { Service } from '../../v1/service.js';
import { NotFoundError } from '../../usecases/resources/errors.js';
import { ForbiddenError } from '../../auth/errors.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012';

describe('pagination', () => {
  const items = ['e', 'a', 'd', 'c', 'b'];
  it('pages in order with a token that continues after the last item, and none on the last page', () => {
    const first = page(items, (x) => x, undefined, 2);
    expect(first.items).toEqual(['a', 'b']);
    const second = page(items, (x) => x, first.nextToken, 2);
    expect(second.items).toEqual(['c', 'd']);
    const last = page(items, (x) => x, second.nextToken, 2);
    expect(last).toEqual({ items: ['e'] });
  });
  it('continues right when the item a token names is gone', () => {
    const first = page(items, (x) => x, undefined, 2);
    expect(page(['a', 'c', 'd'], (x) => x, first.nextToken, 2).items).toEqual(['c', 'd']);
  });
  it.each([0, 101])('refuses maxResults %i', (n) => {
    expect(() => page(items, (x) => x, undefined, n)).toThrow(/maxResults must be 1-100/);
  });
  it('refuses a token it did not make', () => {
    expect(() => page(items, (x) => x, 'bm9wZQ', 2)).toThrow(/nextToken/);
  });
});

describe('references', () => {
  it.each([
    [undefined, 'default'],
    ['prod', 'prod'],
    [`${ARN}:cluster/prod`, 'prod'],
  ])('cluster %s is %s', (ref, name) => expect(clusterName(ref)).toBe(name));
  it.each([
    ['web', 'web'],
    [`${ARN}:service/prod/web`, 'web'],
    [`${ARN}:service/web`, 'web'],
  ])('service %s is %s in prod', (ref, name) => expect(memberName(ref, 'service', 'prod')).toBe(name));
  it.each([
    [`${ARN}:service/staging/web`, /in cluster staging, not in cluster prod/],
    [`${ARN}:task/prod/abc`, /not a service ARN/],
  ])('refuses %s', (ref, message) => expect(() => memberName(ref, 'service', 'prod')).toThrow(message));
  it.each([
    ['web', 'web'],
    ['web:3', 'web:3'],
    [`${ARN}:task-definition/web:3`, 'web:3'],
  ])('task definition %s is %s', (ref, name) => expect(taskDefinitionRef(ref)).toBe(name));
});

describe('protocol', () => {
  it.each([
    ['AmazonEC2ContainerServiceV20141113.ListClusters', 'ListClusters'],
    ['AmazonEC2ContainerServiceV20141113.', undefined],
    ['DynamoDB_20120810.ListTables', undefined],
    [undefined, undefined],
  ])('target %s is operation %s', (target, op) => expect(operationOf(target)).toBe(op));

  it('turns timestamps into epoch seconds wherever the model has them, and nothing else', () => {
    expect(
      withEpochSeconds({
        createdAt: '2021-08-11T16:21:26.681000+00:00',
        name: '2021-08-11T16:21:26Z',
        deployments: [{ updatedAt: '1970-01-01T00:00:01.500Z' }],
      }),
    ).toEqual({
      createdAt: 1628698886.681,
      name: '2021-08-11T16:21:26Z',
      deployments: [{ updatedAt: 1.5 }],
    });
  });

  it.each([
    [new NotFoundError({ kind: 'Cluster', cluster: 'x', name: 'x' }), 'ClusterNotFoundException', 400],
    [new NotFoundError({ kind: 'Service', cluster: 'x', name: 'web' }), 'ServiceNotFoundException', 400],
    [new NotFoundError({ kind: 'Task', cluster: 'x', name: 't' }), 'ClientException', 400],
    [new ForbiddenError('no'), 'AccessDeniedException', 400],
    [new Error('boom'), 'ServerException', 500],
  ])('%s is %s (%i)', (err, type, code) => {
    expect(toEcsError(err)).toMatchObject({ type, statusCode: code });
  });
});

describe('task protection', () => {
  const arn = { region: 'us-east-1', accountId: '123456789012' };
  const now = Date.parse('2026-01-01T00:00:00Z');
  const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/prod/t1';

  it.each([
    ['none', undefined, { taskArn, protectionEnabled: false }],
    ['disabled', { protectionEnabled: false }, { taskArn, protectionEnabled: false }],
    [
      'enabled',
      { protectionEnabled: true, expirationDate: '2026-01-01T02:00:00.000Z' },
      { taskArn, protectionEnabled: true, expirationDate: (now + 7_200_000) / 1000 },
    ],
    ['lapsed', { protectionEnabled: true, expirationDate: '2025-12-31T23:59:59.000Z' }, { taskArn, protectionEnabled: false }],
  ])('a task with %s protection is ProtectedTask %j', (_, protection, expected) => {
    expect(protectedTask(arn, 'prod', 't1', protection, now)).toEqual(expected);
  });

  it.each([
    [true, undefined, { protectionEnabled: true, expirationDate: '2026-01-01T02:00:00.000Z' }],
    [true, 2880, { protectionEnabled: true, expirationDate: '2026-01-03T00:00:00.000Z' }],
    [false, undefined, { protectionEnabled: false }],
  ])('protectionEnabled %s for %s minutes stores %j', (enabled, minutes, expected) => {
    expect(requestedProtection(enabled, minutes, now)).toEqual(expected);
  });

  it.each([0, 2881, 1.5])('refuses expiresInMinutes %s as InvalidParameterException', (minutes) => {
    expect(() => requestedProtection(true, minutes, now)).toThrow(expect.objectContaining({ type: 'InvalidParameterException' }));
  });
});

describe('service deployments', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const paused = {
    strategy: 'BLUE_GREEN',
    stage: 'POST_SCALE_UP',
    stageStartedAt: '2025-12-31T23:00:00.000Z',
    hooks: [{ hookId: 'h1', index: 0, stage: 'POST_SCALE_UP', targetType: 'PAUSE', status: 'AWAITING_ACTION', startedAt: '2026-01-01T00:00:05.000Z' }],
  };
  const service = (deployments: Record<string, unknown>[]) =>
    Service.parse({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web', cluster: 'prod' },
      spec: { taskDefinition: 'web' },
      status: { deployments: deployments.map((d) => ({ taskDefinition: 'web:2', ...d })) },
    });
  const rolling = service([
    { id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', rollout: paused },
    { id: 'ecs-svc/1', status: 'ACTIVE', rolloutState: 'COMPLETED' },
  ]);

  it.each([
    ['arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/123', { cluster: 'prod', service: 'web', id: '123' }],
    ['arn:aws:ecs:us-east-1:123456789012:service/prod/web', undefined],
    ['arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web', undefined],
    ['web', undefined],
  ])('%s is the service deployment %j', (arn, expected) => {
    if (expected) expect(serviceDeploymentRef(arn)).toEqual(expected);
    else expect(() => serviceDeploymentRef(arn)).toThrow(expect.objectContaining({ type: 'InvalidParameterException' }));
  });

  it.each([
    ['STOP', { action: 'STOP' } as const, { action: 'STOP', deployment: 'ecs-svc/2', at: '2026-01-01T00:00:00.000Z' }],
    // Never before the pause began: the controller releases the pauses older than `at`.
    ['CONTINUE', { action: 'CONTINUE', hookId: 'h1' } as const, { action: 'CONTINUE', deployment: 'ecs-svc/2', at: '2026-01-01T00:00:05.000Z', hookId: 'h1' }],
    ['ROLLBACK', { action: 'ROLLBACK', hookId: 'h1' } as const, { action: 'ROLLBACK', deployment: 'ecs-svc/2', at: '2026-01-01T00:00:05.000Z', hookId: 'h1' }],
  ])('%s of the deployment in progress is the rollout action berth rollout writes', (_, request, expected) => {
    expect(deploymentAction(rolling, '2', request, now)).toEqual(expected);
  });

  it.each([
    ['an unknown deployment', '9', { action: 'STOP' } as const, 'ServiceDeploymentNotFoundException'],
    ['a finished deployment', '1', { action: 'STOP' } as const, 'ConflictException'],
    ['a hook that is not paused', '2', { action: 'CONTINUE', hookId: 'h2' } as const, 'ConflictException'],
  ])('refuses %s', (_, id, request, type) => {
    expect(() => deploymentAction(rolling, id, request, now)).toThrow(expect.objectContaining({ type }));
  });
});

describe('service deployment listings', () => {
  const arn = { region: 'us-east-1', accountId: '123456789012' };
  const prefix = 'arn:aws:ecs:us-east-1:123456789012:';
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const epoch = (s: number) => Date.UTC(2026, 0, 1, 0, 0, s) / 1000;
  // Newest first: deployment 2 failed and the circuit breaker went back to deployment 1 (a second record of it).
  const rolledBack = Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', cluster: 'prod' },
    spec: { taskDefinition: 'web' },
    status: {
      deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: 'web:1', desiredCount: 2, runningCount: 1, pendingCount: 1, updatedAt: t(31) }],
      history: [
        { id: 'ecs-svc/1', taskDefinition: 'web:1', state: 'IN_PROGRESS', startedAt: t(30), rollbackFrom: 'ecs-svc/2' },
        { id: 'ecs-svc/2', taskDefinition: 'web:2', state: 'FAILED', startedAt: t(20), finishedAt: t(30), reason: 'circuit breaker' },
        { id: 'ecs-svc/1', taskDefinition: 'web:1', state: 'COMPLETED', startedAt: t(0), finishedAt: t(20) },
      ],
    },
  });

  it('is one ServiceDeployment per deployment, newest record first, ECS statuses, live counts and epoch seconds', () => {
    const common = { serviceArn: `${prefix}service/prod/web`, clusterArn: `${prefix}cluster/prod` };
    expect(serviceDeployments(arn, rolledBack)).toEqual([
      {
        serviceDeploymentArn: `${prefix}service-deployment/prod/web/1`,
        ...common,
        createdAt: epoch(30),
        startedAt: epoch(30),
        updatedAt: epoch(31),
        status: 'IN_PROGRESS',
        targetServiceRevision: { arn: `${prefix}service-revision/prod/web/1`, requestedTaskCount: 2, runningTaskCount: 1, pendingTaskCount: 1 },
        // Deployment 2 has no tasks left (it is not among status.deployments): the rollback replaces nothing.
        sourceServiceRevisions: [],
      },
      {
        serviceDeploymentArn: `${prefix}service-deployment/prod/web/2`,
        ...common,
        createdAt: epoch(20),
        startedAt: epoch(20),
        finishedAt: epoch(30),
        status: 'ROLLBACK_SUCCESSFUL',
        statusReason: 'circuit breaker',
        targetServiceRevision: { arn: `${prefix}service-revision/prod/web/2` },
      },
    ]);
  });
});

describe('service revisions', () => {
  const arn = { region: 'us-east-1', accountId: '123456789012' };
  const prefix = 'arn:aws:ecs:us-east-1:123456789012:';
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const rolling = Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', cluster: 'prod' },
    spec: { taskDefinition: 'web' },
    status: {
      deployments: [
        { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: 'web:2', desiredCount: 2, runningCount: 1, pendingCount: 1, createdAt: t(20) },
        { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: 'web:1', desiredCount: 1, runningCount: 1, rolloutState: 'COMPLETED', createdAt: t(0) },
        { id: 'ecs-svc/0', status: 'INACTIVE', taskDefinition: 'web:1', rolloutState: 'COMPLETED', createdAt: t(0) },
      ],
      history: [
        { id: 'ecs-svc/2', taskDefinition: 'web:2', state: 'IN_PROGRESS', startedAt: t(20) },
        { id: 'ecs-svc/1', taskDefinition: 'web:1', state: 'STOPPED', startedAt: t(10) },
        { id: 'ecs-svc/1', taskDefinition: 'web:1', state: 'COMPLETED', startedAt: t(0), finishedAt: t(5) },
      ],
    },
  });

  /** The member names of a structure in @aws-sdk/client-ecs's model (its schema: [3, namespace, name, traits, members, …]). */
  const modelMembers = (schema: unknown): string[] => {
    const members: unknown = Array.isArray(schema) ? schema[4] : undefined;
    if (!Array.isArray(members)) throw new Error('not a structure schema of the SDK');
    return members.map(String);
  };

  it("DescribeServices names the PRIMARY's service deployment and the revisions that have tasks, in the model's members", () => {
    const shaped = ecsService(rolling, { ...arn, taskDefinitions: new Map() });
    expect(Object.keys(shaped).filter((k) => !modelMembers(Service$).includes(k))).toEqual([]);
    for (const summary of [shaped.currentServiceRevisions].flat())
      expect(Object.keys(summary ?? {}).filter((k) => !modelMembers(ServiceCurrentRevisionSummary$).includes(k))).toEqual([]);
    expect(shaped.currentServiceDeployment).toBe(`${prefix}service-deployment/prod/web/2`);
    expect(shaped.currentServiceRevisions).toEqual([
      { arn: `${prefix}service-revision/prod/web/2`, requestedTaskCount: 2, runningTaskCount: 1, pendingTaskCount: 1 },
      { arn: `${prefix}service-revision/prod/web/1`, requestedTaskCount: 1, runningTaskCount: 1, pendingTaskCount: 0 },
    ]);
  });

  it.each([
    ['2', { taskDefinition: `${prefix}task-definition/web:2`, createdAt: Date.UTC(2026, 0, 1, 0, 0, 20) / 1000 }],
    // First deployed at its oldest record, not when it was deployed again.
    ['1', { taskDefinition: `${prefix}task-definition/web:1`, createdAt: Date.UTC(2026, 0, 1, 0, 0, 0) / 1000 }],
    ['9', undefined],
  ])('revision %s is its deployment target as recorded', (id, expected) => {
    const revision = serviceRevision(arn, rolling, id);
    if (expected === undefined) return expect(revision).toBeUndefined();
    expect(Object.keys(revision ?? {}).filter((k) => !modelMembers(ServiceRevision$).includes(k))).toEqual([]);
    expect(revision).toEqual({
      serviceRevisionArn: `${prefix}service-revision/prod/web/${id}`,
      serviceArn: `${prefix}service/prod/web`,
      clusterArn: `${prefix}cluster/prod`,
      launchType: 'EC2',
      ...expected,
    });
  });

  it.each([
    ['shop.internal', 'shop.internal'],
    ['Shop.Internal.', 'shop.internal'],
    ['arn:aws:servicediscovery:us-east-1:123456789012:namespace/shop.internal', 'shop.internal'],
    ['arn:aws:ecs:us-east-1:123456789012:cluster/prod', 'InvalidParameterException'],
    ['not a name', 'NamespaceNotFoundException'],
  ])('namespace %s is %s', (text, expected) => {
    if (expected.endsWith('Exception')) expect(() => namespaceName(text)).toThrow(expect.objectContaining({ type: expected }));
    else expect(namespaceName(text)).toBe(expected);
  });
});
