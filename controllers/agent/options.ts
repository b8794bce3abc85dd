/** The agent's options and their defaults. */
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import type { Principal } from '../../api/auth/principal.js';
import type { BerthClient, InstallationSource, TaskSecretsSource } from '../../api/client/types.js';
import { rootLogger, type Logger } from '../../api/log.js';
import { ATTRIBUTES } from '../../api/v1/container-instance.js';
import { DEFAULT_CLUSTER } from '../../api/v1/meta.js';
import { realClock, type Clock } from '../kit/clock.js';
import { HEARTBEAT } from '../conventions.js';
import type { Registry } from 'prom-client';
import { AgentConfigError } from './errors.js';
import { withStartMetrics } from './metrics.js';
import { parseAdvertiseAddress } from './log-address.js';
import { DEFAULT_LOCAL_LOG_DRIVER } from './runtime/spec-logs.js';
import type { SandboxImage } from './runtime/spec-sandbox.js';
import type { ContainerRuntime, EngineInfo } from './runtime/types.js';

/** What the agent needs of the API. */
export type AgentClient = BerthClient & InstallationSource & TaskSecretsSource;

export interface AgentOptions {
  /**
   * The API: HttpClient for a remote agent (with its agent token), LocalClient inside `berth up`.
   * It also says which installation it serves: the agent touches only Docker objects labelled with it.
   */
  client: AgentClient;
  runtime: ContainerRuntime;
  cluster?: string;
  /** The ContainerInstance's name; default: this machine's hostname. */
  instanceName?: string;
  /** Merged over the defaults (ecs.os-type, ecs.cpu-architecture, ecs.instance-type, ecs.availability-zone). */
  attributes?: Record<string, string>;
  /** What to offer to tasks; default: the engine's CPUs × 1024 and its memory in MiB, and the GPUs probed in /dev (gpu-probe.ts). */
  resources?: { cpu?: number; memory?: number; gpu?: number };
  heartbeatIntervalMs?: number;
  /** How often every task is checked against the engine even without events (ECS's steady-state check). */
  steadyStateIntervalMs?: number;
  /** How long stopped containers of ended tasks stay for `docker logs` before removal; default 1 h. */
  stoppedContainerRetentionMs?: number;
  /**
   * Tasks reconciled at once; one task is never reconciled twice at once. A reconcile spends most
   * of its time waiting for the engine (a container start queues behind the others in dockerd for
   * a second or more when many start together), so this bounds the engine's queue, not the agent's
   * CPU: too few, and tasks wait for a free worker instead of being in the engine's queue — and a
   * stop requested meanwhile waits behind the starts. Default 64 (a 50-task service started
   * ~10 % sooner than with 32, and 32 sooner than 8: dockerd runs starts in parallel).
   */
  workers?: number;
  /** Range for dynamic host ports (hostPort 0). */
  dynamicPortRange?: { min: number; max: number };
  /**
   * What holds an awsvpc task's network namespace (spec-sandbox.ts): an image present on the
   * engine (no registry may be reachable) and what it runs. Default: the local busybox image
   * hack/ builds, sleeping.
   */
  sandbox?: SandboxImage;
  /**
   * The driver containers log to when their task definition names one this instance cannot run
   * (awslogs, splunk, …: spec-logs.ts): `json-file` (default) or `local`, which `berth logs` reads.
   */
  localLogDriver?: string;
  /**
   * Serve container logs over HTTP on HOST:PORT (`berth agent`: 0.0.0.0:51678; tests and `berth up`:
   * 127.0.0.1:0) and register the address in spec.agent.address; absent: no log server.
   */
  logsListen?: string;
  /** What to register instead of the listen address: a URL, or a host (the bound port is added). */
  advertiseAddress?: string;
  /** Required with logsListen: the principal of a log caller's token, asked of the API server (identifyViaApi). */
  identifyCaller?: (token: string) => Promise<Principal | undefined>;
  /**
   * Service discovery: serve DNS on `IP` (port 53) or `IP:PORT` (discovery/), and give containers
   * that name no dnsServers `IP` as their resolver (only on port 53: Docker's --dns takes an address
   * alone). An address of this host that containers reach: a bridge's gateway (`berth agent`:
   * docker0's). Absent: no DNS server, containers keep Docker's resolver.
   */
  dnsAddress?: string;
  /** Resolvers for every other name (`IP` or `IP:PORT`); default: the host's /etc/resolv.conf. */
  dnsUpstreams?: string[];
  /** Where other instances reach this instance's published ports: the A records of its bridge and host tasks. */
  hostAddress?: string;
  /**
   * How often the agent reads Docker's stats of its running containers for the utilisation it
   * reports with its heartbeat (utilization-sampler.ts); 0: never.
   */
  statsIntervalMs?: number;
  /** Stats calls in flight at once. */
  statsConcurrency?: number;
  /** Where the agent's metrics go (container starts, failures, start latency); absent: not counted. */
  registry?: Registry;
  clock?: Clock;
  log?: Logger;
}

export const AGENT_DEFAULTS = {
  statsIntervalMs: 10_000,
  statsConcurrency: 8,
  sandbox: { image: 'berth.local/busybox:1' },
  localLogDriver: DEFAULT_LOCAL_LOG_DRIVER,
  steadyStateIntervalMs: 30_000,
  stoppedContainerRetentionMs: 60 * 60 * 1000,
  workers: 64,
  instanceType: 'berth.local',
  availabilityZone: 'local',
} as const;

export const AGENT_VERSION = '0.1.0';

type OptionalOptions =
  | 'attributes'
  | 'resources'
  | 'dynamicPortRange'
  | 'logsListen'
  | 'advertiseAddress'
  | 'identifyCaller'
  | 'dnsAddress'
  | 'dnsUpstreams'
  | 'hostAddress'
  | 'registry';
export type ResolvedAgentOptions = Required<Omit<AgentOptions, OptionalOptions>> & Pick<AgentOptions, OptionalOptions>;

export function resolveAgentOptions(options: AgentOptions): ResolvedAgentOptions {
  if (options.logsListen !== undefined && options.identifyCaller === undefined)
    throw new AgentConfigError('an agent that serves logs (logsListen) needs identifyCaller to check who asks; pass identifyViaApi({server})');
  // A bad address is refused at construction, not once the agent has registered with the API.
  if (options.advertiseAddress !== undefined && !options.advertiseAddress.includes('://')) parseAdvertiseAddress(options.advertiseAddress);
  if (options.dnsAddress !== undefined) parseDnsAddress(options.dnsAddress);
  if (options.hostAddress !== undefined && !isIPv4(options.hostAddress))
    throw new AgentConfigError(`hostAddress "${options.hostAddress}" is not an IPv4 address; give the address other instances reach this one at`);
  const instanceName = options.instanceName ?? hostname();
  return {
    ...options,
    cluster: options.cluster ?? DEFAULT_CLUSTER,
    instanceName,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? HEARTBEAT.intervalMs,
    steadyStateIntervalMs: options.steadyStateIntervalMs ?? AGENT_DEFAULTS.steadyStateIntervalMs,
    stoppedContainerRetentionMs: options.stoppedContainerRetentionMs ?? AGENT_DEFAULTS.stoppedContainerRetentionMs,
    workers: Math.max(1, options.workers ?? AGENT_DEFAULTS.workers),
    statsIntervalMs: options.statsIntervalMs ?? AGENT_DEFAULTS.statsIntervalMs,
    statsConcurrency: Math.max(1, options.statsConcurrency ?? AGENT_DEFAULTS.statsConcurrency),
    sandbox: options.sandbox ?? AGENT_DEFAULTS.sandbox,
    localLogDriver: options.localLogDriver ?? AGENT_DEFAULTS.localLogDriver,
    clock: options.clock ?? realClock,
    log: (options.log ?? rootLogger).child({ component: 'agent', instance: instanceName }),
    runtime: options.registry ? withStartMetrics(options.runtime, options.registry, instanceName) : options.runtime,
  };
}

/** ECS's names for the engine's architecture. */
function architecture(arch: string): string {
  if (arch === 'x86_64' || arch === 'amd64') return 'x86_64';
  if (arch === 'aarch64' || arch === 'arm64') return 'arm64';
  return arch;
}

/** What an agent registers: the engine's facts, `hostAddress` as the attribute load balancers and discovery read, then the user's own (which win). */
export function instanceAttributes(info: EngineInfo, extra: Record<string, string> = {}, hostAddress?: string): Record<string, string> {
  return {
    [ATTRIBUTES.osType]: info.os.toLowerCase() || 'linux',
    [ATTRIBUTES.cpuArchitecture]: architecture(info.arch),
    [ATTRIBUTES.instanceType]: AGENT_DEFAULTS.instanceType,
    [ATTRIBUTES.availabilityZone]: AGENT_DEFAULTS.availabilityZone,
    ...(hostAddress !== undefined ? { [ATTRIBUTES.hostAddress]: hostAddress } : {}),
    ...extra,
  };
}

const MIB = 1024 * 1024;

/** `gpus`: the GPUs probed on this machine (gpu-probe.ts); registered even when 0, so "none" is said, not guessed. */
export function instanceResources(
  info: Pick<EngineInfo, 'cpus' | 'memoryBytes'>,
  override: AgentOptions['resources'] = {},
  gpus = 0,
): { cpu: number; memory: number; gpu: number } {
  return {
    cpu: override.cpu ?? info.cpus * 1024,
    memory: override.memory ?? Math.floor(info.memoryBytes / MIB),
    gpu: override.gpu ?? gpus,
  };
}

/** The standard DNS port: the only one Docker's --dns can point containers at. */
export const DNS_PORT = 53;

/** `IP` or `IP:PORT` (IPv4); throws AgentConfigError naming what is wrong. */
export function parseDnsAddress(text: string): { address: string; port: number } {
  const [address = '', port = String(DNS_PORT), ...rest] = text.split(':');
  const n = Number(port);
  if (!isIPv4(address) || rest.length > 0 || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new AgentConfigError(`dnsAddress "${text}" must be an IPv4 address, optionally with a port (10.0.0.1 or 10.0.0.1:5353)`);
  return { address, port: n };
}
