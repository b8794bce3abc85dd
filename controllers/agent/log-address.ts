/**
 * Where the agent's log server listens (`--logs-listen HOST:PORT`) and the address it registers in
 * its ContainerInstance (`spec.agent.address`) for the API server to call. Pure but for reading the
 * machine's interfaces when it listens on every interface and was told nothing better.
 */
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { AgentConfigError } from './errors.js';

/** ECS reserves 51678 on every instance for its agent's introspection API: ours serves there. */
export const DEFAULT_LOGS_PORT = 51678;
export const DEFAULT_LOGS_LISTEN = `0.0.0.0:${DEFAULT_LOGS_PORT}`;

export function parseLogsListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535)
    throw new AgentConfigError(`logs listen address "${text}" is not HOST:PORT; expected e.g. 0.0.0.0:${DEFAULT_LOGS_PORT} or 127.0.0.1:0`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);
/** Docker's bridges and veths are not where another machine reaches us. */
const VIRTUAL = /^(docker\d*|br-|veth|virbr|cni|flannel|cali|lo)/;

/**
 * `advertise` as given when it is a URL; `SCHEME://HOST:PORT` when it is a host with a port
 * (`10.0.0.5:51678`, `[fd00::5]:51678`); `http://HOST:<bound port>` when it is a host alone (a bare
 * IPv6 address is bracketed); else the bound host, or (bound to every interface) this machine's
 * first non-virtual IPv4 address.
 */
export function advertisedLogsAddress(
  bound: { host: string; port: number },
  advertise?: string,
  interfaces = networkInterfaces(),
  scheme: 'http' | 'https' = 'http',
): string {
  if (advertise !== undefined && advertise.includes('://')) {
    // An https URL in front of a plain log server is a TLS proxy's; the reverse can never answer.
    if (scheme === 'https' && !advertise.startsWith('https://'))
      throw new AgentConfigError(
        `advertise address "${advertise}" is not https, but the log server serves https (it listens beyond loopback); give an https:// address`,
      );
    return advertise.replace(/\/+$/, '');
  }
  if (advertise !== undefined) {
    const given = parseAdvertiseAddress(advertise);
    return originUrl(scheme, given.host, given.port ?? bound.port);
  }
  return originUrl(scheme, WILDCARDS.has(bound.host) ? (firstExternalIpv4(interfaces) ?? '127.0.0.1') : bound.host, bound.port);
}

/** `--advertise-address` that is not a URL: HOST, HOST:PORT, [IPV6], [IPV6]:PORT, or a bare IPv6 address. */
export function parseAdvertiseAddress(text: string): { host: string; port?: number } {
  const refuse = () =>
    new AgentConfigError(
      `advertise address "${text}" is not a URL, HOST or HOST:PORT; expected e.g. http://10.0.0.5:${DEFAULT_LOGS_PORT}, 10.0.0.5, 10.0.0.5:${DEFAULT_LOGS_PORT} or [fd00::5]:${DEFAULT_LOGS_PORT}`,
    );
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const withPort = /^([^:[\]\s/]+):(\d{1,5})$/.exec(text);
  let host: string;
  let port: number | undefined;
  if (bracketed?.[1] !== undefined) [host, port] = [bracketed[1], bracketed[2] === undefined ? undefined : Number(bracketed[2])];
  else if (withPort?.[1] !== undefined) [host, port] = [withPort[1], Number(withPort[2])];
  else if (isIPv6(text) || /^[^:[\]\s/]+$/.test(text)) host = text;
  else throw refuse();
  if (port !== undefined && (port < 1 || port > 65535)) throw refuse();
  if (bracketed && !isIPv6(host)) throw refuse();
  return port === undefined ? { host } : { host, port };
}

function originUrl(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

function firstExternalIpv4(interfaces: ReturnType<typeof networkInterfaces>): string | undefined {
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (VIRTUAL.test(name)) continue;
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return undefined;
}
