/**
 * The network half of a container's create options: network mode, the task network's aliases (how
 * `links` work), and published ports.
 *
 * Why a per-task network for links: Docker's legacy `--link` exists only on the default bridge and
 * is deprecated. On a user-defined bridge, Docker's embedded DNS resolves network aliases, so each
 * container of the task gets its container name, plus every alias other containers link it by, as
 * aliases on the task's own network. Only tasks that use links get a network: each one costs a Linux
 * bridge and iptables rules, and Docker's default address pools run out after ~30 networks, which
 * would cap an instance at ~30 tasks if every task had one.
 */
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { linkTarget, type ContainerDefinition } from '../../../api/v1/container-definition.js';
import { DYNAMIC_HOST_PORT, effectiveHostPort, takesHostPorts, type NetworkMode } from '../../../api/v1/networking.js';
import type { TaskDefinitionSpec } from '../../../api/v1/task-definition.js';
import { ContainerSpecError } from './errors.js';
import { portKey } from './spec-input.js';

/** A task needs its own bridge network when any container links another. */
export function needsTaskNetwork(spec: Pick<TaskDefinitionSpec, 'networkMode' | 'containerDefinitions'>): boolean {
  return spec.networkMode === 'bridge' && spec.containerDefinitions.some((c) => (c.links?.length ?? 0) > 0);
}

/** The mappings whose host port the agent must choose (hostPort 0 or absent, in bridge mode). */
export function dynamicPortMappings(
  container: Pick<ContainerDefinition, 'portMappings'>,
  mode: NetworkMode,
): { containerPort: number; protocol: 'tcp' | 'udp' }[] {
  if (!takesHostPorts(mode)) return [];
  return (container.portMappings ?? [])
    .filter((m) => effectiveHostPort(m, mode) === DYNAMIC_HOST_PORT)
    .map((m) => ({ containerPort: m.containerPort, protocol: m.protocol }));
}

/** The container's own name, and every alias another container of the task links it by. */
export function networkAliases(container: string, all: readonly ContainerDefinition[]): string[] {
  const aliases = new Set([container]);
  for (const c of all)
    for (const link of c.links ?? []) {
      const colon = link.indexOf(':');
      if (linkTarget(link) === container && colon >= 0) aliases.add(link.slice(colon + 1));
    }
  return [...aliases];
}

type NetworkOptions = Pick<ContainerCreateOptions, 'ExposedPorts' | 'NetworkingConfig' | 'NetworkDisabled' | 'Hostname'> & {
  HostConfig: Pick<HostConfig, 'NetworkMode' | 'PortBindings' | 'Dns' | 'DnsSearch' | 'ExtraHosts'>;
};

export function networkOptions(
  c: ContainerDefinition,
  spec: Pick<TaskDefinitionSpec, 'networkMode' | 'containerDefinitions'>,
  hostPorts: Record<string, number>,
  networkName: string | undefined,
  sandbox?: string,
  resolver?: string,
): NetworkOptions {
  const mode = spec.networkMode;
  if (needsTaskNetwork(spec) && networkName === undefined)
    throw new ContainerSpecError(c.name, 'links', 'the task uses links, so it needs a task network: create one and pass networkName');
  if (mode === 'awsvpc') return sandboxMember(c, sandbox);
  const dockerMode = mode === 'host' || mode === 'none' ? mode : (networkName ?? 'bridge');
  const out: NetworkOptions = { HostConfig: { NetworkMode: dockerMode } };
  if (networkName !== undefined && dockerMode === networkName)
    out.NetworkingConfig = { EndpointsConfig: { [networkName]: { Aliases: networkAliases(c.name, spec.containerDefinitions) } } };
  if (mode !== 'none' && c.portMappings?.length) {
    const { exposed, bindings } = ports(c, mode, hostPorts);
    out.ExposedPorts = exposed;
    if (Object.keys(bindings).length) out.HostConfig.PortBindings = bindings;
  }
  if (c.hostname !== undefined) out.Hostname = c.hostname;
  if (c.disableNetworking) out.NetworkDisabled = true;
  // Host mode keeps the host's resolv.conf, as Docker does: the host's own resolvers are its to choose.
  const dns = resolverOf([c], mode === 'bridge' ? resolver : undefined);
  if (dns.length) out.HostConfig.Dns = dns;
  if (c.dnsSearchDomains?.length) out.HostConfig.DnsSearch = [...c.dnsSearchDomains];
  if (c.extraHosts?.length) out.HostConfig.ExtraHosts = c.extraHosts.map((h) => `${h.hostname}:${h.ipAddress}`);
  return out;
}

/**
 * awsvpc: the container joins the network namespace of the task's sandbox (spec-sandbox.ts), as
 * ECS's containers join its pause container's. Ports, DNS and extra hosts belong to that namespace,
 * so they are set on the sandbox; Docker refuses them on a container that joins another's.
 */
function sandboxMember(c: ContainerDefinition, sandbox: string | undefined): NetworkOptions {
  if (sandbox === undefined)
    throw new ContainerSpecError(c.name, 'networkMode', "an awsvpc task's containers share its sandbox's network: create the sandbox and pass its name");
  const out: NetworkOptions = { HostConfig: { NetworkMode: `container:${sandbox}` } };
  if (c.disableNetworking) out.NetworkDisabled = true;
  return out;
}

/** A sysctl of the network namespace (`net.*`): in awsvpc, the sandbox's to set. */
export function isNetworkSysctl(namespace: string): boolean {
  return namespace.startsWith('net.');
}

/**
 * Every port mapping of the task, exposed on its sandbox and published nowhere: as an ECS task's
 * ports are on its own network interface, an awsvpc task's are on the sandbox's address, so two
 * tasks on one instance can both take a port, and none takes one of the instance's.
 */
export function sandboxPorts(containers: readonly ContainerDefinition[]): Pick<NetworkOptions, 'ExposedPorts'> {
  const exposed: Record<string, object> = {};
  for (const c of containers) for (const m of c.portMappings ?? []) exposed[portKey(m.containerPort, m.protocol)] = {};
  return Object.keys(exposed).length ? { ExposedPorts: exposed } : {};
}

function ports(c: ContainerDefinition, mode: NetworkMode, hostPorts: Record<string, number>) {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const m of c.portMappings ?? []) {
    const key = portKey(m.containerPort, m.protocol);
    exposed[key] = {};
    // In host mode the container's ports are the host's: nothing to publish.
    if (mode === 'host') continue;
    let hostPort = effectiveHostPort(m, mode);
    if (hostPort === DYNAMIC_HOST_PORT) {
      const chosen = hostPorts[key];
      if (chosen === undefined)
        throw new ContainerSpecError(
          c.name,
          `portMappings ${key}`,
          'the host port is dynamic but none was chosen: allocate one (ports.ts) and pass it in hostPorts',
        );
      hostPort = chosen;
    }
    // An empty HostIp publishes on every address, IPv4 and IPv6, as `docker run -p` does.
    (bindings[key] ??= []).push({ HostIp: '', HostPort: String(hostPort) });
  }
  return { exposed, bindings };
}

/**
 * The resolvers of a network namespace: what its containers name (ECS's dnsServers), else the
 * agent's DNS server, which answers berth's service names and forwards the rest to the host's
 * resolvers.
 */
export function resolverOf(containers: readonly Pick<ContainerDefinition, 'dnsServers'>[], resolver: string | undefined): string[] {
  const own = [...new Set(containers.flatMap((c) => c.dnsServers ?? []))];
  return own.length || resolver === undefined ? own : [resolver];
}
