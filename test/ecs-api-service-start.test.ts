/**
 * CreateService and UpdateService start their deployment in the write that changes the spec, as
 * ECS answers: with no controller running at all (an API server on a store), the answer and a
 * DescribeServices right after hold the new PRIMARY deployment, IN_PROGRESS, on the new revision;
 * DescribeServices names the current service deployment and revisions, DescribeServiceRevisions
 * describes them, and ListServicesByNamespace finds services by their discovery namespace.
 */
import { describe, expect, it } from 'vitest';
import {
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  ListServicesByNamespaceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';
import { ecsError, useEcsApi } from './support/ecs-api.js';

const env = useEcsApi({ withClient: true });
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const sleeper = (family: string, seconds: string) => ({
  family,
  containerDefinitions: [{ name: 'main', image: 'berth.local/busybox:1', memory: 16, command: ['sleep', seconds], essential: true }],
});

describe('deployments started by CreateService and UpdateService', () => {
  it('are in the answer and in a DescribeServices right after, without waiting for a controller', async () => {
    const family = unique('start');
    const service = unique('web');
    const first = (await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(family, '60')))).taskDefinition?.taskDefinitionArn;
    const created = await env.ecs.send(new CreateServiceCommand({ serviceName: service, taskDefinition: family, desiredCount: 2 }));
    expect(created.service?.deployments).toEqual([
      expect.objectContaining({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: first, desiredCount: 2, createdAt: expect.any(Date) }),
    ]);
    const firstId = created.service?.deployments?.[0]?.id ?? '';
    expect(created.service?.currentServiceDeployment).toMatch(new RegExp(`:service-deployment/default/${service}/${firstId.replace('ecs-svc/', '')}$`));

    const second = (await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(family, '61')))).taskDefinition?.taskDefinitionArn;
    const started = Date.now();
    const updated = await env.ecs.send(new UpdateServiceCommand({ service, taskDefinition: second }));
    // No controller runs here: an answer that waited for one would take its whole bound (seconds).
    expect(Date.now() - started).toBeLessThan(2_000);
    const described = (await env.ecs.send(new DescribeServicesCommand({ services: [service] }))).services?.[0];
    for (const answer of [updated.service, described]) {
      expect(answer?.taskDefinition).toBe(second);
      expect(answer?.deployments).toEqual([
        expect.objectContaining({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: second, desiredCount: 2 }),
        expect.objectContaining({ id: firstId, status: 'ACTIVE', taskDefinition: first }),
      ]);
    }
    expect(described?.events?.[0]?.message).toContain(`deployment started: task definition ${family}:2`);
    const ids = (described?.deployments ?? []).map((d) => (d.id ?? '').replace('ecs-svc/', ''));
    expect(described?.currentServiceDeployment).toMatch(new RegExp(`:service-deployment/default/${service}/${ids[0]}$`));
    expect(described?.currentServiceRevisions).toEqual(
      ids.map((id) => ({
        arn: expect.stringMatching(new RegExp(`:service-revision/default/${service}/${id}$`)),
        requestedTaskCount: expect.any(Number),
        runningTaskCount: 0,
        pendingTaskCount: 0,
      })),
    );
    const listed = await env.ecs.send(new ListServiceDeploymentsCommand({ service }));
    expect(listed.serviceDeployments?.map((d) => d.status)).toEqual(['IN_PROGRESS', 'STOPPED']);

    const revisionArns = (described?.currentServiceRevisions ?? []).map((r) => r.arn ?? '');
    const missing = revisionArns[0]?.replace(/[^/]+$/, '42') ?? '';
    const revisions = await env.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [...revisionArns, missing] }));
    expect(revisions.serviceRevisions).toEqual([
      expect.objectContaining({ serviceRevisionArn: revisionArns[0], serviceArn: described?.serviceArn, taskDefinition: second, createdAt: expect.any(Date) }),
      expect.objectContaining({ serviceRevisionArn: revisionArns[1], taskDefinition: first, launchType: 'EC2' }),
    ]);
    expect(revisions.failures).toEqual([{ arn: missing, reason: 'MISSING' }]);
    // The deployment names the revision it deploys and the one it replaces.
    const deployment = await env.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [described?.currentServiceDeployment ?? ''] }));
    expect(deployment.serviceDeployments?.[0]).toMatchObject({
      status: 'IN_PROGRESS',
      targetServiceRevision: { arn: revisionArns[0], requestedTaskCount: 2 },
      sourceServiceRevisions: [expect.objectContaining({ arn: revisionArns[1] })],
    });
    expect(await ecsError(env.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [described?.serviceArn ?? ''] })))).toMatchObject({
      name: 'InvalidParameterException',
    });

    // forceNewDeployment: a new PRIMARY of the same revision, in the answer.
    const forced = await env.ecs.send(new UpdateServiceCommand({ service, forceNewDeployment: true }));
    expect(forced.service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: second });
    expect(forced.service?.deployments?.[0]?.id).not.toBe(described?.deployments?.[0]?.id);
    // A change that starts nothing (the count) leaves the deployments as they are.
    const scaled = await env.ecs.send(new UpdateServiceCommand({ service, desiredCount: 3 }));
    expect(scaled.service?.deployments?.map((d) => d.id)).toEqual(forced.service?.deployments?.map((d) => d.id));
  });
});

describe('ListServicesByNamespace', () => {
  it('lists the services of every cluster registered in a namespace, and refuses an unknown one as ECS does', async () => {
    const family = unique('ns');
    const zone = `${unique('shop')}.internal`;
    await env.ecs.send(new RegisterTaskDefinitionCommand(sleeper(family, '60')));
    const registry = (name: string) => [{ registryArn: `arn:aws:servicediscovery:us-east-1:123456789012:service/${name}.${zone}` }];
    const web = await env.ecs.send(new CreateServiceCommand({ serviceName: unique('web'), taskDefinition: family, serviceRegistries: registry('web') }));
    const api = await env.ecs.send(new CreateServiceCommand({ serviceName: unique('api'), taskDefinition: family, serviceRegistries: registry('api') }));
    await env.ecs.send(new CreateServiceCommand({ serviceName: unique('other'), taskDefinition: family }));
    const byName = await env.ecs.send(new ListServicesByNamespaceCommand({ namespace: zone }));
    expect(byName.serviceArns?.toSorted()).toEqual([web.service?.serviceArn, api.service?.serviceArn].toSorted());
    const page = await env.ecs.send(
      new ListServicesByNamespaceCommand({ namespace: `arn:aws:servicediscovery:us-east-1:123456789012:namespace/${zone}`, maxResults: 1 }),
    );
    expect(page.serviceArns).toHaveLength(1);
    expect(page.nextToken).toBeTruthy();
    // The default record, SERVICE.CLUSTER.berth.internal, is in the cluster's namespace.
    expect(await ecsError(env.ecs.send(new ListServicesByNamespaceCommand({ namespace: `nowhere.${zone}` })))).toMatchObject({
      name: 'NamespaceNotFoundException',
      status: 400,
    });
  });
});
