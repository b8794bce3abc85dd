/**
 * Every default: applied when the field is absent, and never over a value that was given.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  Cluster,
  ContainerDefinition,
  ContainerInstance,
  DockerVolumeConfiguration,
  HealthCheck,
  MountPoint,
  ObjectMeta,
  OwnerReference,
  PortMapping,
  Service,
  Task,
  TaskDefinition,
  VolumeFrom,
} from './index.js';
import { MINIMAL_SPECS, rawContainer, rawObject, rawTaskDefinition } from './testing.js';

type Path = (string | number)[];
interface Row {
  name: string;
  schema: z.ZodType;
  input: Record<string, unknown>;
  path: Path;
  expected: unknown;
  /** A valid non-default value, to show a given value wins. */
  other: unknown;
}

const get = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), value);
const set = (value: Record<string, unknown>, path: Path, to: unknown): Record<string, unknown> => {
  const copy = structuredClone(value);
  let at: Record<string | number, unknown> = copy;
  path.slice(0, -1).forEach((k) => {
    at[k] ??= {};
    at = at[k] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1];
  if (last !== undefined) at[last] = to;
  return copy;
};

const hc = { command: ['CMD', 'true'] };
const task = (status: Record<string, unknown> = {}) => rawObject('Task', MINIMAL_SPECS.Task, 't', status);
const svc = (spec: Record<string, unknown> = {}, status?: Record<string, unknown>) =>
  rawObject('Service', { ...MINIMAL_SPECS.Service, ...spec }, 'web', status);
const ci = (status?: Record<string, unknown>) => rawObject('ContainerInstance', MINIMAL_SPECS.ContainerInstance, 'i-1', status);
const deployment = { id: 'd1', status: 'PRIMARY', taskDefinition: 'web:1' };

const rows: Row[] = [
  { name: 'container essential', schema: ContainerDefinition, input: rawContainer('a'), path: ['essential'], expected: true, other: false },
  { name: 'port protocol', schema: PortMapping, input: { containerPort: 80 }, path: ['protocol'], expected: 'tcp', other: 'udp' },
  { name: 'health interval', schema: HealthCheck, input: hc, path: ['interval'], expected: 30, other: 10 },
  { name: 'health timeout', schema: HealthCheck, input: hc, path: ['timeout'], expected: 5, other: 2 },
  { name: 'health retries', schema: HealthCheck, input: hc, path: ['retries'], expected: 3, other: 1 },
  { name: 'health startPeriod (none)', schema: HealthCheck, input: hc, path: ['startPeriod'], expected: undefined, other: 10 },
  { name: 'mount readOnly', schema: MountPoint, input: { sourceVolume: 'v', containerPath: '/d' }, path: ['readOnly'], expected: false, other: true },
  { name: 'volumesFrom readOnly', schema: VolumeFrom, input: { sourceContainer: 'a' }, path: ['readOnly'], expected: false, other: true },
  { name: 'docker volume scope', schema: DockerVolumeConfiguration, input: {}, path: ['scope'], expected: 'task', other: 'shared' },
  { name: 'metadata cluster', schema: ObjectMeta, input: { name: 'a' }, path: ['cluster'], expected: 'default', other: 'prod' },
  {
    name: 'ownerReference apiVersion',
    schema: OwnerReference,
    input: { kind: 'Service', name: 'a', uid: 'u' },
    path: ['apiVersion'],
    expected: 'berth.dev/v1',
    other: 'berth.dev/v1',
  },
  { name: 'task definition networkMode', schema: TaskDefinition, input: rawTaskDefinition(), path: ['spec', 'networkMode'], expected: 'bridge', other: 'host' },
  { name: 'task definition family from name', schema: TaskDefinition, input: rawTaskDefinition(), path: ['spec', 'family'], expected: 'web', other: 'web' },
  {
    name: 'task definition status',
    schema: TaskDefinition,
    input: { ...rawTaskDefinition(), status: {} },
    path: ['status', 'status'],
    expected: 'ACTIVE',
    other: 'INACTIVE',
  },
  {
    name: 'cluster spec',
    schema: Cluster,
    input: { apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'c' } },
    path: ['spec'],
    expected: {},
    other: { settings: { containerInsights: 'enabled' } },
  },
  ...(['registeredContainerInstancesCount', 'runningTasksCount', 'pendingTasksCount', 'activeServicesCount'] as const).map((f): Row => ({
    name: `cluster ${f}`,
    schema: Cluster,
    input: rawObject('Cluster', {}, 'c', {}),
    path: ['status', f],
    expected: 0,
    other: 4,
  })),
  { name: 'instance status', schema: ContainerInstance, input: ci(), path: ['spec', 'status'], expected: 'ACTIVE', other: 'DRAINING' },
  { name: 'instance attributes', schema: ContainerInstance, input: ci(), path: ['spec', 'attributes'], expected: {}, other: { 'ecs.availability-zone': 'a' } },
  { name: 'instance agentConnected', schema: ContainerInstance, input: ci({}), path: ['status', 'agentConnected'], expected: false, other: true },
  { name: 'instance runningTasksCount', schema: ContainerInstance, input: ci({}), path: ['status', 'runningTasksCount'], expected: 0, other: 2 },
  { name: 'instance pendingTasksCount', schema: ContainerInstance, input: ci({}), path: ['status', 'pendingTasksCount'], expected: 0, other: 2 },
  {
    name: 'instance remaining portsTcp',
    schema: ContainerInstance,
    input: ci({ remainingResources: { cpu: 1, memory: 1 } }),
    path: ['status', 'remainingResources', 'portsTcp'],
    expected: [],
    other: [22],
  },
  {
    name: 'instance remaining portsUdp',
    schema: ContainerInstance,
    input: ci({ remainingResources: { cpu: 1, memory: 1 } }),
    path: ['status', 'remainingResources', 'portsUdp'],
    expected: [],
    other: [53],
  },
  { name: 'task desiredStatus', schema: Task, input: task(), path: ['spec', 'desiredStatus'], expected: 'RUNNING', other: 'STOPPED' },
  { name: 'task launchType', schema: Task, input: task(), path: ['spec', 'launchType'], expected: 'EC2', other: 'EXTERNAL' },
  { name: 'task lastStatus', schema: Task, input: task(), path: ['status', 'lastStatus'], expected: 'PROVISIONING', other: 'RUNNING' },
  { name: 'task containers', schema: Task, input: task(), path: ['status', 'containers'], expected: [], other: [] },
  { name: 'task healthStatus', schema: Task, input: task(), path: ['status', 'healthStatus'], expected: 'UNKNOWN', other: 'HEALTHY' },
  {
    name: 'container lastStatus',
    schema: Task,
    input: task({ containers: [{ name: 'a' }] }),
    path: ['status', 'containers', 0, 'lastStatus'],
    expected: 'PENDING',
    other: 'RUNNING',
  },
  {
    name: 'container healthStatus',
    schema: Task,
    input: task({ containers: [{ name: 'a' }] }),
    path: ['status', 'containers', 0, 'healthStatus'],
    expected: 'UNKNOWN',
    other: 'UNHEALTHY',
  },
  {
    name: 'container networkBindings',
    schema: Task,
    input: task({ containers: [{ name: 'a' }] }),
    path: ['status', 'containers', 0, 'networkBindings'],
    expected: [],
    other: [],
  },
  {
    name: 'binding protocol',
    schema: Task,
    input: task({ containers: [{ name: 'a', networkBindings: [{ containerPort: 80, hostPort: 32768 }] }] }),
    path: ['status', 'containers', 0, 'networkBindings', 0, 'protocol'],
    expected: 'tcp',
    other: 'udp',
  },
  {
    name: 'binding bindIP',
    schema: Task,
    input: task({ containers: [{ name: 'a', networkBindings: [{ containerPort: 80, hostPort: 32768 }] }] }),
    path: ['status', 'containers', 0, 'networkBindings', 0, 'bindIP'],
    expected: '0.0.0.0',
    other: '127.0.0.1',
  },
  { name: 'service desiredCount', schema: Service, input: svc(), path: ['spec', 'desiredCount'], expected: 1, other: 0 },
  { name: 'service launchType', schema: Service, input: svc(), path: ['spec', 'launchType'], expected: 'EC2', other: 'FARGATE' },
  { name: 'service schedulingStrategy', schema: Service, input: svc(), path: ['spec', 'schedulingStrategy'], expected: 'REPLICA', other: 'DAEMON' },
  { name: 'service grace period', schema: Service, input: svc(), path: ['spec', 'healthCheckGracePeriodSeconds'], expected: 0, other: 60 },
  {
    name: 'minimumHealthyPercent',
    schema: Service,
    input: svc(),
    path: ['spec', 'deploymentConfiguration', 'minimumHealthyPercent'],
    expected: 100,
    other: 50,
  },
  { name: 'maximumPercent', schema: Service, input: svc(), path: ['spec', 'deploymentConfiguration', 'maximumPercent'], expected: 200, other: 150 },
  {
    name: 'circuit breaker enable',
    schema: Service,
    input: svc(),
    path: ['spec', 'deploymentConfiguration', 'deploymentCircuitBreaker', 'enable'],
    expected: false,
    other: true,
  },
  {
    name: 'circuit breaker rollback',
    schema: Service,
    input: svc(),
    path: ['spec', 'deploymentConfiguration', 'deploymentCircuitBreaker', 'rollback'],
    expected: false,
    other: true,
  },
  {
    name: 'circuit breaker in a given deploymentConfiguration',
    schema: Service,
    input: svc({ deploymentConfiguration: { maximumPercent: 150 } }),
    path: ['spec', 'deploymentConfiguration', 'deploymentCircuitBreaker', 'enable'],
    expected: false,
    other: true,
  },
  ...(['runningCount', 'pendingCount', 'desiredCount'] as const).map((f): Row => ({
    name: `service status ${f}`,
    schema: Service,
    input: svc({}, {}),
    path: ['status', f],
    expected: 0,
    other: 3,
  })),
  { name: 'service deployments', schema: Service, input: svc({}, {}), path: ['status', 'deployments'], expected: [], other: [] },
  { name: 'service events', schema: Service, input: svc({}, {}), path: ['status', 'events'], expected: [], other: [] },
  ...(['desiredCount', 'pendingCount', 'runningCount', 'failedTasks'] as const).map((f): Row => ({
    name: `deployment ${f}`,
    schema: Service,
    input: svc({}, { deployments: [deployment] }),
    path: ['status', 'deployments', 0, f],
    expected: 0,
    other: 2,
  })),
  {
    name: 'deployment rolloutState',
    schema: Service,
    input: svc({}, { deployments: [deployment] }),
    path: ['status', 'deployments', 0, 'rolloutState'],
    expected: 'IN_PROGRESS',
    other: 'COMPLETED',
  },
];

describe('defaults', () => {
  it.each(rows)('$name: $expected when absent', ({ schema, input, path, expected }) => {
    expect(get(input, path)).toBeUndefined();
    expect(get(schema.parse(input), path)).toEqual(expected);
  });

  it.each(rows)('$name: a given value is kept', ({ schema, input, path, other }) => {
    expect(get(schema.parse(set(input, path, other)), path)).toEqual(other);
  });
});
