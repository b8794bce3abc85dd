import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { convertCompose } from './convert.js';
import { type MapContext, mapService } from './map-service.js';
import { validateComposeSchema, type ComposeService } from './schema.js';
import { parseMiB, parsePortSpec, splitWords } from './values.js';

const ctx: MapContext = {
  dir: '/srv/app',
  project: 'shop',
  env: (n) => ({ FROM_SHELL: 'yes' })[n],
  envFiles: new Map([['app.env', { A: '1', B: 'file' }]]),
  topVolumes: { data: {} },
  topSecrets: { token: { name: 'api-token' } },
};
const map = (svc: ComposeService) => mapService('web', { image: 'img', ...svc }, ctx);

describe('mapService', () => {
  it.each<[string, ComposeService, Record<string, unknown>]>([
    ['command string split as words', { command: 'sh -c "a && b"' }, { command: ['sh', '-c', 'a && b'] }],
    ['entrypoint list', { entrypoint: ['/init', '-v'] }, { entryPoint: ['/init', '-v'] }],
    [
      'environment map, env_file underneath, bare name from the shell',
      { env_file: 'app.env', environment: { B: 'env', C: null, FROM_SHELL: null } },
      {
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: 'env' },
          { name: 'FROM_SHELL', value: 'yes' },
        ],
      },
    ],
    [
      'ports short and long',
      { ports: ['8080:80', '53/udp', { target: 9000, published: 9001 }] },
      {
        portMappings: [
          { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
          { containerPort: 53, protocol: 'udp' },
          { containerPort: 9000, hostPort: 9001, protocol: 'tcp' },
        ],
      },
    ],
    [
      'healthcheck string test',
      { healthcheck: { test: 'curl -f localhost', interval: '1m30s', timeout: '500ms', retries: 2, start_period: '10s' } },
      { healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'], interval: 90, timeout: 1, retries: 2, startPeriod: 10 } },
    ],
    [
      'resources',
      { deploy: { resources: { limits: { memory: '1g' }, reservations: { memory: '256m', cpus: '0.25' } } } },
      { memory: 1024, memoryReservation: 256, cpu: 256 },
    ],
    [
      'ulimits',
      { ulimits: { nproc: 65535, nofile: { soft: 1, hard: 2 } } },
      {
        ulimits: [
          { name: 'nproc', softLimit: 65535, hardLimit: 65535 },
          { name: 'nofile', softLimit: 1, hardLimit: 2 },
        ],
      },
    ],
    ['labels list', { labels: ['a=b', 'c'] }, { dockerLabels: { a: 'b', c: '' } }],
    ['restart no', { restart: 'no' }, { restartPolicy: { enabled: false } }],
    ['secret by name', { secrets: ['token'] }, { secrets: [{ name: 'token', valueFrom: 'api-token' }] }],
    [
      'named volume and read-only bind',
      { volumes: ['data:/data', './conf:/etc/conf:ro'] },
      {
        mountPoints: [
          { sourceVolume: 'shop_data', containerPath: '/data', readOnly: false },
          { sourceVolume: 'web-bind-1', containerPath: '/etc/conf', readOnly: true },
        ],
      },
    ],
  ])('%s', (_, svc, expected) => {
    expect(map(svc).container).toMatchObject(expected);
  });

  // docker compose's names: `<project>_<key>`, but an explicit name as written and an external volume unprefixed.
  it.each<[string, NonNullable<MapContext['topVolumes']>[string], string, boolean]>([
    ['a named volume: prefixed with the project', {}, 'shop_data', true],
    ['with driver options: still prefixed', { driver: 'local', driver_opts: { type: 'tmpfs' } }, 'shop_data', true],
    ['an explicit name: as written', { name: 'pg-data' }, 'pg-data', true],
    ['external: its key, unprefixed, and never created', { external: true }, 'data', false],
    ['external with a name: that name', { external: true, name: 'made.elsewhere' }, 'made-elsewhere', false],
    ['external: false is not external', { external: false }, 'shop_data', true],
    ['the legacy external: {name}: that name', { external: { name: 'legacy' } }, 'legacy', false],
  ])('named volume: %s', (_, top, name, autoprovision) => {
    const m = mapService('web', { image: 'img', volumes: ['data:/data'] }, { ...ctx, topVolumes: { data: top } });
    expect(m.container.mountPoints).toEqual([{ sourceVolume: name, containerPath: '/data', readOnly: false }]);
    expect(m.volumes).toEqual([{ name, dockerVolumeConfiguration: expect.objectContaining({ scope: 'shared', autoprovision }) }]);
  });

  it('a volume declared with nothing under it (null in YAML) is a named volume too', () => {
    const m = mapService('web', { image: 'img', volumes: ['data:/data'] }, { ...ctx, topVolumes: parseYaml('data:\n') });
    expect(m.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(m.volumes).toMatchObject([{ name: 'shop_data' }]);
  });

  it('convertCompose prefixes named volumes with the project it is given', () => {
    const { objects } = convertCompose({ services: { db: { image: 'pg', volumes: ['data:/var/lib/pg'] } } }, ctx, { project: 'Other Shop', singleTask: false });
    expect(objects[0]?.spec.volumes).toMatchObject([{ name: 'Other-Shop_data' }]);
  });

  it.each<ComposeService['healthcheck']>([{ disable: true }, { test: ['NONE'] }])('healthcheck %j maps to none', (healthcheck) => {
    expect(map({ healthcheck }).container).not.toHaveProperty('healthCheck');
  });

  it.each<[string, ComposeService, number]>([
    ['default', {}, 1],
    ['deploy.replicas', { deploy: { replicas: 3 } }, 3],
    ['scale', { scale: 2 }, 2],
  ])('desiredCount: %s', (_, svc, count) => expect(map(svc).desiredCount).toBe(count));

  it.each<[string, ComposeService, string, RegExp]>([
    ['build', { build: '.' }, 'services.web.build', /builds nothing/],
    ['network_mode service:', { network_mode: 'service:db' }, 'services.web.network_mode', /not kept/],
    ['profiles', { profiles: ['x'] }, 'services.web.profiles', /not kept/],
    ['extends', { extends: { service: 'base' } }, 'services.web.extends', /not supported/],
    ['bind mount', { volumes: ['/var/run:/x'] }, 'services.web.volumes.0', /task policy refuses/],
    ['unknown', { cap_add: ['NET_ADMIN'] }, 'services.web.cap_add', /not mapped/],
  ])('warns about %s', (_, svc, path, message) => {
    const f = map(svc).findings.find((x) => x.path.join('.') === path);
    expect(f).toMatchObject({ severity: 'warning' });
    expect(f?.message).toMatch(message);
  });

  it.each<[string, ComposeService, RegExp]>([
    ['no image', { image: undefined, build: '.' }, /give the service an `image:`/],
    ['bad memory', { mem_limit: '12q' }, /not a byte size/],
    ['undeclared volume', { volumes: ['nope:/x'] }, /not declared/],
    ['undeclared secret', { secrets: ['nope'] }, /not declared/],
  ])('fails on %s', (_, svc, message) => {
    expect(map(svc).findings.some((f) => f.severity === 'error' && message.test(f.message))).toBe(true);
  });

  it.each([
    ['service_healthy', 'HEALTHY'],
    ['service_started', 'START'],
    ['service_completed_successfully', 'SUCCESS'],
  ] as const)('depends_on %s → %s', (condition, ecs) => {
    expect(map({ depends_on: { db: { condition } } }).dependsOn).toEqual([{ service: 'db', condition: ecs }]);
  });
});

describe('convertCompose', () => {
  const compose = { services: { db: { image: 'pg' }, web: { image: 'app', depends_on: { db: { condition: 'service_healthy' as const } } } } };
  it('makes a task definition and a service per compose service, and warns that ordering is lost', () => {
    const { objects, findings } = convertCompose(compose, ctx, { project: 'shop', singleTask: false });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'TaskDefinition/shop-db',
      'Service/shop-db',
      'TaskDefinition/shop-web',
      'Service/shop-web',
    ]);
    expect(findings.find((f) => f.path.join('.') === 'services.web.depends_on.db')?.message).toMatch(/ordering across services is not kept/);
  });
  it('--single-task puts every service in one task with dependsOn and links', () => {
    const { objects, findings } = convertCompose(compose, ctx, { project: 'shop', singleTask: true });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['TaskDefinition/shop', 'Service/shop']);
    expect(objects[0]?.spec.containerDefinitions).toMatchObject([
      { name: 'db' },
      { name: 'web', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }], links: ['db'] },
    ]);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('values and schema', () => {
  it.each([
    ['512m', 512],
    ['1g', 1024],
    ['1.5GB', 1536],
    [1048576, 1],
    ['100k', 1],
  ] as const)('parseMiB(%s) = %d', (v, n) => expect(parseMiB(v)).toBe(n));
  it.each([
    ['80', [{ containerPort: 80, protocol: 'tcp' }]],
    ['127.0.0.1:8080:80', [{ containerPort: 80, hostPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1' }]],
    [
      '8000-8001:80-81/udp',
      [
        { containerPort: 80, hostPort: 8000, protocol: 'udp' },
        { containerPort: 81, hostPort: 8001, protocol: 'udp' },
      ],
    ],
  ])('parsePortSpec(%s)', (spec, out) => expect(parsePortSpec(spec)).toEqual(out));
  it.each([
    ['a "b c" d\\ e', ['a', 'b c', 'd e']],
    ["x 'y z'", ['x', 'y z']],
    ['', []],
  ])('splitWords(%s)', (t, w) => expect(splitWords(t)).toEqual(w));
  it('the schema accepts current keys and names a misspelt one', () => {
    expect(
      validateComposeSchema({
        name: 'x',
        services: { a: { image: 'i', depends_on: { b: { condition: 'service_healthy', required: true } } }, b: { image: 'i' } },
      }).ok,
    ).toBe(true);
    const bad = validateComposeSchema({ services: { a: { imagee: 'i' } } });
    expect(bad.ok ? [] : bad.issues).toEqual([{ path: ['services', 'a', 'imagee'], message: '"imagee" is not a compose key here; check the spelling' }]);
  });
});
