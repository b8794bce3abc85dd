/**
 * Container-instance attributes and RegisterContainerInstance through the official
 * @aws-sdk/client-ecs against berth on the real Docker engine: PutAttributes / ListAttributes /
 * DeleteAttributes with ECS's targetType/targetId, ARNs, pagination and errors; a placement
 * constraint on a custom attribute sees what PutAttributes wrote (and stops seeing it once
 * deleted); an instance registered through the API keeps its resources and attributes when its
 * `berth agent` connects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteAttributesCommand,
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListAttributesCommand,
  ListContainerInstancesCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  paginateListAttributes,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { eventually, TEST_IMAGE, type TestCluster } from './support/cluster.js';
import { testInstanceName } from './support/berth-process.js';
import { ecsError, startEcsCluster } from './support/ecs-api.js';

let cluster: TestCluster;
let ecs: ECSClient;
let instance: string;
let instanceArn: string;

beforeAll(async () => {
  ({ cluster, instance, ecs } = await startEcsCluster('ecsattr'));
  const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: cluster.name, containerInstances: [instance] }));
  instanceArn = described.containerInstances?.[0]?.containerInstanceArn ?? '';
}, 60_000);
afterAll(async () => {
  ecs?.destroy();
  await cluster?.dispose();
});

const sleeper = (family: string) => ({
  family,
  containerDefinitions: [
    { name: 'main', image: TEST_IMAGE, memory: 16, essential: true, command: ['sleep', '60'], stopTimeout: 2, linuxParameters: { initProcessEnabled: true } },
  ],
});

describe('attributes', () => {
  it('puts, lists (filtered, paged) and deletes custom attributes, which placement constraints see', async () => {
    const name = cluster.name;
    expect(instanceArn).toMatch(new RegExp(`^arn:aws:ecs:us-east-1:\\d{12}:container-instance/${name}/${instance}$`));
    await ecs.send(new RegisterTaskDefinitionCommand(sleeper('ecsattr')));
    const constrained = {
      cluster: name,
      taskDefinition: 'ecsattr',
      placementConstraints: [{ type: 'memberOf' as const, expression: 'attribute:team == blue' }],
    };
    const refused = await ecs.send(new RunTaskCommand(constrained));
    expect(refused.tasks).toEqual([]);
    expect(refused.failures?.length).toBeGreaterThan(0);

    const put = await ecs.send(
      new PutAttributesCommand({
        cluster: name,
        attributes: [
          { name: 'team', value: 'blue', targetType: 'container-instance', targetId: instance },
          { name: 'gpu-ready', targetId: instanceArn },
        ],
      }),
    );
    expect(put.attributes).toEqual([
      { name: 'team', value: 'blue', targetType: 'container-instance', targetId: instanceArn },
      { name: 'gpu-ready', targetType: 'container-instance', targetId: instanceArn },
    ]);
    expect((await cluster.client.get('ContainerInstance', { cluster: name, name: instance }))?.spec.attributes).toMatchObject({
      team: 'blue',
      'gpu-ready': '',
    });

    const placed = await ecs.send(new RunTaskCommand(constrained));
    expect(placed.failures).toEqual([]);
    const taskArn = placed.tasks?.[0]?.taskArn ?? '';
    const bound = await eventually(
      async () => (await ecs.send(new DescribeTasksCommand({ cluster: name, tasks: [taskArn] }))).tasks?.[0]?.containerInstanceArn,
      20_000,
    );
    expect(bound).toBe(instanceArn);
    await ecs.send(new StopTaskCommand({ cluster: name, task: taskArn }));

    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: name, containerInstances: [instanceArn] }));
    expect(described.containerInstances?.[0]?.attributes).toEqual(expect.arrayContaining([{ name: 'team', value: 'blue' }, { name: 'gpu-ready' }]));

    const filtered = await ecs.send(
      new ListAttributesCommand({ cluster: name, targetType: 'container-instance', attributeName: 'team', attributeValue: 'blue' }),
    );
    expect(filtered.attributes).toEqual([{ name: 'team', value: 'blue', targetType: 'container-instance', targetId: instanceArn }]);
    const pages = [];
    for await (const p of paginateListAttributes({ client: ecs, pageSize: 2 }, { cluster: name, targetType: 'container-instance' }))
      pages.push(p.attributes ?? []);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    const all = pages.flat();
    expect(all).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ecs.os-type' }), expect.objectContaining({ name: 'team', value: 'blue' })]));
    expect(new Set(all.map((a) => a.name)).size).toBe(all.length);

    const deleted = await ecs.send(
      new DeleteAttributesCommand({ cluster: name, attributes: [{ name: 'team', targetType: 'container-instance', targetId: instance }] }),
    );
    expect(deleted.attributes).toEqual([{ name: 'team', targetType: 'container-instance', targetId: instanceArn }]);
    expect((await ecs.send(new ListAttributesCommand({ cluster: name, targetType: 'container-instance', attributeName: 'team' }))).attributes).toEqual([]);
    expect((await ecs.send(new RunTaskCommand(constrained))).tasks).toEqual([]);
  });

  it.each([
    ['an unknown instance', () => ({ name: 'team', value: 'x', targetType: 'container-instance' as const, targetId: 'nowhere' }), 'TargetNotFoundException'],
    ['a short id without targetType', () => ({ name: 'team', value: 'x', targetId: instance }), 'InvalidParameterException'],
    ['no target', () => ({ name: 'team', value: 'x' }), 'InvalidParameterException'],
    ["the agent's own ecs. attributes", () => ({ name: 'ecs.instance-type', value: 'huge', targetId: instanceArn }), 'InvalidParameterException'],
  ])('refuses %s, changing nothing', async (_what, attribute, type) => {
    const bad = attribute();
    const good = { name: 'keep-out', value: 'x', targetType: 'container-instance' as const, targetId: instance };
    expect((await ecsError(ecs.send(new PutAttributesCommand({ cluster: cluster.name, attributes: [good, bad] })))).name).toBe(type);
    expect((await cluster.client.get('ContainerInstance', { cluster: cluster.name, name: instance }))?.spec.attributes['keep-out']).toBeUndefined();
  });

  it('refuses more than ten custom attributes on one instance, and an unknown cluster', async () => {
    await ecs.send(new PutAttributesCommand({ cluster: cluster.name, attributes: [{ name: 'limit-first', targetId: instanceArn }] }));
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `bulk-${i}`, value: 'x', targetId: instanceArn }));
    expect((await ecsError(ecs.send(new PutAttributesCommand({ cluster: cluster.name, attributes: many })))).name).toBe('AttributeLimitExceededException');
    expect((await ecsError(ecs.send(new ListAttributesCommand({ cluster: 'ecsattr-nowhere', targetType: 'container-instance' })))).name).toBe(
      'ClusterNotFoundException',
    );
    expect((await ecsError(ecs.send(new ListAttributesCommand({ cluster: cluster.name, targetType: 'container-instance', attributeValue: 'x' })))).name).toBe(
      'InvalidParameterException',
    );
  });
});

describe('RegisterContainerInstance', () => {
  it('registers an instance that its berth agent then adopts, keeping what was registered', async () => {
    const name = testInstanceName('ecsreg');
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: cluster.name,
        instanceIdentityDocument: JSON.stringify({ instanceId: name, region: 'us-east-1' }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 512 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 300 },
        ],
        attributes: [{ name: 'rack', value: 'r7' }],
      }),
    );
    const arn = registered.containerInstance?.containerInstanceArn ?? '';
    expect(arn).toMatch(new RegExp(`:container-instance/${cluster.name}/${name}$`));
    expect(registered.containerInstance).toMatchObject({
      status: 'ACTIVE',
      agentConnected: false,
      attributes: [{ name: 'rack', value: 'r7' }],
      registeredResources: expect.arrayContaining([
        expect.objectContaining({ name: 'CPU', integerValue: 512 }),
        expect.objectContaining({ name: 'MEMORY', integerValue: 300 }),
      ]),
    });
    expect(registered.containerInstance?.registeredAt).toBeInstanceOf(Date);

    await cluster.startAgent(name);
    const adopted = await eventually(async () => {
      const [ci] = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: cluster.name, containerInstances: [arn] }))).containerInstances ?? [];
      return ci?.agentConnected ? ci : undefined;
    }, 20_000);
    expect(adopted.attributes).toEqual([{ name: 'rack', value: 'r7' }]);
    expect(adopted.registeredResources).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'CPU', integerValue: 512 })]));
    await cluster.killAgent(name);

    // Registering again by ARN updates what was registered.
    const again = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: cluster.name,
        containerInstanceArn: arn,
        totalResources: [{ name: 'MEMORY', type: 'INTEGER', integerValue: 400 }],
      }),
    );
    expect(again.containerInstance?.registeredResources).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'CPU', integerValue: 512 }), expect.objectContaining({ name: 'MEMORY', integerValue: 400 })]),
    );

    // Deregistered (no task on it): INACTIVE in the answer, then gone from the cluster's lists.
    const gone = await ecs.send(new DeregisterContainerInstanceCommand({ cluster: cluster.name, containerInstance: arn }));
    expect(gone.containerInstance).toMatchObject({ containerInstanceArn: arn, status: 'INACTIVE' });
    const listed = await ecs.send(new ListContainerInstancesCommand({ cluster: cluster.name }));
    expect(listed.containerInstanceArns).not.toContain(arn);
    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: cluster.name, containerInstances: [arn] }));
    expect(described.failures).toEqual([{ arn, reason: 'MISSING' }]);
    expect((await ecsError(ecs.send(new DeregisterContainerInstanceCommand({ cluster: cluster.name, containerInstance: arn })))).name).toBe(
      'InvalidParameterException',
    );
  });

  it('refuses to deregister an instance with a running task unless forced, as ECS does', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(sleeper('ecsdereg')));
    const run = await ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: 'ecsdereg' }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    expect(taskArn).not.toBe('');
    const refused = await ecsError(ecs.send(new DeregisterContainerInstanceCommand({ cluster: cluster.name, containerInstance: instanceArn })));
    expect(refused.name).toBe('ClientException');
    expect(refused.message).toMatch(/\d+ tasks running; stop them, drain the instance, or deregister with force/);
    const still = await ecs.send(new DescribeContainerInstancesCommand({ cluster: cluster.name, containerInstances: [instanceArn] }));
    expect(still.containerInstances?.[0]?.status).toBe('ACTIVE');
    await ecs.send(new StopTaskCommand({ cluster: cluster.name, task: taskArn }));
  });

  it.each([
    ['no name', {}],
    ['an identity signature berth cannot verify', { instanceIdentityDocument: '{"instanceId":"i-1"}', instanceIdentityDocumentSignature: 'sig' }],
    ['versionInfo', { instanceIdentityDocument: '{"instanceId":"i-1"}', versionInfo: { agentVersion: '1.0' } }],
    ['a new instance without CPU and MEMORY', { instanceIdentityDocument: '{"instanceId":"i-1"}', totalResources: [{ name: 'CPU', integerValue: 1 }] }],
    ['a resource berth does not schedule', { instanceIdentityDocument: '{"instanceId":"i-1"}', totalResources: [{ name: 'DISK', integerValue: 1 }] }],
  ])('refuses %s, creating nothing', async (_what, body) => {
    expect((await ecsError(ecs.send(new RegisterContainerInstanceCommand({ cluster: cluster.name, ...body })))).name).toBe('InvalidParameterException');
    expect(await cluster.client.get('ContainerInstance', { cluster: cluster.name, name: 'i-1' })).toBeUndefined();
  });
});
