/** `berth agent` flags and their translation into agent options (pure; shared with `berth up`). */
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { Name } from '../../api/v1/meta.js';
import { parseDuration } from '../duration.js';
import type { AgentOptions } from '../../controllers/agent/options.js';
import type { ConnectionFlags } from '../config.js';

export interface AgentFlags extends ConnectionFlags {
  cluster?: string;
  name?: string;
  attribute: string[];
  cpu?: string;
  memory?: string;
  gpus?: string;
  /** The image of awsvpc tasks' network sandboxes. */
  sandboxImage?: string;
  localLogDriver?: string;
  dockerHost?: string;
  /** False with --no-logs. */
  logs?: boolean;
  /** `--logs-listen HOST:PORT` (commander gives the default). */
  logsListen?: string;
  advertiseAddress?: string;
  /** Service discovery: `--dns-address IP[:PORT]`, `--host-address IP`, `--dns-upstream IP[:PORT]` (repeatable). */
  dnsAddress?: string;
  hostAddress?: string;
  dnsUpstream?: string[];
  /** `--stats-interval DURATION`: how often container stats are sampled (0: never). */
  statsInterval?: string;
  /** `--metrics-listen HOST:PORT`: serve the agent's /metrics there (scrape or admin token). */
  metricsListen?: string;
}

export class AgentFlagError extends Error {
  override readonly name = 'AgentFlagError';
  readonly retriable = false;
}

/** `k=v` → [k, v]; the value may itself hold "=". */
export function parseAttribute(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new AgentFlagError(`--attribute "${text}" is not NAME=VALUE; e.g. --attribute stack=prod`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new AgentFlagError(`--${flag} "${text}" must be a whole number >= 1`);
  return n;
}

/** `unix:///var/run/docker.sock` or `tcp://host:2375` → dockerode's connection options. */
export function dockerConnection(dockerHost: string | undefined): Docker.DockerOptions | undefined {
  if (dockerHost === undefined || dockerHost === '') return undefined;
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
  }
  if (dockerHost.startsWith('/')) return { socketPath: dockerHost };
  throw new AgentFlagError(`--docker-host "${dockerHost}" must be unix:///path/to/docker.sock or tcp://host:port`);
}

/** The agent's options from the flags, without the client and runtime (pure, for tests). */
export function agentSettings(flags: AgentFlags, defaultCluster: string | undefined): Omit<AgentOptions, 'client' | 'runtime'> {
  const cluster = flags.cluster ?? defaultCluster ?? 'default';
  const name = flags.name ?? hostname();
  for (const [flag, value] of [
    ['cluster', cluster],
    ['name', name],
  ] as const)
    if (!Name.safeParse(value).success) throw new AgentFlagError(`--${flag} "${value}" is not a valid name (letters, digits, "-", "_", ".", ":")`);
  const cpu = positiveInt('cpu', flags.cpu);
  const memory = positiveInt('memory', flags.memory);
  const gpu = positiveInt('gpus', flags.gpus);
  if (flags.localLogDriver !== undefined && !['json-file', 'local'].includes(flags.localLogDriver))
    throw new AgentFlagError(`--local-log-driver "${flags.localLogDriver}" must be json-file or local (the drivers \`berth logs\` reads)`);
  return {
    cluster,
    instanceName: name,
    attributes: Object.fromEntries(flags.attribute.map(parseAttribute)),
    ...(flags.logs !== false && flags.logsListen !== undefined
      ? { logsListen: flags.logsListen, ...(flags.advertiseAddress !== undefined ? { advertiseAddress: flags.advertiseAddress } : {}) }
      : {}),
    ...(cpu !== undefined || memory !== undefined || gpu !== undefined
      ? { resources: { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}), ...(gpu !== undefined ? { gpu } : {}) } }
      : {}),
    ...(flags.sandboxImage !== undefined ? { sandbox: { image: flags.sandboxImage } } : {}),
    ...(flags.localLogDriver !== undefined ? { localLogDriver: flags.localLogDriver } : {}),
    ...discoverySettings(flags),
    ...(flags.statsInterval !== undefined ? { statsIntervalMs: parseDuration(flags.statsInterval, '--stats-interval') } : {}),
  };
}

export type DiscoveryFlags = Pick<AgentFlags, 'dnsAddress' | 'hostAddress' | 'dnsUpstream'>;

/** The service-discovery options of `--dns-address`, `--host-address` and `--dns-upstream`, for `berth agent` and `berth up` alike. */
export function discoverySettings(flags: DiscoveryFlags): Pick<AgentOptions, 'dnsAddress' | 'hostAddress' | 'dnsUpstreams'> {
  return {
    ...(flags.dnsAddress !== undefined ? { dnsAddress: flags.dnsAddress } : {}),
    ...(flags.hostAddress !== undefined ? { hostAddress: flags.hostAddress } : {}),
    ...(flags.dnsUpstream?.length ? { dnsUpstreams: flags.dnsUpstream } : {}),
  };
}

/** The help of the service-discovery flags, shared by `berth agent` and `berth up`. */
export const DNS_ADDRESS_HELP = "serve service discovery DNS here and make it containers' resolver (port 53; e.g. docker0's gateway 172.17.0.1)";
export const HOST_ADDRESS_HELP = "this machine's address other instances reach its published ports at (the A records of bridge tasks)";
export const DNS_UPSTREAM_HELP = "a resolver for names not berth's (repeatable; default: /etc/resolv.conf's)";

/** The help of --stats-interval, shared by `berth agent` and `berth up`. */
export const STATS_INTERVAL_HELP = "how often the agent samples its containers' cpu and memory for `berth top` (e.g. 10s; 0: never; default 10s)";
