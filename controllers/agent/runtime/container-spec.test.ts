import { describe, expect, it } from 'vitest';
import { Task } from '../../../api/v1/task.js';
import { TaskDefinition } from '../../../api/v1/task-definition.js';
import { rawContainer, rawTaskDefinition } from '../../../api/v1/testing.js';
import { dynamicPortMappings, needsTaskNetwork, toContainerSpec, type ContainerSpecInput } from './container-spec.js';
import { ContainerSpecError } from './errors.js';
import { DOCKER_NAME_PATTERN } from './names.js';
import type { ContainerSpec } from './types.js';

type Plain = Record<string, unknown>;
const MiB = 1024 * 1024;
const UID = '0123abcd-4567-89ef-0123-456789abcdef';
const INSTALLATION = 'fedcba98-7654-3210-fedc-ba9876543210';

interface Case {
  container?: Plain;
  /** Other containers of the task definition. */
  others?: Plain[];
  td?: Plain;
  task?: Plain;
  metadata?: Plain;
  input?: Partial<ContainerSpecInput>;
}

function inputFor({ container = {}, others = [], td = {}, task = {}, metadata = {}, input = {} }: Case): ContainerSpecInput {
  const taskDefinition = TaskDefinition.parse(rawTaskDefinition({ containerDefinitions: [rawContainer('app', container), ...others], ...td }));
  const parsedTask = Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name: 'task-1', cluster: 'prod', uid: UID, ...metadata },
    spec: { taskDefinition: 'web:3', containerInstance: 'i-1', ...task },
  });
  const containerDefinition = taskDefinition.spec.containerDefinitions[0];
  if (!containerDefinition) throw new Error('fixture has no container');
  return { task: parsedTask, taskDefinition, containerDefinition, instance: 'i-1', installation: INSTALLATION, ...input };
}

const build = (c: Case): ContainerSpec => toContainerSpec(inputFor(c));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const hc = (s: ContainerSpec) => s.HostConfig ?? {};

describe('toContainerSpec', () => {
  it.each<[string, Case, (s: ContainerSpec) => unknown, unknown]>([
    ['name is berth-<cluster>-<task short id>-<container>', {}, (s) => s.name, 'berth-prod-0123abcd4567-app'],
    ['name replaces characters Docker refuses', { metadata: { cluster: 'team:a' } }, (s) => s.name, 'berth-team-a-0123abcd4567-app'],
    ['name falls back to the task name without a uid', { metadata: { uid: undefined } }, (s) => s.name, 'berth-prod-task-1-app'],
    ['explicit cluster wins over the task’s', { input: { cluster: 'other' } }, (s) => s.name, 'berth-other-0123abcd4567-app'],
    ['image', { container: { image: 'nginx:1.27' } }, (s) => s.Image, 'nginx:1.27'],
    ['command', { container: { command: ['sh', '-c', 'echo hi'] } }, (s) => s.Cmd, ['sh', '-c', 'echo hi']],
    ['command absent keeps the image’s', {}, (s) => s.Cmd, undefined],
    [
      'command override replaces it',
      { container: { command: ['a'] }, task: { overrides: { containerOverrides: [{ name: 'app', command: ['b'] }] } } },
      (s) => s.Cmd,
      ['b'],
    ],
    ['entryPoint', { container: { entryPoint: ['/bin/sh', '-c'] } }, (s) => s.Entrypoint, ['/bin/sh', '-c']],
    ['workingDirectory', { container: { workingDirectory: '/srv' } }, (s) => s.WorkingDir, '/srv'],
    ['user', { container: { user: '1000:1000' } }, (s) => s.User, '1000:1000'],
    [
      'environment',
      {
        container: {
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '' },
          ],
        },
      },
      (s) => s.Env,
      ['A=1', 'B='],
    ],
    [
      'override environment replaces a name in place and adds new ones',
      {
        container: {
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
        task: {
          overrides: {
            containerOverrides: [
              {
                name: 'app',
                environment: [
                  { name: 'A', value: 'x' },
                  { name: 'C', value: '3' },
                ],
              },
            ],
          },
        },
      },
      (s) => s.Env,
      ['A=x', 'B=2', 'C=3'],
    ],
    [
      'an explicit overrides argument wins over the task’s',
      {
        task: { overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'A', value: 'task' }] }] } },
        input: { overrides: { name: 'app', environment: [{ name: 'A', value: 'arg' }] } },
      },
      (s) => s.Env,
      ['A=arg'],
    ],
    [
      'secrets become environment variables with their resolved values',
      {
        container: { environment: [{ name: 'A', value: '1' }], secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/db-password' }] },
        input: { secrets: { DB_PASSWORD: 's3cret' } },
      },
      (s) => s.Env,
      ['A=1', 'DB_PASSWORD=s3cret'],
    ],
    ['cpu absent → the minimum 2 shares', { container: { cpu: undefined } }, (s) => hc(s).CpuShares, 2],
    ['cpu 0 → 2 shares, as ECS', { container: { cpu: 0 } }, (s) => hc(s).CpuShares, 2],
    ['cpu 512 → 512 shares', { container: { cpu: 512 } }, (s) => hc(s).CpuShares, 512],
    ['cpu override', { container: { cpu: 512 }, task: { overrides: { containerOverrides: [{ name: 'app', cpu: 256 }] } } }, (s) => hc(s).CpuShares, 256],
    ['memory is the hard limit in bytes', { container: { memory: 128 } }, (s) => hc(s).Memory, 128 * MiB],
    ['no memory, no hard limit', { container: { memory: undefined, memoryReservation: 64 } }, (s) => hc(s).Memory, undefined],
    ['memoryReservation', { container: { memory: 128, memoryReservation: 64 } }, (s) => hc(s).MemoryReservation, 64 * MiB],
    [
      'memory override',
      { container: { memory: 128 }, task: { overrides: { containerOverrides: [{ name: 'app', memory: 256 }] } } },
      (s) => hc(s).Memory,
      256 * MiB,
    ],
    [
      'ulimits',
      { container: { ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }] } },
      (s) => hc(s).Ulimits,
      [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
    ],
    ['static port: exposed', { container: { portMappings: [{ containerPort: 80, hostPort: 8080 }] } }, (s) => s.ExposedPorts, { '80/tcp': {} }],
    [
      'static port: bound to its host port',
      { container: { portMappings: [{ containerPort: 80, hostPort: 8080 }] } },
      (s) => hc(s).PortBindings,
      { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
    ],
    [
      'dynamic port: bound to the host port the agent chose',
      {
        container: { portMappings: [{ containerPort: 80 }, { containerPort: 53, hostPort: 0, protocol: 'udp' }] },
        input: { hostPorts: { '80/tcp': 49200, '53/udp': 49201 } },
      },
      (s) => hc(s).PortBindings,
      { '80/tcp': [{ HostIp: '', HostPort: '49200' }], '53/udp': [{ HostIp: '', HostPort: '49201' }] },
    ],
    [
      'awsvpc: joins the sandbox’s network namespace',
      { td: { networkMode: 'awsvpc' }, input: { sandbox: 'berth-prod-0123abcd4567.sandbox' } },
      (s) => hc(s).NetworkMode,
      'container:berth-prod-0123abcd4567.sandbox',
    ],
    [
      'awsvpc: ports are the sandbox’s to publish',
      { td: { networkMode: 'awsvpc' }, container: { portMappings: [{ containerPort: 80 }] }, input: { sandbox: 'sb' } },
      (s) => [hc(s).PortBindings, s.ExposedPorts],
      [undefined, undefined],
    ],
    [
      'awsvpc: DNS belongs to the sandbox',
      { td: { networkMode: 'awsvpc' }, container: { dnsServers: ['10.0.0.2'] }, input: { sandbox: 'sb' } },
      (s) => hc(s).Dns,
      undefined,
    ],
    [
      'awslogs runs on the local driver',
      { container: { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } } } },
      (s) => hc(s).LogConfig,
      { Type: 'json-file', Config: {} },
    ],
    [
      'awslogs keeps its options in a label',
      { container: { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } } } },
      (s) => JSON.parse(s.Labels?.['berth.log-configuration'] ?? '{}'),
      { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } },
    ],
    [
      'awsfirelens runs on the instance’s local driver',
      { container: { logConfiguration: { logDriver: 'awsfirelens' } }, input: { logDrivers: { local: 'local' } } },
      (s) => hc(s).LogConfig?.Type,
      'local',
    ],
    [
      'a driver the engine lacks runs on the local driver',
      { container: { logConfiguration: { logDriver: 'gelf' } }, input: { logDrivers: { local: 'json-file', available: ['json-file', 'local'] } } },
      (s) => hc(s).LogConfig?.Type,
      'json-file',
    ],
    [
      'a driver the engine has runs as asked',
      {
        container: { logConfiguration: { logDriver: 'syslog', options: { tag: 'x' } } },
        input: { logDrivers: { local: 'json-file', available: ['syslog', 'json-file'] } },
      },
      (s) => [hc(s).LogConfig, s.Labels?.['berth.log-configuration']],
      [{ Type: 'syslog', Config: { tag: 'x' } }, undefined],
    ],
    [
      'none is always there',
      { container: { logConfiguration: { logDriver: 'none' } }, input: { logDrivers: { local: 'json-file', available: ['json-file'] } } },
      (s) => hc(s).LogConfig?.Type,
      'none',
    ],
    [
      'a task cgroup holds the task’s limits: the container keeps only its own',
      { td: { cpu: '512', memory: '1024' }, container: { memory: undefined }, input: { cgroupParent: '/berth/x' } },
      (s) => [hc(s).CgroupParent, hc(s).Memory, hc(s).NanoCpus],
      ['/berth/x', undefined, undefined],
    ],
    [
      'without a task cgroup a container without memory gets the task’s',
      { td: { cpu: '512', memory: '1024' }, container: { memory: undefined } },
      (s) => [hc(s).CgroupParent, hc(s).Memory, hc(s).NanoCpus],
      [undefined, 1024 * MiB, undefined],
    ],
    ['without a task cgroup a container’s own memory wins', { td: { memory: '1024' }, container: { memory: 256 } }, (s) => hc(s).Memory, 256 * MiB],
    [
      'the task’s overrides are the task’s limits',
      { td: { memory: '1024' }, container: { memory: undefined }, task: { overrides: { memory: 2048 } } },
      (s) => hc(s).Memory,
      2048 * MiB,
    ],
    ['memoryReservation is the soft limit', { container: { memory: undefined, memoryReservation: 128 } }, (s) => hc(s).MemoryReservation, 128 * MiB],
    [
      'GPUs become a device request',
      { container: { resourceRequirements: [{ type: 'GPU', value: '2' }] } },
      (s) => hc(s).DeviceRequests,
      [{ Driver: '', Count: 2, Capabilities: [['gpu']] }],
    ],
    [
      'systemControls → Sysctls',
      { container: { systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }] } },
      (s) => hc(s).Sysctls,
      { 'net.core.somaxconn': '1024' },
    ],
    [
      'awsvpc: network sysctls are the sandbox’s, the others the container’s',
      {
        td: { networkMode: 'awsvpc' },
        container: {
          systemControls: [
            { namespace: 'net.core.somaxconn', value: '1024' },
            { namespace: 'kernel.msgmax', value: '65536' },
          ],
        },
        input: { sandbox: 'sb' },
      },
      (s) => hc(s).Sysctls,
      { 'kernel.msgmax': '65536' },
    ],
    ['dockerSecurityOptions → SecurityOpt', { container: { dockerSecurityOptions: ['no-new-privileges'] } }, (s) => hc(s).SecurityOpt, ['no-new-privileges']],
    [
      'host mode publishes nothing',
      { td: { networkMode: 'host' }, container: { portMappings: [{ containerPort: 80 }] } },
      (s) => hc(s).PortBindings,
      undefined,
    ],
    ['networkMode bridge', {}, (s) => hc(s).NetworkMode, 'bridge'],
    ['networkMode host', { td: { networkMode: 'host' } }, (s) => hc(s).NetworkMode, 'host'],
    ['networkMode none', { td: { networkMode: 'none' } }, (s) => hc(s).NetworkMode, 'none'],
    ['a task network replaces the default bridge', { input: { networkName: 'berth-prod-net' } }, (s) => hc(s).NetworkMode, 'berth-prod-net'],
    [
      'links: the target answers to its name and every link alias on the task network',
      { others: [rawContainer('web', { links: ['app:database'] }), rawContainer('worker', { links: ['app'] })], input: { networkName: 'n1' } },
      (s) => s.NetworkingConfig,
      { EndpointsConfig: { n1: { Aliases: ['app', 'database'] } } },
    ],
    [
      'host sourcePath volume → bind mount, read-only when asked',
      {
        td: { volumes: [{ name: 'logs', host: { sourcePath: '/var/log/app' } }] },
        container: { mountPoints: [{ sourceVolume: 'logs', containerPath: '/logs', readOnly: true }] },
      },
      (s) => hc(s).Binds,
      ['/var/log/app:/logs:ro'],
    ],
    [
      'shared docker volume → that volume by its own name',
      {
        td: { volumes: [{ name: 'cache', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } }] },
        container: { mountPoints: [{ sourceVolume: 'cache', containerPath: '/cache' }] },
      },
      (s) => hc(s).Mounts?.map((m) => [m.Type, m.Source, m.Target, m.ReadOnly, m.VolumeOptions?.DriverConfig.Name]),
      [['volume', 'cache', '/cache', false, 'local']],
    ],
    [
      'task-scoped docker volume → a name and labels of this task',
      {
        td: { volumes: [{ name: 'scratch', dockerVolumeConfiguration: { scope: 'task', driverOpts: { type: 'tmpfs' } } }] },
        container: { mountPoints: [{ sourceVolume: 'scratch', containerPath: '/tmp/s' }] },
      },
      (s) =>
        hc(s).Mounts?.map((m) => [
          m.Source,
          m.VolumeOptions?.Labels['berth.task'],
          m.VolumeOptions?.Labels['berth.volume'],
          m.VolumeOptions?.Labels['berth.installation'],
          m.VolumeOptions?.DriverConfig.Options,
        ]),
      [['berth-prod-0123abcd4567-vol-scratch', 'task-1', 'scratch', INSTALLATION, { type: 'tmpfs' }]],
    ],
    [
      'a volume with neither → a task-scoped volume',
      { td: { volumes: [{ name: 'data' }] }, container: { mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] } },
      (s) => hc(s).Mounts?.map((m) => [m.Type, m.Source]),
      [['volume', 'berth-prod-0123abcd4567-vol-data']],
    ],
    [
      'volumesFrom names the other container of this task',
      { others: [rawContainer('side')], container: { volumesFrom: [{ sourceContainer: 'side', readOnly: true }] } },
      (s) => hc(s).VolumesFrom,
      ['berth-prod-0123abcd4567-side:ro'],
    ],
    [
      'logConfiguration',
      { container: { logConfiguration: { logDriver: 'json-file', options: { 'max-size': '10m' } } } },
      (s) => hc(s).LogConfig,
      { Type: 'json-file', Config: { 'max-size': '10m' } },
    ],
    [
      'healthCheck CMD-SHELL with seconds as nanoseconds',
      {
        container: { healthCheck: { command: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1/ || exit 1'], interval: 10, timeout: 3, retries: 2, startPeriod: 5 } },
      },
      (s) => s.Healthcheck,
      { Test: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1/ || exit 1'], Interval: 10e9, Timeout: 3e9, Retries: 2, StartPeriod: 5e9 },
    ],
    [
      'healthCheck CMD with ECS defaults and no start period',
      { container: { healthCheck: { command: ['CMD', 'true'] } } },
      (s) => s.Healthcheck,
      { Test: ['CMD', 'true'], Interval: 30e9, Timeout: 5e9, Retries: 3 },
    ],
    ['stopTimeout', { container: { stopTimeout: 5 } }, (s) => s.StopTimeout, 5],
    ['stopTimeout absent → the agent default', {}, (s) => s.StopTimeout, 30],
    ['initProcessEnabled → Init', { container: { linuxParameters: { initProcessEnabled: true } } }, (s) => hc(s).Init, true],
    ['no linuxParameters, no Init', {}, (s) => hc(s).Init, undefined],
    [
      'maxSwap adds to the memory limit',
      { container: { memory: 64, linuxParameters: { maxSwap: 32, swappiness: 10 } } },
      (s) => [hc(s).MemorySwap, hc(s).MemorySwappiness],
      [96 * MiB, 10],
    ],
    [
      'capabilities',
      { container: { linuxParameters: { capabilities: { add: ['NET_ADMIN'], drop: ['MKNOD'] } } } },
      (s) => [hc(s).CapAdd, hc(s).CapDrop],
      [['NET_ADMIN'], ['MKNOD']],
    ],
    [
      'tmpfs size in MiB',
      { container: { linuxParameters: { tmpfs: [{ containerPath: '/run', size: 64, mountOptions: ['noexec'] }] } } },
      (s) => hc(s).Tmpfs,
      { '/run': 'size=64m,noexec' },
    ],
    ['hostname', { container: { hostname: 'app-1' } }, (s) => s.Hostname, 'app-1'],
    ['extraHosts', { container: { extraHosts: [{ hostname: 'db.local', ipAddress: '10.0.0.5' }] } }, (s) => hc(s).ExtraHosts, ['db.local:10.0.0.5']],
    ['dnsServers', { container: { dnsServers: ['1.1.1.1'] } }, (s) => hc(s).Dns, ['1.1.1.1']],
    ["the agent's DNS server, for a container naming none", { input: { resolver: '10.9.0.1' } }, (s) => hc(s).Dns, ['10.9.0.1']],
    ['dnsServers win over the agent’s DNS server', { container: { dnsServers: ['1.1.1.1'] }, input: { resolver: '10.9.0.1' } }, (s) => hc(s).Dns, ['1.1.1.1']],
    ['host mode keeps the host’s resolvers', { td: { networkMode: 'host' }, input: { resolver: '10.9.0.1' } }, (s) => hc(s).Dns, undefined],
    ['privileged', { container: { privileged: true } }, (s) => hc(s).Privileged, true],
    ['readonlyRootFilesystem', { container: { readonlyRootFilesystem: true } }, (s) => hc(s).ReadonlyRootfs, true],
    [
      'systemControls → Sysctls',
      { container: { systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }] } },
      (s) => hc(s).Sysctls,
      { 'net.core.somaxconn': '1024' },
    ],
    ['pidMode host', { td: { pidMode: 'host' } }, (s) => hc(s).PidMode, 'host'],
    ['pidMode task: the sandbox’s PID namespace', { td: { pidMode: 'task' }, input: { sandbox: 'sb' } }, (s) => hc(s).PidMode, 'container:sb'],
    ['ipcMode task: the sandbox’s IPC namespace', { td: { ipcMode: 'task' }, input: { sandbox: 'sb' } }, (s) => hc(s).IpcMode, 'container:sb'],
    ['ipcMode none', { td: { ipcMode: 'none' } }, (s) => hc(s).IpcMode, 'none'],
    ['pidMode task in bridge mode keeps the container’s network', { td: { pidMode: 'task' }, input: { sandbox: 'sb' } }, (s) => hc(s).NetworkMode, 'bridge'],
  ])('%s', (_name, c, pick, expected) => {
    expect(pick(build(c))).toEqual(expected);
  });

  it('labels tie the container to its installation, task, container, instance, cluster and revision; dockerLabels cannot override them', () => {
    const s = build({ container: { dockerLabels: { team: 'a', 'berth.task': 'someone-else', 'berth.installation': 'another' } } });
    expect(s.Labels).toEqual({
      team: 'a',
      'berth.task': 'task-1',
      'berth.task-uid': UID,
      'berth.container': 'app',
      'berth.instance': 'i-1',
      'berth.cluster': 'prod',
      'berth.installation': INSTALLATION,
      'berth.task-definition': 'web:3',
    });
  });

  it.each<[string, Case, string]>([
    ['a dynamic port without a chosen host port', { container: { portMappings: [{ containerPort: 80 }] } }, 'portMappings 80/tcp'],
    ['a secret without a resolved value', { container: { secrets: [{ name: 'TOKEN', valueFrom: 'ssm:x' }] } }, 'secrets[0]'],
    ['links without a task network', { container: { links: ['side'] }, others: [rawContainer('side')] }, 'links'],
    ['an awsvpc container without its sandbox', { td: { networkMode: 'awsvpc' } }, 'networkMode'],
    ['pidMode task without the sandbox', { td: { pidMode: 'task' } }, 'pidMode'],
    ['ipcMode task without the sandbox', { td: { ipcMode: 'task' } }, 'ipcMode'],
  ])('refuses %s, naming the field', (_name, c, field) => {
    let caught: unknown;
    try {
      build(c);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ContainerSpecError);
    expect(caught).toMatchObject({ name: 'ContainerSpec', field, retriable: false });
  });

  it.each(['prod', 'a.b_c-d', 'x:y:z', 'Upper'])('cluster %s gives a valid Docker name', (cluster) => {
    expect(build({ metadata: { cluster } }).name).toMatch(DOCKER_NAME_PATTERN);
  });

  it('is deterministic and never writes to its input (frozen here, so a write would throw)', () => {
    const input = deepFreeze(
      inputFor({
        container: {
          environment: [{ name: 'A', value: '1' }],
          command: ['x'],
          portMappings: [{ containerPort: 80 }],
          healthCheck: { command: ['CMD', 'true'] },
        },
        td: { volumes: [{ name: 'd' }] },
        input: { hostPorts: { '80/tcp': 50000 } },
      }),
    );
    const first = toContainerSpec(input);
    first.Cmd?.push('mutated by a caller');
    expect(toContainerSpec(input).Cmd).toEqual(['x']);
  });
});

describe('planning helpers', () => {
  const td = (networkMode: string, containers: Plain[]) => TaskDefinition.parse(rawTaskDefinition({ networkMode, containerDefinitions: containers })).spec;

  it.each<[string, string, Plain[], boolean]>([
    ['bridge with links', 'bridge', [rawContainer('a'), rawContainer('b', { links: ['a'] })], true],
    ['bridge without links', 'bridge', [rawContainer('a'), rawContainer('b')], false],
    ['host mode', 'host', [rawContainer('a')], false],
  ])('needsTaskNetwork: %s → %s', (_name, mode, containers, expected) => {
    expect(needsTaskNetwork(td(mode, containers))).toBe(expected);
  });

  it.each<[string, string, Plain[], unknown]>([
    [
      'bridge: absent and 0 are dynamic, a fixed port is not',
      'bridge',
      [{ containerPort: 80 }, { containerPort: 81, hostPort: 0, protocol: 'udp' }, { containerPort: 82, hostPort: 8082 }],
      [
        { containerPort: 80, protocol: 'tcp' },
        { containerPort: 81, protocol: 'udp' },
      ],
    ],
    ['host: never dynamic', 'host', [{ containerPort: 80 }], []],
    ['awsvpc: never dynamic', 'awsvpc', [{ containerPort: 80 }], []],
  ])('dynamicPortMappings: %s', (_name, mode, portMappings, expected) => {
    const spec = td(mode, [rawContainer('a', { portMappings })]);
    const c = spec.containerDefinitions[0];
    expect(c && dynamicPortMappings(c, spec.networkMode)).toEqual(expected);
  });
});
