/**
 * From parsed Docker JSON to the runtime port's shapes. Pure, so each mapping is tested on its own.
 */
import type { DockerEvent, DockerInspect } from './docker-schemas.js';
import {
  CONTAINER_HEALTH,
  CONTAINER_STATES,
  RUNTIME_EVENT_TYPES,
  type ContainerHealth,
  type ContainerInspection,
  type ContainerState,
  type HostPortBinding,
  type RuntimeEvent,
  type RuntimeEventType,
} from './types.js';

/** Docker's zero time means "never". */
const NEVER = '0001-01-01T00:00:00Z';

/** Attributes Docker adds to an event's labels that are not labels of the container. */
const EVENT_ATTRIBUTES = new Set(['image', 'name', 'exitCode', 'signal', 'execID', 'execDuration']);

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

export function containerState(status: string): ContainerState {
  // Anything new in a later engine is treated as dead: the agent then replaces the container.
  return isOneOf(CONTAINER_STATES, status) ? status : 'dead';
}

export function containerHealth(status: string | undefined): ContainerHealth {
  return status !== undefined && isOneOf(CONTAINER_HEALTH, status) ? status : 'none';
}

/** `/berth-x` → `berth-x`: Docker prefixes names with the (legacy) link parent. */
export function bareName(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

/** `{"8080/tcp": [{HostIp, HostPort}]}` → one binding per published address. */
export function hostPorts(ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null | undefined): HostPortBinding[] {
  const out: HostPortBinding[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, protocol] = key.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort) || (protocol !== 'tcp' && protocol !== 'udp')) continue; // sctp: not berth's
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (Number.isInteger(hostPort) && hostPort > 0) out.push({ containerPort, hostPort, protocol, bindIP: b.HostIp || '0.0.0.0' });
    }
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort || (a.bindIP < b.bindIP ? -1 : a.bindIP > b.bindIP ? 1 : 0));
}

export function toInspection(d: DockerInspect): ContainerInspection {
  const out: ContainerInspection = {
    id: d.Id,
    name: bareName(d.Name),
    image: d.Config.Image,
    labels: d.Config.Labels,
    state: containerState(d.State.Status),
    exitCode: d.State.ExitCode,
    health: containerHealth(d.State.Health?.Status),
    oomKilled: d.State.OOMKilled,
    hostPorts: hostPorts(d.NetworkSettings?.Ports),
  };
  const ip = ipv4Of(d.NetworkSettings);
  if (ip) out.ipv4Address = ip;
  if (d.State.Error) out.error = d.State.Error;
  if (d.State.StartedAt && d.State.StartedAt !== NEVER) out.startedAt = d.State.StartedAt;
  if (d.State.FinishedAt && d.State.FinishedAt !== NEVER) out.finishedAt = d.State.FinishedAt;
  return out;
}

/** The default bridge's address, else the first network's (a user-defined network reports only there). */
function ipv4Of(settings: DockerInspect['NetworkSettings']): string | undefined {
  if (settings?.IPAddress) return settings.IPAddress;
  return Object.values(settings?.Networks ?? {}).find((n) => n?.IPAddress)?.IPAddress ?? undefined;
}

/** A container event berth cares about, or undefined for anything else (exec_start, attach, …). */
export function toRuntimeEvent(e: DockerEvent): RuntimeEvent | undefined {
  if (e.Type !== 'container') return undefined;
  // health_status events read "health_status: healthy".
  const [action = '', detail] = e.Action.split(':').map((s) => s.trim());
  if (!isOneOf<RuntimeEventType>(RUNTIME_EVENT_TYPES, action)) return undefined;
  const attrs = e.Actor.Attributes;
  const labels = Object.fromEntries(Object.entries(attrs).filter(([k]) => !EVENT_ATTRIBUTES.has(k)));
  const time = e.timeNano !== undefined ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
  const out: RuntimeEvent = { type: action, id: e.Actor.ID, labels, time };
  if (attrs.name !== undefined) out.name = attrs.name;
  if (action === 'die' && attrs.exitCode !== undefined && /^-?\d+$/.test(attrs.exitCode)) out.exitCode = Number(attrs.exitCode);
  if (action === 'health_status') {
    const health = containerHealth(detail);
    if (health === 'none') return undefined;
    out.health = health;
  }
  return out;
}
