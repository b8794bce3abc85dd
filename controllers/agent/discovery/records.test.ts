import { describe, expect, it } from 'vitest';
import { Service } from '../../../api/v1/service.js';
import { ServiceRegistry } from '../../../api/v1/service-registry.js';
import { Task } from '../../../api/v1/task.js';
import { buildRecords, isAnswering, lookup, targetLabel, taskEndpoint } from './records.js';

type Plain = Record<string, unknown>;

function service(name: string, serviceRegistries: Plain[] | undefined, cluster = 'shop') {
  return Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name, cluster },
    spec: { taskDefinition: name, ...(serviceRegistries ? { serviceRegistries } : {}) },
  });
}

const bridge = (hostPort: number, containerPort = 80, container = 'web') => ({
  containers: [{ name: container, lastStatus: 'RUNNING', networkBindings: [{ containerPort, hostPort }] }],
  discovery: { hostAddress: '10.0.0.1', healthChecked: false },
});
const awsvpc = (ip: string) => ({
  attachments: [{ id: 'a', type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'privateIPv4Address', value: ip }] }],
});

function task(name: string, group: string, status: Plain, desiredStatus = 'RUNNING') {
  return Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, cluster: 'shop' },
    spec: { taskDefinition: 'web:1', group, desiredStatus },
    status: { lastStatus: 'RUNNING', ...status },
  });
}

describe('isAnswering', () => {
  it.each([
    ['running, no health check', { lastStatus: 'RUNNING' }, 'RUNNING', true],
    ['running, no health check, unknown health', { lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', discovery: { healthChecked: false } }, 'RUNNING', true],
    ['health-checked, not yet healthy', { lastStatus: 'RUNNING', healthStatus: 'UNKNOWN', discovery: { healthChecked: true } }, 'RUNNING', false],
    ['health-checked and healthy', { lastStatus: 'RUNNING', healthStatus: 'HEALTHY', discovery: { healthChecked: true } }, 'RUNNING', true],
    ['unhealthy', { lastStatus: 'RUNNING', healthStatus: 'UNHEALTHY', discovery: { healthChecked: true } }, 'RUNNING', false],
    ['still pending', { lastStatus: 'PENDING' }, 'RUNNING', false],
    ['asked to stop, still running', { lastStatus: 'RUNNING' }, 'STOPPED', false],
    ['stopped', { lastStatus: 'STOPPED' }, 'STOPPED', false],
  ])('%s', (_what, status, desired, expected) => {
    expect(isAnswering(task('t', 'service:web', status, desired))).toBe(expected);
  });
});

describe('taskEndpoint', () => {
  const reg = (r: Plain) => ServiceRegistry.parse(r);
  it.each([
    [
      'bridge: host address and the published port of containerName/containerPort',
      bridge(32768),
      { containerName: 'web', containerPort: 80 },
      { address: '10.0.0.1', port: 32768 },
    ],
    ['bridge: the first tcp binding when the registry names none', bridge(32769), {}, { address: '10.0.0.1', port: 32769 }],
    [
      'bridge: another container named: no binding, its container port',
      bridge(32769),
      { containerName: 'side', containerPort: 9000 },
      { address: '10.0.0.1', port: 9000 },
    ],
    ['awsvpc: its own address, port from the registry', awsvpc('172.17.0.9'), { port: 8080 }, { address: '172.17.0.9', port: 8080 }],
    ['awsvpc: its own address, containerPort', awsvpc('172.17.0.9'), { containerName: 'web', containerPort: 80 }, { address: '172.17.0.9', port: 80 }],
    ['awsvpc without a port: A only', awsvpc('172.17.0.9'), {}, { address: '172.17.0.9' }],
    ['no address known (an agent without a host address)', { containers: [] }, {}, undefined],
  ])('%s', (_what, status, registry, expected) => {
    expect(taskEndpoint(task('t', 'service:web', status), reg(registry))).toEqual(expected);
  });
});

describe('buildRecords and lookup', () => {
  const web = service('web', [{ containerName: 'web', containerPort: 80 }]);
  const tasks = [
    task('web-bbb', 'service:web', bridge(32001)),
    task('web-aaa', 'service:web', { ...bridge(32000), discovery: { hostAddress: '10.0.0.2', healthChecked: false } }),
    task('web-sick', 'service:web', { ...bridge(32002), healthStatus: 'UNHEALTHY' }),
    task('web-gone', 'service:web', bridge(32003), 'STOPPED'),
    task('api-1', 'service:api', awsvpc('172.17.0.5')),
  ];
  const records = buildRecords(
    [web, service('api', [{ registryArn: 'arn:aws:servicediscovery:us-east-1:1:service/api.corp.internal', port: 8080 }]), service('plain', undefined)],
    tasks,
  );

  it.each([
    ['web.shop.berth.internal', 'A', { kind: 'answer', a: ['10.0.0.2', '10.0.0.1'], srv: [] }],
    [
      'WEB.shop.berth.internal.',
      'SRV',
      {
        kind: 'answer',
        a: [],
        srv: [
          { port: 32000, target: 'web-aaa.web.shop.berth.internal' },
          { port: 32001, target: 'web-bbb.web.shop.berth.internal' },
        ],
      },
    ],
    ['web-bbb.web.shop.berth.internal', 'A', { kind: 'answer', a: ['10.0.0.1'], srv: [] }],
    ['web.shop.berth.internal', 'AAAA', { kind: 'answer', a: [], srv: [] }],
    ['api.corp.internal', 'A', { kind: 'answer', a: ['172.17.0.5'], srv: [] }],
    ['api.corp.internal', 'SRV', { kind: 'answer', a: [], srv: [{ port: 8080, target: 'api-1.api.corp.internal' }] }],
    ['shop.berth.internal', 'A', { kind: 'answer', a: [], srv: [] }],
    ['plain.shop.berth.internal', 'A', { kind: 'nxdomain', zone: 'shop.berth.internal' }],
    ['nothing.corp.internal', 'A', { kind: 'nxdomain', zone: 'corp.internal' }],
    ['example.com', 'A', { kind: 'foreign' }],
    ['internal', 'A', { kind: 'foreign' }],
  ])('%s %s', (name, type, expected) => {
    expect(lookup(records, name, type)).toEqual(expected);
  });

  it('keeps a service with no healthy task as an existing name with no answers', () => {
    const empty = buildRecords([web], [task('web-sick', 'service:web', { ...bridge(1), healthStatus: 'UNHEALTHY' })]);
    expect(lookup(empty, 'web.shop.berth.internal', 'A')).toEqual({ kind: 'answer', a: [], srv: [] });
  });

  it('reports a service whose cluster name is no DNS name, and answers the others', () => {
    const odd = buildRecords([service('web', [{}], 'a:b'), web], tasks);
    expect(odd.problems).toEqual([{ service: 'web', message: expect.stringContaining('set serviceRegistries[0].registryArn') }]);
    expect(odd.names.has('web.shop.berth.internal')).toBe(true);
  });
});

describe('ServiceRegistry', () => {
  it.each([
    [{}, true],
    [{ registryArn: 'web.shop.internal' }, true],
    [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/web.shop.internal', port: 80 }, true],
    [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-utcrh6wavdkggqtk' }, false],
    [{ registryArn: 'not a name' }, false],
    [{ containerName: 'web' }, false],
    [{ port: 80, containerName: 'web', containerPort: 80 }, false],
  ])('%j valid: %s', (registry, ok) => {
    expect(ServiceRegistry.safeParse(registry).success).toBe(ok);
  });

  it('allows one registry per service, as ECS', () => {
    expect(
      Service.safeParse({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'w' }, spec: { taskDefinition: 'w', serviceRegistries: [{}, {}] } })
        .success,
    ).toBe(false);
  });
});

describe('targetLabel', () => {
  it.each([
    ['web-3f9c2a81d04e', 'web-3f9c2a81d04e'],
    ['Web_1', 'web_1'],
    ['x'.repeat(64), expect.stringMatching(/^[0-9a-f]{32}$/)],
    ['a.b', expect.stringMatching(/^[0-9a-f]{32}$/)],
  ])('%s', (name, expected) => {
    expect(targetLabel(name)).toEqual(expected);
  });
});
