/**
 * Clusters, task definitions and service listings through the official @aws-sdk/client-ecs against
 * a real API server and store: the shapes the model gives (ARNs, epoch-second timestamps the SDK
 * reads as Dates, failures[] for unknown names), nextToken pagination, and that what the ECS API
 * creates is the object the berth API serves.
 */
import { describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  GetTaskProtectionCommand,
  UpdateTaskProtectionCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateClusterCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';
import { ecsError, useEcsApi } from './support/ecs-api.js';

const env = useEcsApi({ withClient: true });
const ARN = /^arn:aws:ecs:us-east-1:\d{12}:/;
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const sleeper = (family: string, command = ['sleep', '60']) => ({
  family,
  containerDefinitions: [{ name: 'main', image: 'berth.local/busybox:1', memory: 16, command, essential: true }],
});

describe('clusters', () => {
  it('creates (idempotently), describes with failures, updates, lists and deletes', async () => {
    const name = unique('ecsapi');
    const created = await env.ecs.send(new CreateClusterCommand({ clusterName: name, settings: [{ name: 'containerInsights', value: 'enabled' }] }));
    expect(created.cluster).toMatchObject({
      clusterName: name,
      status: 'ACTIVE',
      clusterArn: expect.stringMatching(new RegExp(`${ARN.source}cluster/${name}$`)),
    });
    expect((await env.ecs.send(new CreateClusterCommand({ clusterName: name }))).cluster?.clusterArn).toBe(created.cluster?.clusterArn);
    expect((await env.api.client().get('Cluster', { name }))?.spec.settings).toEqual({ containerInsights: 'enabled' });

    const described = await env.ecs.send(new DescribeClustersCommand({ clusters: [name, created.cluster?.clusterArn ?? '', 'ecsapi-missing'] }));
    expect(described.clusters?.map((c) => c.clusterName)).toEqual([name, name]);
    expect(described.failures).toEqual([{ arn: expect.stringMatching(/cluster\/ecsapi-missing$/), reason: 'MISSING' }]);

    const updated = await env.ecs.send(new UpdateClusterCommand({ cluster: name, settings: [{ name: 'containerInsights', value: 'disabled' }] }));
    expect(updated.cluster?.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
    expect((await env.ecs.send(new ListClustersCommand({}))).clusterArns).toContain(created.cluster?.clusterArn);

    const deleted = await env.ecs.send(new DeleteClusterCommand({ cluster: name }));
    expect(deleted.cluster?.status).toBe('INACTIVE');
    expect((await env.ecs.send(new DescribeClustersCommand({ clusters: [name] }))).failures?.[0]?.reason).toBe('MISSING');
  });

  it('refuses to delete a cluster with a service, naming it as ECS does', async () => {
    const name = unique('ecsapi');
    await env.ecs.send(new CreateClusterCommand({ clusterName: name }));
    await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(name)));
    await env.ecs.send(new CreateServiceCommand({ cluster: name, serviceName: 'web', taskDefinition: name, desiredCount: 0 }));
    expect(await ecsError(env.ecs.send(new DeleteClusterCommand({ cluster: name })))).toMatchObject({ name: 'ClusterContainsServicesException', status: 400 });
    expect((await ecsError(env.ecs.send(new DeleteClusterCommand({ cluster: 'ecsapi-nowhere' })))).name).toBe('ClusterNotFoundException');
  });
});

describe('task definitions', () => {
  it('registers revisions that berth stores as it stores applied ones, and describes them by family, revision and ARN', async () => {
    const family = unique('ecsapi');
    const first = await env.ecs.send(new RegisterTaskDefinitionCommand({ ...sleeper(family), tags: [{ key: 'team', value: 'web' }] }));
    const td = first.taskDefinition;
    expect(td).toMatchObject({
      family,
      revision: 1,
      status: 'ACTIVE',
      taskDefinitionArn: expect.stringMatching(new RegExp(`${ARN.source}task-definition/${family}:1$`)),
    });
    expect(td?.registeredAt).toBeInstanceOf(Date);
    expect(Math.abs((td?.registeredAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(first.tags).toEqual([{ key: 'team', value: 'web' }]);
    expect((await env.api.client().get('TaskDefinition', { name: `${family}:1` }))?.spec.containerDefinitions[0]?.image).toBe('berth.local/busybox:1');

    await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(family, ['sleep', '61'])));
    expect((await env.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }))).taskDefinition?.revision).toBe(2);
    expect((await env.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: td?.taskDefinitionArn }))).taskDefinition?.revision).toBe(1);
    expect(await ecsError(env.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:9` })))).toMatchObject({ name: 'ClientException' });
  });

  it('deregisters, then deletes, only what ECS would', async () => {
    const family = unique('ecsapi');
    await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(family)));
    const active = await env.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [`${family}:1`] }));
    expect(active.taskDefinitions).toEqual([]);
    expect(active.failures?.[0]?.reason).toMatch(/ACTIVE/);
    const deregistered = await env.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:1` }));
    expect(deregistered.taskDefinition).toMatchObject({ status: 'INACTIVE', deregisteredAt: expect.any(Date) });
    expect((await env.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: family }))).families).toEqual([]);
    expect((await env.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: family, status: 'INACTIVE' }))).families).toEqual([family]);
    const deleted = await env.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [`${family}:1`, `${family}:7`] }));
    expect(deleted.taskDefinitions?.map((t) => t.status)).toEqual(['DELETE_IN_PROGRESS']);
    expect(deleted.failures?.map((f) => f.arn)).toEqual([expect.stringMatching(new RegExp(`task-definition/${family}:7$`))]);
    expect(await env.api.client().get('TaskDefinition', { name: `${family}:1` })).toBeUndefined();
  });

  it('pages ListTaskDefinitions with nextToken and maxResults, in both sort orders', async () => {
    const family = unique('ecsapi');
    for (let i = 0; i < 5; i++) await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(family, ['sleep', String(60 + i)])));
    const arns: string[] = [];
    for await (const p of paginateListTaskDefinitions({ client: env.ecs, pageSize: 2 }, { familyPrefix: family })) {
      expect(p.taskDefinitionArns?.length).toBeLessThanOrEqual(2);
      arns.push(...(p.taskDefinitionArns ?? []));
    }
    expect(arns.map((a) => a.split(':').at(-1))).toEqual(['1', '2', '3', '4', '5']);
    const desc = await env.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', maxResults: 3 }));
    expect(desc.taskDefinitionArns?.map((a) => a.split(':').at(-1))).toEqual(['5', '4', '3']);
    const rest = await env.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', maxResults: 3, nextToken: desc.nextToken }));
    expect(rest.taskDefinitionArns?.map((a) => a.split(':').at(-1))).toEqual(['2', '1']);
    expect(rest.nextToken).toBeUndefined();
    expect((await ecsError(env.ecs.send(new ListTaskDefinitionsCommand({ nextToken: 'made-up' })))).name).toBe('InvalidParameterException');
  });
});

describe('services without an agent', () => {
  it('lists services page by page and refuses a second create without the same clientToken', async () => {
    const cluster = unique('ecsapi');
    await env.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(cluster)));
    for (const n of ['a', 'b', 'c'])
      await env.ecs.send(new CreateServiceCommand({ cluster, serviceName: n, taskDefinition: cluster, desiredCount: 0, clientToken: `tok-${n}` }));
    const again = await env.ecs.send(new CreateServiceCommand({ cluster, serviceName: 'a', taskDefinition: cluster, desiredCount: 0, clientToken: 'tok-a' }));
    expect(again.service?.serviceName).toBe('a');
    expect(
      await ecsError(env.ecs.send(new CreateServiceCommand({ cluster, serviceName: 'a', taskDefinition: cluster, desiredCount: 0, clientToken: 'other' }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Creation of service was not idempotent.',
    });
    const first = await env.ecs.send(new ListServicesCommand({ cluster, maxResults: 2 }));
    const second = await env.ecs.send(new ListServicesCommand({ cluster, maxResults: 2, nextToken: first.nextToken }));
    expect([...(first.serviceArns ?? []), ...(second.serviceArns ?? [])].map((a) => a.split('/').at(-1))).toEqual(['a', 'b', 'c']);
    expect(first.serviceArns?.[0]).toMatch(new RegExp(`${ARN.source}service/${cluster}/a$`));
    expect(await ecsError(env.ecs.send(new DeleteServiceCommand({ cluster, service: 'zz' })))).toMatchObject({ name: 'ServiceNotFoundException' });

    const arn = first.serviceArns?.[0] ?? '';
    await env.ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'team', value: 'web' },
          { key: 'env', value: 'prod' },
        ],
      }),
    );
    await env.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
    expect((await env.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: 'team', value: 'web' }]);
    expect((await env.api.client().get('Service', { cluster, name: 'a' }))?.spec.tags).toEqual([{ key: 'team', value: 'web' }]);
  });
});

describe('task protection', () => {
  it('protects a task through the write path of berth task protect and reads it back, with failures for unknown tasks', async () => {
    const cluster = unique('ecsapi');
    await env.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const td = await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(cluster)));
    await env.api.client().create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 't1', cluster },
      spec: { taskDefinition: `${cluster}:${td.taskDefinition?.revision ?? 1}` },
    });
    const before = Date.now();
    const updated = await env.ecs.send(new UpdateTaskProtectionCommand({ cluster, tasks: ['t1', 'nope'], protectionEnabled: true, expiresInMinutes: 30 }));
    expect(updated.protectedTasks).toEqual([
      { taskArn: expect.stringMatching(new RegExp(`${ARN.source}task/${cluster}/t1$`)), protectionEnabled: true, expirationDate: expect.any(Date) },
    ]);
    const expires = updated.protectedTasks?.[0]?.expirationDate?.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);
    expect(updated.failures).toEqual([{ arn: expect.stringMatching(/task\/.*\/nope$/), reason: 'MISSING' }]);
    expect((await env.api.client().get('Task', { cluster, name: 't1' }))?.spec.protection).toEqual({
      protectionEnabled: true,
      expirationDate: expect.any(String),
    });

    const read = await env.ecs.send(new GetTaskProtectionCommand({ cluster, tasks: ['t1'] }));
    expect(read.protectedTasks).toEqual(updated.protectedTasks);
    expect(
      await ecsError(env.ecs.send(new UpdateTaskProtectionCommand({ cluster, tasks: ['t1'], protectionEnabled: true, expiresInMinutes: 2881 }))),
    ).toMatchObject({ name: 'InvalidParameterException' });
    await env.ecs.send(new UpdateTaskProtectionCommand({ cluster, tasks: ['t1'], protectionEnabled: false }));
    expect((await env.ecs.send(new GetTaskProtectionCommand({ cluster }))).protectedTasks).toEqual([
      { taskArn: updated.protectedTasks?.[0]?.taskArn, protectionEnabled: false },
    ]);
  });
});
