/**
 * The cross-field rules of a task definition: each valid and invalid, with the issue's exact path.
 */
import { describe, expect, it } from 'vitest';
import { validateObject } from './index.js';
import { rawContainer as c, rawTaskDefinition } from './testing.js';

type Spec = Record<string, unknown>;
const hc = { command: ['CMD-SHELL', 'true'] };
const noMem = { memory: undefined };

const valid: [string, Spec][] = [
  ['one essential among non-essential', { containerDefinitions: [c('a', { essential: false }), c('b')] }],
  ['link by name and by name:alias', { containerDefinitions: [c('web', { links: ['db', 'cache:redis'] }), c('db'), c('cache')] }],
  [
    'dependsOn a chain',
    {
      containerDefinitions: [
        c('a', { dependsOn: [{ containerName: 'b', condition: 'START' }] }),
        c('b', { dependsOn: [{ containerName: 'c', condition: 'START' }] }),
        c('c'),
      ],
    },
  ],
  ['diamond is not a cycle', { containerDefinitions: [c('a', { links: ['b', 'c'] }), c('b', { links: ['d'] }), c('c', { links: ['d'] }), c('d')] }],
  [
    'HEALTHY on a container with a healthCheck',
    { containerDefinitions: [c('a', { dependsOn: [{ containerName: 'b', condition: 'HEALTHY' }] }), c('b', { healthCheck: hc })] },
  ],
  [
    'SUCCESS on a non-essential container',
    { containerDefinitions: [c('a', { dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }), c('init', { essential: false })] },
  ],
  ['memoryReservation only', { containerDefinitions: [c('a', { ...noMem, memoryReservation: 64 })] }],
  ['memoryReservation equal to memory', { containerDefinitions: [c('a', { memory: 64, memoryReservation: 64 })] }],
  ['task memory instead of container memory', { memory: '256', containerDefinitions: [c('a', noMem)] }],
  ['container reservations within task memory', { memory: 100, containerDefinitions: [c('a', { memory: 60 }), c('b', { memory: 80, memoryReservation: 40 })] }],
  ['container cpu within task cpu', { cpu: '0.25 vcpu', containerDefinitions: [c('a', { cpu: 128 }), c('b', { cpu: 128 })] }],
  [
    'same host port, different protocols',
    {
      containerDefinitions: [
        c('a', {
          portMappings: [
            { containerPort: 53, hostPort: 53, protocol: 'udp' },
            { containerPort: 53, hostPort: 53 },
          ],
        }),
      ],
    },
  ],
  [
    'many dynamic host ports',
    {
      containerDefinitions: [
        c('a', { portMappings: [{ containerPort: 80 }, { containerPort: 80, hostPort: 0 }] }),
        c('b', { portMappings: [{ containerPort: 80 }] }),
      ],
    },
  ],
  [
    'host mode with equal or absent hostPort',
    { networkMode: 'host', containerDefinitions: [c('a', { portMappings: [{ containerPort: 80, hostPort: 80 }, { containerPort: 81 }] })] },
  ],
  [
    'mountPoints naming declared volumes',
    {
      volumes: [{ name: 'data', host: { sourcePath: '/srv' } }, { name: 'scratch' }],
      containerDefinitions: [
        c('a', {
          mountPoints: [
            { sourceVolume: 'data', containerPath: '/d' },
            { sourceVolume: 'scratch', containerPath: '/s' },
          ],
        }),
      ],
    },
  ],
  [
    'shared docker volume with autoprovision',
    { volumes: [{ name: 'v', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } }] },
  ],
];

interface Invalid {
  name: string;
  spec: Spec;
  path: (string | number)[];
  message: RegExp;
}
const CD = 'containerDefinitions';
const invalid: Invalid[] = [
  { name: 'no containers', spec: { [CD]: [] }, path: [CD], message: /at least one container/ },
  {
    name: 'no essential container',
    spec: { [CD]: [c('a', { essential: false }), c('b', { essential: false })] },
    path: [CD],
    message: /at least one container must be essential/,
  },
  {
    name: 'duplicate container name',
    spec: { [CD]: [c('a'), c('b'), c('a')] },
    path: [CD, 2, 'name'],
    message: /duplicate container name "a" \(first used at index 0\)/,
  },
  {
    name: 'link to a missing container',
    spec: { [CD]: [c('web', { links: ['db:database'] })] },
    path: [CD, 0, 'links', 0],
    message: /no container named "db"/,
  },
  { name: 'link to itself', spec: { [CD]: [c('web', { links: ['web'] })] }, path: [CD, 0, 'links', 0], message: /cannot refer to itself/ },
  {
    name: 'dependsOn a missing container',
    spec: { [CD]: [c('a', { dependsOn: [{ containerName: 'b', condition: 'START' }] })] },
    path: [CD, 0, 'dependsOn', 0, 'containerName'],
    message: /no container named "b"/,
  },
  {
    name: 'dependsOn itself',
    spec: { [CD]: [c('a', { dependsOn: [{ containerName: 'a', condition: 'START' }] })] },
    path: [CD, 0, 'dependsOn', 0, 'containerName'],
    message: /cannot refer to itself/,
  },
  {
    name: 'volumesFrom a missing container',
    spec: { [CD]: [c('a', { volumesFrom: [{ sourceContainer: 'z' }] })] },
    path: [CD, 0, 'volumesFrom', 0, 'sourceContainer'],
    message: /no container named "z"/,
  },
  {
    name: 'two-container cycle of links',
    spec: { [CD]: [c('a', { links: ['b'] }), c('b', { links: ['a'] })] },
    path: [CD, 1, 'links', 0],
    message: /cycle: a -> b -> a/,
  },
  {
    name: 'three-container cycle across links, dependsOn and volumesFrom',
    spec: {
      [CD]: [
        c('a', { links: ['b'] }),
        c('b', { dependsOn: [{ containerName: 'c', condition: 'START' }] }),
        c('c', { volumesFrom: [{ sourceContainer: 'a' }] }),
      ],
    },
    path: [CD, 2, 'volumesFrom', 0, 'sourceContainer'],
    message: /cycle: a -> b -> c -> a/,
  },
  { name: 'no memory anywhere', spec: { [CD]: [c('a'), c('b', noMem)] }, path: [CD, 1, 'memory'], message: /container "b" needs memory or memoryReservation/ },
  {
    name: 'memoryReservation above memory',
    spec: { [CD]: [c('a', { memory: 64, memoryReservation: 65 })] },
    path: [CD, 0, 'memoryReservation'],
    message: /memoryReservation \(65 MiB\) must not exceed memory \(64 MiB\)/,
  },
  {
    name: 'container memory above task memory',
    spec: { memory: 64, [CD]: [c('a', { memory: 65, memoryReservation: 10 })] },
    path: [CD, 0, 'memory'],
    message: /exceeds the task's 64 MiB/,
  },
  {
    name: 'reservations above task memory',
    spec: { memory: 100, [CD]: [c('a', { memory: 60 }), c('b', { memory: 60 })] },
    path: ['memory'],
    message: /containers reserve 120 MiB, more than the task's 100 MiB/,
  },
  {
    name: 'container cpu above task cpu',
    spec: { cpu: '256', [CD]: [c('a', { cpu: 200 }), c('b', { cpu: 100 })] },
    path: ['cpu'],
    message: /containers reserve 300 cpu units, more than the task's 256/,
  },
  {
    name: 'duplicate host port in one task',
    spec: {
      [CD]: [
        c('a', { portMappings: [{ containerPort: 80, hostPort: 8080 }] }),
        c('b', { portMappings: [{ containerPort: 81, hostPort: 8080, protocol: 'tcp' }] }),
      ],
    },
    path: [CD, 1, 'portMappings', 0, 'hostPort'],
    message: /host port 8080\/tcp is already used by container "a"/,
  },
  {
    name: 'awsvpc: one port per task still, for its containers share one network namespace',
    spec: { networkMode: 'awsvpc', [CD]: [c('a', { portMappings: [{ containerPort: 80 }] }), c('b', { portMappings: [{ containerPort: 80 }] })] },
    path: [CD, 1, 'portMappings', 0, 'hostPort'],
    message: /port \(the task's containers share one network namespace\) 80\/tcp is already used by container "a"/,
  },
  {
    name: 'duplicate implicit host port in host mode',
    spec: { networkMode: 'host', [CD]: [c('a', { portMappings: [{ containerPort: 80 }] }), c('b', { portMappings: [{ containerPort: 80 }] })] },
    path: [CD, 1, 'portMappings', 0, 'hostPort'],
    message: /host port 80\/tcp is already used/,
  },
  {
    name: 'host mode with a different hostPort',
    spec: { networkMode: 'host', [CD]: [c('a', { portMappings: [{ containerPort: 80, hostPort: 8080 }] })] },
    path: [CD, 0, 'portMappings', 0, 'hostPort'],
    message: /networkMode "host" hostPort must equal containerPort \(80\)/,
  },
  {
    name: 'host mode with a dynamic hostPort',
    spec: { networkMode: 'host', [CD]: [c('a', { portMappings: [{ containerPort: 80, hostPort: 0 }] })] },
    path: [CD, 0, 'portMappings', 0, 'hostPort'],
    message: /must equal containerPort/,
  },
  {
    name: 'awsvpc mode with a different hostPort',
    spec: { networkMode: 'awsvpc', [CD]: [c('a', { portMappings: [{ containerPort: 8080, hostPort: 80 }] })] },
    path: [CD, 0, 'portMappings', 0, 'hostPort'],
    message: /networkMode "awsvpc" hostPort must equal/,
  },
  {
    name: 'port mappings with networkMode none',
    spec: { networkMode: 'none', [CD]: [c('a', { portMappings: [{ containerPort: 80 }] })] },
    path: [CD, 0, 'portMappings'],
    message: /networkMode "none" allows no port mappings/,
  },
  ...(['host', 'none', 'awsvpc'] as const).map((mode) => ({
    name: `links with networkMode ${mode}`,
    spec: { networkMode: mode, [CD]: [c('a', { links: ['b'] }), c('b')] },
    path: [CD, 0, 'links'],
    message: new RegExp(`links are not allowed with networkMode "${mode}"`),
  })),
  {
    name: 'mountPoint naming an undeclared volume',
    spec: { volumes: [{ name: 'data' }], [CD]: [c('a', { mountPoints: [{ sourceVolume: 'dat', containerPath: '/d' }] })] },
    path: [CD, 0, 'mountPoints', 0, 'sourceVolume'],
    message: /no volume named "dat" in volumes \(declared: data\)/,
  },
  { name: 'duplicate volume name', spec: { volumes: [{ name: 'v' }, { name: 'v' }] }, path: ['volumes', 1, 'name'], message: /duplicate volume name "v"/ },
  {
    name: 'volume both bind mount and docker volume',
    spec: { volumes: [{ name: 'v', host: {}, dockerVolumeConfiguration: {} }] },
    path: ['volumes', 0, 'dockerVolumeConfiguration'],
    message: /either a bind mount \(host\) or a Docker volume/,
  },
  {
    name: 'autoprovision on a task-scoped volume',
    spec: { volumes: [{ name: 'v', dockerVolumeConfiguration: { autoprovision: true } }] },
    path: ['volumes', 0, 'dockerVolumeConfiguration', 'autoprovision'],
    message: /only be used with scope "shared"/,
  },
  {
    name: 'EFS volume',
    spec: { volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] },
    path: ['volumes', 0, 'efsVolumeConfiguration'],
    message: /not supported by berth/,
  },
  {
    name: 'HEALTHY on a container without healthCheck',
    spec: { [CD]: [c('a', { dependsOn: [{ containerName: 'b', condition: 'HEALTHY' }] }), c('b')] },
    path: [CD, 0, 'dependsOn', 0, 'condition'],
    message: /HEALTHY needs container "b" to have a healthCheck/,
  },
  ...(['COMPLETE', 'SUCCESS'] as const).map((condition) => ({
    name: `${condition} on an essential container`,
    spec: { [CD]: [c('a', { dependsOn: [{ containerName: 'b', condition }] }), c('b')] },
    path: [CD, 0, 'dependsOn', 0, 'condition'],
    message: new RegExp(`${condition} cannot wait on "b": it is essential`),
  })),
  {
    name: 'healthCheck command without CMD/CMD-SHELL',
    spec: { [CD]: [c('a', { healthCheck: { command: ['curl', '-f', 'http://localhost/'] } })] },
    path: [CD, 0, 'healthCheck', 'command', 0],
    message: /must start with "CMD" or "CMD-SHELL", got "curl"/,
  },
  {
    name: 'healthCheck command with nothing to run',
    spec: { [CD]: [c('a', { healthCheck: { command: ['CMD-SHELL'] } })] },
    path: [CD, 0, 'healthCheck', 'command'],
    message: /needs a kind and something to run/,
  },
  {
    name: 'ulimit soft above hard',
    spec: { [CD]: [c('a', { ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 5 }] })] },
    path: [CD, 0, 'ulimits', 0, 'softLimit'],
    message: /softLimit must not exceed hardLimit/,
  },
  {
    name: 'distinctInstance in a task definition',
    spec: { placementConstraints: [{ type: 'distinctInstance', expression: 'x' }] },
    path: ['placementConstraints', 0, 'type'],
    message: /only "memberOf"/,
  },
  { name: 'typo in a container field', spec: { [CD]: [c('a', { memroy: 64 })] }, path: [CD, 0, 'memroy'], message: /unknown field "memroy"/ },
  { name: 'typo in a task field', spec: { netwrokMode: 'host' }, path: ['netwrokMode'], message: /unknown field "netwrokMode"/ },
  { name: 'unknown network mode', spec: { networkMode: 'nat' }, path: ['networkMode'], message: /bridge.*host.*none.*awsvpc/ },
  {
    name: 'unknown protocol',
    spec: { [CD]: [c('a', { portMappings: [{ containerPort: 80, protocol: 'sctp' }] })] },
    path: [CD, 0, 'portMappings', 0, 'protocol'],
    message: /tcp.*udp/,
  },
  {
    name: 'unknown dependency condition',
    spec: { [CD]: [c('a', { dependsOn: [{ containerName: 'b', condition: 'READY' }] }), c('b')] },
    path: [CD, 0, 'dependsOn', 0, 'condition'],
    message: /START/,
  },
];

describe('task definition cross-field rules', () => {
  it.each(valid)('accepts: %s', (_name, spec) => {
    const result = validateObject(rawTaskDefinition(spec));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it.each(invalid)('rejects: $name', ({ spec, path, message }) => {
    const result = validateObject(rawTaskDefinition(spec));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issues = result.issues.filter((i) => i.path.join('.') === ['spec', ...path].join('.'));
    expect(issues, JSON.stringify(result.issues)).toHaveLength(1);
    expect(issues[0]?.message).toMatch(message);
  });
});
