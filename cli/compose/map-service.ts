/**
 * One compose service → one ECS container definition (plus the task volumes it mounts and its
 * desired count). A pure function: everything it cannot map is returned as a finding with the path
 * of the key, never dropped; the caller places findings at file:line.
 */
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import type { ContainerDefinition } from '../../api/v1/container-definition.js';
import { DEPENDENCY_CONDITIONS, ULIMIT_NAMES } from '../../api/v1/container-parts.js';
import type { Volume } from '../../api/v1/volume.js';
import { parseDuration } from '../duration.js';
import { mapConfigs } from './configs.js';
import { envFileEntries } from './env-file.js';
import type { Compose, ComposeService } from './schema.js';
import { ComposeValueError, parseCpus, parseMiB, parsePortSpec, splitWords } from './values.js';

export type ContainerInput = z.input<typeof ContainerDefinition>;
export type VolumeInput = z.input<typeof Volume>;
export type Condition = (typeof DEPENDENCY_CONDITIONS)[number];
export type FieldPath = (string | number)[];

/** `error`: the service cannot be converted as written; `warning`: converted, but this key was not (fully) kept. */
export interface Finding {
  severity: 'error' | 'warning';
  path: FieldPath;
  message: string;
}

export interface MappedService {
  container: ContainerInput;
  volumes: VolumeInput[];
  desiredCount: number;
  /** Compose services this one depends on, with the ECS condition. */
  dependsOn: { service: string; condition: Condition }[];
  findings: Finding[];
}

export interface MapContext {
  /** The compose file's directory: relative bind mounts and env_file paths are resolved from it. */
  dir: string;
  /** The compose project (ecsName'd): named volumes are `<project>_<volume>`, as docker compose names them. */
  project: string;
  /** Variables for `environment: [NAME]` entries without a value (the process env). */
  env: (name: string) => string | undefined;
  /** env_file contents by the path as written (read by the caller, so this stays pure). */
  envFiles: Map<string, Record<string, string>>;
  topVolumes: NonNullable<Compose['volumes']>;
  topSecrets: NonNullable<Compose['secrets']>;
  topConfigs?: NonNullable<Compose['configs']>;
}

/** What a container without any memory setting reserves (a soft limit: it may use more). */
export const DEFAULT_MEMORY_RESERVATION_MIB = 64;

export const CONDITIONS: Record<string, Condition> = {
  service_started: 'START',
  service_healthy: 'HEALTHY',
  service_completed_successfully: 'SUCCESS',
};

/** Keys mapped below; every other key of a service becomes a "not mapped" warning. */
const MAPPED = new Set([
  'image',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'depends_on',
  'healthcheck',
  'deploy',
  'scale',
  'ulimits',
  'labels',
  'volumes',
  'restart',
  'secrets',
  'working_dir',
  'user',
  'hostname',
  'mem_limit',
  'mem_reservation',
  'cpus',
  'init',
  'stop_grace_period',
  'privileged',
  'read_only',
  'tty',
  'stdin_open',
  'container_name',
  'configs',
]);
const DEPLOY_MAPPED = new Set(['replicas', 'resources']);

/** A name ECS accepts for containers, families and volumes: letters, digits, - and _. */
export function ecsName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

export function mapService(name: string, svc: ComposeService, ctx: MapContext): MappedService {
  const at = (...p: FieldPath): FieldPath => ['services', name, ...p];
  const findings: Finding[] = [];
  const warn = (path: FieldPath, message: string) => findings.push({ severity: 'warning', path, message });
  const fail = (path: FieldPath, message: string) => findings.push({ severity: 'error', path, message });
  const guard = (path: FieldPath, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof ComposeValueError)) throw err;
      fail(path, err.message);
    }
  };

  for (const key of Object.keys(svc)) {
    if (MAPPED.has(key) || key.startsWith('x-')) continue;
    warn(at(key), notMappedMessage(key, svc));
  }

  const container: ContainerInput = { name: ecsName(name), image: svc.image ?? '' };
  if (!svc.image)
    fail(at(svc.build === undefined ? 'image' : 'build'), 'berth runs images and builds none: give the service an `image:` (build and push it first)');
  if (svc.container_name !== undefined) warn(at('container_name'), 'not kept: berth names containers after the task');
  if (svc.command !== undefined) guard(at('command'), () => (container.command = words(svc.command)));
  if (svc.entrypoint !== undefined) guard(at('entrypoint'), () => (container.entryPoint = words(svc.entrypoint)));
  if (svc.working_dir) container.workingDirectory = svc.working_dir;
  if (svc.user) container.user = svc.user;
  if (svc.hostname) container.hostname = svc.hostname;
  if (svc.privileged !== undefined) container.privileged = svc.privileged;
  if (svc.read_only !== undefined) container.readonlyRootFilesystem = svc.read_only;
  if (svc.tty !== undefined) container.pseudoTerminal = svc.tty;
  if (svc.stdin_open !== undefined) container.interactive = svc.stdin_open;
  if (svc.init !== undefined) container.linuxParameters = { initProcessEnabled: svc.init };
  if (svc.stop_grace_period !== undefined) guard(at('stop_grace_period'), () => (container.stopTimeout = seconds(svc.stop_grace_period ?? '')));

  const environment = mapEnvironment(svc, ctx, at, warn);
  if (environment.length > 0) container.environment = environment;
  const labels = dict(svc.labels);
  if (Object.keys(labels).length > 0) container.dockerLabels = labels;

  if (svc.ports) {
    container.portMappings = [];
    for (const [i, port] of svc.ports.entries())
      guard(at('ports', i), () => {
        const specs = typeof port === 'object' ? [longPort(port)] : parsePortSpec(port);
        for (const s of specs) {
          if (s.hostIp) warn(at('ports', i), `host IP ${s.hostIp} not kept: berth publishes on every address of the instance`);
          container.portMappings?.push({ containerPort: s.containerPort, ...(s.hostPort !== undefined ? { hostPort: s.hostPort } : {}), protocol: s.protocol });
        }
      });
  }

  const healthCheck = mapHealthcheck(svc.healthcheck, at('healthcheck'), fail, warn);
  if (healthCheck) container.healthCheck = healthCheck;

  mapResources(svc, container, at, guard, warn);
  if (container.memory === undefined && container.memoryReservation === undefined) {
    // berth (as ECS on EC2) needs a memory figure to place a task; compose has none by default.
    container.memoryReservation = DEFAULT_MEMORY_RESERVATION_MIB;
    warn(at(), `no memory given: memoryReservation ${DEFAULT_MEMORY_RESERVATION_MIB} MiB is used for placement; set deploy.resources.reservations.memory`);
  }
  if (svc.ulimits) {
    container.ulimits = [];
    for (const [ulimit, value] of Object.entries(svc.ulimits)) {
      if (!(ULIMIT_NAMES as readonly string[]).includes(ulimit)) {
        fail(at('ulimits', ulimit), `unknown ulimit; ECS knows ${ULIMIT_NAMES.join(', ')}`);
        continue;
      }
      const [soft, hard] = typeof value === 'number' ? [value, value] : [value.soft, value.hard];
      container.ulimits.push({ name: ulimit as (typeof ULIMIT_NAMES)[number], softLimit: soft, hardLimit: hard });
    }
  }
  if (svc.restart !== undefined) mapRestart(svc.restart, container, at('restart'), warn);

  const volumes: VolumeInput[] = [];
  for (const [i, v] of (svc.volumes ?? []).entries()) guard(at('volumes', i), () => mapVolume(name, v, i, container, volumes, ctx, at('volumes', i), warn));

  const configs = mapConfigs(name, svc.configs, ctx.topConfigs ?? {}, ctx.dir, ecsName);
  findings.push(...configs.findings);
  volumes.push(...configs.volumes);
  if (configs.mountPoints.length > 0) (container.mountPoints ??= []).push(...configs.mountPoints);

  for (const [i, s] of (svc.secrets ?? []).entries()) {
    const source = typeof s === 'string' ? s : s.source;
    if (!source) {
      fail(at('secrets', i), 'a secret needs a source');
      continue;
    }
    const top = ctx.topSecrets[source];
    if (top === undefined) fail(at('secrets', i), `secret "${source}" is not declared under the top-level secrets:`);
    const target = typeof s === 'string' ? s : (s.target ?? source);
    const secretName = top?.name ?? source;
    (container.secrets ??= []).push({ name: envName(target), valueFrom: secretName });
    warn(
      at('secrets', i),
      `becomes environment variable ${envName(target)} from berth Secret "${secretName}" (compose mounts a file at /run/secrets/${target}); create that Secret in the cluster`,
    );
  }

  const dependsOn: MappedService['dependsOn'] = [];
  if (Array.isArray(svc.depends_on)) for (const dep of svc.depends_on) dependsOn.push({ service: dep, condition: 'START' });
  else for (const [dep, d] of Object.entries(svc.depends_on ?? {})) dependsOn.push({ service: dep, condition: CONDITIONS[d.condition] ?? 'START' });

  let desiredCount = 1;
  if (svc.deploy?.replicas !== undefined) desiredCount = svc.deploy.replicas;
  else if (svc.scale !== undefined) desiredCount = svc.scale;

  return { container, volumes, desiredCount, dependsOn, findings };
}

function notMappedMessage(key: string, svc: ComposeService): string {
  if (key === 'build') return svc.image ? 'not used: berth runs the image and builds nothing' : 'berth builds no images';
  if (key === 'network_mode')
    return `"${String(svc.network_mode)}" not kept: every berth task gets its own bridge network namespace (use --single-task to put services in one task)`;
  if (key === 'networks') return 'not kept: berth tasks use the bridge network; services in one task (--single-task) reach each other through links';
  if (key === 'profiles') return 'not kept: every service is converted, whatever its profiles';
  if (key === 'extends') return 'not supported: write the service out in full';
  if (key === 'expose') return 'not kept: ECS has no unpublished ports; publish with ports: if needed';
  return 'not mapped to ECS: this key is ignored';
}

function words(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? splitWords(value) : value;
}

function seconds(duration: string): number {
  try {
    return Math.ceil(parseDuration(duration, 'duration') / 1000);
  } catch (err) {
    throw new ComposeValueError(err instanceof Error ? err.message : String(err));
  }
}

function dict(value: Record<string, string | number | boolean | null> | string[] | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const entry of value) {
      const eq = entry.indexOf('=');
      out[eq < 0 ? entry : entry.slice(0, eq)] = eq < 0 ? '' : entry.slice(eq + 1);
    }
    return out;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function envName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function mapEnvironment(svc: ComposeService, ctx: MapContext, at: (...p: FieldPath) => FieldPath, warn: (p: FieldPath, m: string) => void) {
  const values = new Map<string, string>();
  for (const file of envFileEntries(svc.env_file)) for (const [k, v] of Object.entries(ctx.envFiles.get(file.path) ?? {})) values.set(k, v);
  const env = svc.environment;
  const entries: [string, string | null][] = Array.isArray(env)
    ? env.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, null]))
    : Object.entries(env ?? {}).map(([k, v]) => [k, v === null ? null : String(v)]);
  for (const [name, value] of entries) {
    if (value !== null) values.set(name, value);
    else {
      // `- NAME` with no value takes the variable from the environment of whoever converts.
      const fromEnv = ctx.env(name);
      if (fromEnv === undefined) warn(at('environment'), `${name} has no value and is not set in the environment: left out`);
      else values.set(name, fromEnv);
    }
  }
  return [...values].map(([name, value]) => ({ name, value }));
}

function longPort(p: { target?: number; published?: number | string; protocol?: string; host_ip?: string; mode?: string }) {
  if (p.target === undefined) throw new ComposeValueError('a port needs a target');
  if (p.protocol !== undefined && p.protocol !== 'tcp' && p.protocol !== 'udp') throw new ComposeValueError('protocol must be tcp or udp');
  return {
    containerPort: p.target,
    ...(p.published !== undefined ? { hostPort: Number(p.published) } : {}),
    protocol: p.protocol === 'udp' ? ('udp' as const) : ('tcp' as const),
    ...(p.host_ip ? { hostIp: p.host_ip } : {}),
  };
}

function mapHealthcheck(
  hc: ComposeService['healthcheck'],
  path: FieldPath,
  fail: (p: FieldPath, m: string) => void,
  warn: (p: FieldPath, m: string) => void,
): ContainerInput['healthCheck'] {
  if (!hc || hc.disable) return undefined;
  const test = hc.test;
  if (test === undefined) {
    warn(path, "no test: the image's own HEALTHCHECK is not something berth can read; add test:");
    return undefined;
  }
  const command = typeof test === 'string' ? ['CMD-SHELL', test] : test;
  if (command[0] === 'NONE') return undefined;
  if (command[0] !== 'CMD' && command[0] !== 'CMD-SHELL') {
    fail([...path, 'test'], 'must start with CMD, CMD-SHELL or NONE');
    return undefined;
  }
  const out: NonNullable<ContainerInput['healthCheck']> = { command };
  for (const [key, field] of [
    ['interval', 'interval'],
    ['timeout', 'timeout'],
    ['start_period', 'startPeriod'],
  ] as const) {
    const text = hc[key];
    if (text === undefined) continue;
    try {
      out[field] = seconds(text);
    } catch (err) {
      fail([...path, key], err instanceof Error ? err.message : String(err));
    }
  }
  if (hc.retries !== undefined) out.retries = hc.retries;
  if (hc.start_interval !== undefined) warn([...path, 'start_interval'], 'not kept: ECS health checks have one interval');
  return out;
}

function mapResources(
  svc: ComposeService,
  container: ContainerInput,
  at: (...p: FieldPath) => FieldPath,
  guard: (p: FieldPath, f: () => void) => void,
  warn: (p: FieldPath, m: string) => void,
): void {
  for (const key of Object.keys(svc.deploy ?? {})) if (!DEPLOY_MAPPED.has(key)) warn(at('deploy', key), 'not mapped to ECS: this key is ignored');
  const res = svc.deploy?.resources;
  for (const key of Object.keys(res ?? {}))
    if (key !== 'limits' && key !== 'reservations') warn(at('deploy', 'resources', key), 'not mapped to ECS: this key is ignored');
  const limits = res?.limits;
  const reservations = res?.reservations;
  const memLimit = limits?.memory ?? svc.mem_limit;
  const memReservation = reservations?.memory ?? svc.mem_reservation;
  if (memLimit !== undefined) guard(at(limits?.memory !== undefined ? 'deploy' : 'mem_limit'), () => (container.memory = parseMiB(memLimit)));
  if (memReservation !== undefined)
    guard(at(reservations?.memory !== undefined ? 'deploy' : 'mem_reservation'), () => (container.memoryReservation = parseMiB(memReservation)));
  // ECS's container cpu is what placement reserves (and Docker's CPU shares), so a reservation is
  // the better match; a limit alone is taken as the reservation, and is then not a hard cap.
  const cpuReservation = reservations?.cpus;
  const cpuLimit = limits?.cpus ?? svc.cpus;
  const cpus = cpuReservation ?? cpuLimit;
  if (cpus !== undefined) guard(at('deploy'), () => (container.cpu = parseCpus(cpus)));
  if (cpuLimit !== undefined)
    warn(
      at(limits?.cpus !== undefined ? 'deploy' : 'cpus'),
      `CPU limit ${cpuLimit} is not a hard cap on berth: ECS container cpu reserves CPU units (Docker CPU shares)`,
    );
  for (const key of ['pids', 'devices'] as const) {
    if (limits?.[key] !== undefined) warn(at('deploy', 'resources', 'limits', key), 'not mapped to ECS: this key is ignored');
    if (reservations?.[key] !== undefined) warn(at('deploy', 'resources', 'reservations', key), 'not mapped to ECS: this key is ignored');
  }
}

function mapRestart(restart: string, container: ContainerInput, path: FieldPath, warn: (p: FieldPath, m: string) => void): void {
  const [policy, count] = restart.split(':');
  if (policy === 'no') container.restartPolicy = { enabled: false };
  else if (policy === 'always' || policy === 'unless-stopped') container.restartPolicy = { enabled: true };
  else if (policy === 'on-failure') container.restartPolicy = { enabled: true, ignoredExitCodes: [0] };
  else return warn(path, `"${restart}" is not a compose restart policy: not kept`);
  if (count !== undefined) warn(path, `the retry count ${count} is not kept: ECS restart policies have none`);
  warn(path, 'kept as restartPolicy, which berth records but does not act on: a service replaces a task whose essential container stopped');
}

function mapVolume(
  service: string,
  v: NonNullable<ComposeService['volumes']>[number],
  index: number,
  container: ContainerInput,
  volumes: VolumeInput[],
  ctx: MapContext,
  path: FieldPath,
  warn: (p: FieldPath, m: string) => void,
): void {
  let type: string;
  let source: string | undefined;
  let target: string | undefined;
  let readOnly = false;
  if (typeof v === 'string') {
    const parts = v.split(':');
    if (parts.length === 1) [target] = parts;
    else [source, target] = parts;
    const mode = parts[2];
    if (mode !== undefined)
      for (const option of mode.split(',')) {
        if (option === 'ro') readOnly = true;
        else if (option !== 'rw') warn(path, `mount option "${option}" not kept`);
      }
    type = source === undefined ? 'volume' : isPath(source) ? 'bind' : 'volume';
  } else {
    ({ type, source, target } = v);
    readOnly = v.read_only ?? false;
  }
  if (!target) throw new ComposeValueError('a volume needs a target path in the container');
  if (type !== 'bind' && type !== 'volume') throw new ComposeValueError(`volume type "${type}" is not supported by berth; use a named volume or a bind mount`);
  let volume: VolumeInput;
  if (type === 'bind') {
    if (!source) throw new ComposeValueError('a bind mount needs a source');
    const sourcePath = isAbsolute(source) ? source : resolve(ctx.dir, source.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
    volume = { name: ecsName(`${service}-bind-${index}`), host: { sourcePath } };
    warn(
      path,
      `bind mount of ${sourcePath}: a host volume, which the cluster's task policy refuses unless it allows hostPaths (level privileged or allow: [hostPaths])`,
    );
  } else if (source === undefined) {
    // An anonymous volume lives as long as its container in compose; a task-scoped Docker volume here.
    volume = { name: ecsName(`${service}-anon-${index}`), dockerVolumeConfiguration: { scope: 'task' } };
  } else {
    const declared = ctx.topVolumes[source];
    if (declared === undefined) throw new ComposeValueError(`volume "${source}" is not declared under the top-level volumes:`);
    // `data:` with nothing under it parses as null, whatever the schema's type says.
    const top: typeof declared = declared ?? {};
    const external = top.external !== undefined && top.external !== false;
    const labels = dict(top.labels);
    // Named volumes outlive containers in compose, so they are shared: kept after the task, reused by name.
    volume = {
      name: namedVolume(source, top, ctx.project),
      dockerVolumeConfiguration: {
        scope: 'shared',
        autoprovision: !external,
        ...(top.driver ? { driver: top.driver } : {}),
        ...(top.driver_opts ? { driverOpts: Object.fromEntries(Object.entries(top.driver_opts).map(([k, val]) => [k, String(val)])) } : {}),
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
      },
    };
  }
  if (!volumes.some((known) => known.name === volume.name)) volumes.push(volume);
  (container.mountPoints ??= []).push({ sourceVolume: volume.name, containerPath: target, readOnly });
}

/**
 * The Docker volume a named volume is, as docker compose names it: `<project>_<key>`, so two
 * projects' `data` volumes stay apart; an explicit `name:` as written, and an external volume by
 * its `name:` or key (compose prefixes neither: both name a volume made outside the project).
 */
export function namedVolume(key: string, top: NonNullable<Compose['volumes']>[string], project: string): string {
  // The legacy `external: {name: …}` names it too.
  const legacy = typeof top.external === 'object' ? top.external.name : undefined;
  const name = top.name ?? legacy;
  if (name !== undefined) return ecsName(name);
  return ecsName(top.external !== undefined && top.external !== false ? key : `${project}_${key}`);
}

function isPath(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
}
