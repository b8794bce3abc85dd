/**
 * `-o ecs` against the ECS API model's shapes (DescribeTaskDefinition, DescribeTasks,
 * DescribeServices, DescribeContainerInstances): every key is a member ECS has, the members every
 * response carries are there, and each has ECS's type (cpu and memory as strings, timestamps as
 * the AWS CLI prints them, ARNs in ECS's form).
 */
import { describe, expect, it } from 'vitest';
import { validateObject, type BerthObject } from '../../../api/v1/index.js';
import { ecsContext, ecsElement, formatEcs } from './index.js';

type Type = 's' | 'n' | 'b' | 'a' | 'o';
/** Member → type, from the ECS API model; `!` after the type: present in every response. */
type Shape = Record<string, `${Type}` | `${Type}!`>;

const TASK_DEFINITION: Shape = {
  taskDefinitionArn: 's!',
  containerDefinitions: 'a!',
  family: 's!',
  taskRoleArn: 's',
  executionRoleArn: 's',
  networkMode: 's',
  revision: 'n!',
  volumes: 'a!',
  status: 's!',
  requiresAttributes: 'a!',
  placementConstraints: 'a!',
  compatibilities: 'a!',
  runtimePlatform: 'o',
  requiresCompatibilities: 'a',
  cpu: 's',
  memory: 's',
  inferenceAccelerators: 'a',
  pidMode: 's',
  ipcMode: 's',
  proxyConfiguration: 'o',
  registeredAt: 's!',
  deregisteredAt: 's',
  registeredBy: 's!',
  ephemeralStorage: 'o',
  enableFaultInjection: 'b',
};
const TASK: Shape = {
  attachments: 'a!',
  attributes: 'a!',
  availabilityZone: 's',
  capacityProviderName: 's',
  clusterArn: 's!',
  connectivity: 's',
  connectivityAt: 's',
  containerInstanceArn: 's',
  containers: 'a!',
  cpu: 's!',
  createdAt: 's!',
  desiredStatus: 's!',
  enableExecuteCommand: 'b!',
  executionStoppedAt: 's',
  group: 's',
  healthStatus: 's!',
  inferenceAccelerators: 'a',
  lastStatus: 's!',
  launchType: 's!',
  memory: 's!',
  overrides: 'o!',
  platformVersion: 's',
  platformFamily: 's',
  pullStartedAt: 's',
  pullStoppedAt: 's',
  startedAt: 's',
  startedBy: 's',
  stopCode: 's',
  stoppedAt: 's',
  stoppedReason: 's',
  stoppingAt: 's',
  tags: 'a!',
  taskArn: 's!',
  taskDefinitionArn: 's!',
  version: 'n!',
  ephemeralStorage: 'o',
  fargateEphemeralStorage: 'o',
};
const CONTAINER: Shape = {
  containerArn: 's!',
  taskArn: 's!',
  name: 's!',
  image: 's',
  imageDigest: 's',
  runtimeId: 's',
  lastStatus: 's!',
  exitCode: 'n',
  reason: 's',
  networkBindings: 'a!',
  networkInterfaces: 'a!',
  healthStatus: 's!',
  managedAgents: 'a',
  cpu: 's!',
  memory: 's',
  memoryReservation: 's',
  gpuIds: 'a',
};
const SERVICE: Shape = {
  serviceArn: 's!',
  serviceName: 's!',
  clusterArn: 's!',
  loadBalancers: 'a!',
  serviceRegistries: 'a!',
  status: 's!',
  desiredCount: 'n!',
  runningCount: 'n!',
  pendingCount: 'n!',
  launchType: 's',
  capacityProviderStrategy: 'a',
  platformVersion: 's',
  platformFamily: 's',
  taskDefinition: 's',
  deploymentConfiguration: 'o!',
  taskSets: 'a',
  deployments: 'a!',
  roleArn: 's',
  events: 'a!',
  createdAt: 's!',
  currentServiceDeployment: 's',
  currentServiceRevisions: 'a',
  placementConstraints: 'a!',
  placementStrategy: 'a!',
  networkConfiguration: 'o',
  healthCheckGracePeriodSeconds: 'n',
  schedulingStrategy: 's!',
  deploymentController: 'o',
  tags: 'a',
  createdBy: 's',
  enableECSManagedTags: 'b!',
  propagateTags: 's!',
  enableExecuteCommand: 'b!',
  availabilityZoneRebalancing: 's',
};
const DEPLOYMENT: Shape = {
  id: 's!',
  status: 's!',
  taskDefinition: 's!',
  desiredCount: 'n!',
  pendingCount: 'n!',
  runningCount: 'n!',
  failedTasks: 'n!',
  createdAt: 's',
  updatedAt: 's',
  capacityProviderStrategy: 'a',
  launchType: 's',
  platformVersion: 's',
  platformFamily: 's',
  networkConfiguration: 'o',
  rolloutState: 's!',
  rolloutStateReason: 's',
};
const CONTAINER_INSTANCE: Shape = {
  containerInstanceArn: 's!',
  ec2InstanceId: 's',
  capacityProviderName: 's',
  version: 'n!',
  versionInfo: 'o!',
  remainingResources: 'a!',
  registeredResources: 'a!',
  status: 's!',
  statusReason: 's',
  agentConnected: 'b!',
  runningTasksCount: 'n!',
  pendingTasksCount: 'n!',
  agentUpdateStatus: 's',
  attributes: 'a!',
  registeredAt: 's!',
  attachments: 'a!',
  tags: 'a!',
  healthStatus: 'o',
};
const RESOURCE: Shape = { name: 's!', type: 's!', doubleValue: 'n!', longValue: 'n!', integerValue: 'n!', stringSetValue: 'a' };

function typeOf(v: unknown): Type {
  if (Array.isArray(v)) return 'a';
  if (typeof v === 'string') return 's';
  if (typeof v === 'number') return 'n';
  if (typeof v === 'boolean') return 'b';
  return 'o';
}

function expectShape(element: unknown, shape: Shape, what: string): void {
  if (typeof element !== 'object' || element === null) throw new Error(`${what} is not an object`);
  const actual = Object.fromEntries(Object.entries(element).map(([k, v]) => [k, typeOf(v)]));
  expect(
    Object.keys(actual).filter((k) => !(k in shape)),
    `${what}: members ECS does not have`,
  ).toEqual([]);
  for (const [key, spec] of Object.entries(shape)) {
    const required = spec.endsWith('!');
    if (required) expect(actual, `${what}.${key} is always there`).toHaveProperty(key);
    if (key in actual) expect(actual[key], `${what}.${key}'s type`).toBe(spec[0]);
  }
}

const parse = (raw: unknown): BerthObject => {
  const r = validateObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.object;
};
const T0 = '2030-01-02T03:04:05.678Z';
const ECS_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

const taskDefinition = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition',
  metadata: { name: 'web:3', cluster: 'prod', creationTimestamp: T0 },
  spec: {
    family: 'web',
    cpu: '0.5 vCPU',
    memory: '1 GB',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    executionRoleArn: 'arn:aws:iam::1:role/x',
    tags: [{ key: 'team', value: 'a' }],
    containerDefinitions: [
      { name: 'app', image: 'nginx', memory: 256, portMappings: [{ containerPort: 80 }] },
      { name: 'side', image: 'busybox', memoryReservation: 32, essential: false },
    ],
  },
  status: { status: 'ACTIVE', revision: 3, registeredAt: T0 },
});
const task = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Task',
  metadata: { name: 'web-0123456789', cluster: 'prod', creationTimestamp: T0, generation: 2 },
  spec: { taskDefinition: 'web:3', containerInstance: 'i-1', group: 'service:web', startedBy: 'berth' },
  status: {
    lastStatus: 'RUNNING',
    createdAt: T0,
    startedAt: T0,
    containers: [{ name: 'app', dockerId: 'abc', lastStatus: 'RUNNING', networkBindings: [{ containerPort: 80, hostPort: 80 }] }],
  },
});
const service = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Service',
  metadata: { name: 'web', cluster: 'prod', creationTimestamp: T0 },
  spec: { taskDefinition: 'web', desiredCount: 2 },
  status: {
    runningCount: 2,
    taskDefinition: 'web:3',
    deployments: [
      { id: 'd1', status: 'PRIMARY', taskDefinition: 'web:3', desiredCount: 2, runningCount: 2, rolloutState: 'COMPLETED', createdAt: T0, updatedAt: T0 },
    ],
    events: [{ id: 'e1', createdAt: T0, message: '(service web) has reached a steady state.' }],
  },
});
const instance = parse({
  apiVersion: 'berth.dev/v1',
  kind: 'ContainerInstance',
  metadata: { name: 'i-1', cluster: 'prod', creationTimestamp: T0 },
  spec: { attributes: { 'ecs.os-type': 'linux' }, registeredResources: { cpu: 2048, memory: 3955 } },
  status: { agentConnected: true, runningTasksCount: 1, registeredAt: T0, remainingResources: { cpu: 1024, memory: 2000, portsTcp: [22, 80] } },
});
const ctx = ecsContext('0f0f0f0f-1111-4222-8333-444444444444', 'eu-west-1', taskDefinition.kind === 'TaskDefinition' ? [taskDefinition] : []);
const arn = (resource: string) => new RegExp(`^arn:aws:ecs:eu-west-1:${ctx.accountId}:${resource}$`);

describe('-o ecs prints what the ECS describe calls print', () => {
  it("a task definition: DescribeTaskDefinition's taskDefinition, cpu and memory as strings", () => {
    const el = ecsElement(taskDefinition, ctx);
    expectShape(el, TASK_DEFINITION, 'taskDefinition');
    expect(el).toMatchObject({
      taskDefinitionArn: expect.stringMatching(arn('task-definition/web:3')),
      revision: 3,
      cpu: '512',
      memory: '1024',
      compatibilities: ['EC2', 'FARGATE'],
      registeredAt: expect.stringMatching(ECS_TIME),
    });
    expect(JSON.parse(formatEcs('TaskDefinition', [taskDefinition], ctx, true))).toEqual({ taskDefinition: el, tags: [{ key: 'team', value: 'a' }] });
  });

  it("a task: DescribeTasks' tasks[], its containers with the definition's image, cpu and memory", () => {
    const el = ecsElement(task, ctx);
    expectShape(el, TASK, 'task');
    const containers = (el as { containers: unknown[] }).containers;
    expect(containers).toHaveLength(2);
    containers.forEach((c, i) => expectShape(c, CONTAINER, `task.containers[${i}]`));
    expect(el).toMatchObject({
      taskArn: expect.stringMatching(arn('task/prod/web-0123456789')),
      clusterArn: expect.stringMatching(arn('cluster/prod')),
      containerInstanceArn: expect.stringMatching(arn('container-instance/prod/i-1')),
      taskDefinitionArn: expect.stringMatching(arn('task-definition/web:3')),
      cpu: '512',
      memory: '1024',
      version: 2,
      createdAt: expect.stringMatching(ECS_TIME),
      containers: [
        {
          name: 'app',
          image: 'nginx',
          runtimeId: 'abc',
          memory: '256',
          networkBindings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp', bindIP: '0.0.0.0' }],
        },
        { name: 'side', lastStatus: 'PENDING', memoryReservation: '32' },
      ],
    });
    expect(JSON.parse(formatEcs('Task', [task], ctx, true))).toEqual({ tasks: [el], failures: [] });
  });

  it("a service: DescribeServices' services[], with its deployments in ECS's shape", () => {
    const el = ecsElement(service, ctx);
    expectShape(el, SERVICE, 'service');
    const deployments = (el as { deployments: unknown[] }).deployments;
    deployments.forEach((d, i) => expectShape(d, DEPLOYMENT, `service.deployments[${i}]`));
    expect(el).toMatchObject({
      serviceArn: expect.stringMatching(arn('service/prod/web')),
      taskDefinition: expect.stringMatching(arn('task-definition/web:3')),
      runningCount: 2,
    });
    expect(JSON.parse(formatEcs('Service', [service], ctx, false))).toEqual({ services: [el], failures: [] });
  });

  it("a container instance: DescribeContainerInstances' containerInstances[], resources as ECS lists them", () => {
    const el = ecsElement(instance, ctx);
    expectShape(el, CONTAINER_INSTANCE, 'containerInstance');
    for (const r of [...(el as { registeredResources: unknown[] }).registeredResources, ...(el as { remainingResources: unknown[] }).remainingResources])
      expectShape(r, RESOURCE, 'resource');
    expect(el).toMatchObject({
      containerInstanceArn: expect.stringMatching(arn('container-instance/prod/i-1')),
      remainingResources: [
        { name: 'CPU', integerValue: 1024 },
        { name: 'MEMORY', integerValue: 2000 },
        { name: 'PORTS', stringSetValue: ['22', '80'] },
        { name: 'PORTS_UDP', stringSetValue: [] },
      ],
      attributes: [{ name: 'ecs.os-type', value: 'linux' }],
    });
  });

  it('refuses a kind ECS has no describe shape for', () => {
    const cluster = parse({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'prod' }, spec: {} });
    expect(() => formatEcs('Cluster', [cluster], ctx, true)).toThrow(/-o ecs prints TaskDefinition, Task, Service, ContainerInstance/);
  });
});
