/**
 * Task status as the agent reports it, built from what it observes (pure). The agent writes only the
 * fields that differ from the stored status, as a merge patch, so a report is small and a repeated
 * reconcile with nothing new writes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ContainerDefinition } from '../../api/v1/container-definition.js';
import { TASK_LAST_STATUSES, type Attachment, type ContainerStatus, type NetworkBinding, type TaskLastStatus, type TaskStatus } from '../../api/v1/task.js';
import { hasExited, hasStarted, isRunning, type ObservedContainer } from './observed.js';

type Health = ContainerStatus['healthStatus'];

/** The later of two statuses in ECS's order: a task's lastStatus only moves forward. */
export function laterStatus(a: TaskLastStatus, b: TaskLastStatus): TaskLastStatus {
  return TASK_LAST_STATUSES.indexOf(a) >= TASK_LAST_STATUSES.indexOf(b) ? a : b;
}

export function isBefore(a: TaskLastStatus, b: TaskLastStatus): boolean {
  return TASK_LAST_STATUSES.indexOf(a) < TASK_LAST_STATUSES.indexOf(b);
}

function healthOf(c: ObservedContainer | undefined): Health {
  if (!c || !isRunning(c)) return 'UNKNOWN';
  return c.health === 'healthy' ? 'HEALTHY' : c.health === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN';
}

/** Docker reports a published port once per address family; ECS reports it once. */
function bindingsOf(c: ObservedContainer): NetworkBinding[] {
  const seen = new Set<string>();
  const out: NetworkBinding[] = [];
  for (const p of c.hostPorts) {
    const key = `${p.containerPort}/${p.protocol}/${p.hostPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol, bindIP: p.bindIP.includes(':') ? '0.0.0.0' : p.bindIP });
  }
  return out;
}

function stopReasonOf(c: ObservedContainer): string | undefined {
  if (c.oomKilled) return 'OutOfMemoryError: container killed due to memory usage';
  return c.error;
}

/** What an awsvpc task's container reports of the network it shares: the sandbox's. */
export interface SharedNetwork {
  bindings: NetworkBinding[];
  interfaces: NonNullable<ContainerStatus['networkInterfaces']>;
}

/** The ECS attachment of an awsvpc task's sandbox: its id and its address. */
export function sandboxAttachment(sandbox: ObservedContainer): Attachment {
  return {
    id: sandbox.id.slice(0, 12),
    type: 'ElasticNetworkInterface',
    status: 'ATTACHED',
    details: [
      { name: 'networkInterfaceId', value: sandbox.name },
      ...(sandbox.ipv4Address ? [{ name: 'privateIPv4Address', value: sandbox.ipv4Address }] : []),
    ],
  };
}

/** The part of the sandbox's network a container reports: the published ports of its own mappings. */
export function sharedNetwork(def: Pick<ContainerDefinition, 'portMappings'>, sandbox: ObservedContainer | undefined): SharedNetwork | undefined {
  if (!sandbox || !isRunning(sandbox)) return undefined;
  const mine = new Set((def.portMappings ?? []).map((m) => `${m.containerPort}/${m.protocol}`));
  const attachment = sandboxAttachment(sandbox);
  return {
    bindings: bindingsOf(sandbox).filter((b) => mine.has(`${b.containerPort}/${b.protocol}`)),
    interfaces: [{ attachmentId: attachment.id, ...(sandbox.ipv4Address ? { privateIpv4Address: sandbox.ipv4Address } : {}) }],
  };
}

/**
 * One container's status. `final`: the task is ending, so a container that is not running is
 * STOPPED even if it never ran. A stopped container keeps the bindings reported while it ran.
 * `shared`: an awsvpc task's network, which the container's own inspection does not show.
 */
export function containerStatus(
  def: Pick<ContainerDefinition, 'name'>,
  c: ObservedContainer | undefined,
  previous: ContainerStatus | undefined,
  final: boolean,
  shared?: SharedNetwork,
): ContainerStatus {
  const restarts = previous?.restartCount ? { restartCount: previous.restartCount } : {};
  if (c && isRunning(c))
    return {
      name: def.name,
      dockerId: c.id,
      lastStatus: 'RUNNING',
      healthStatus: healthOf(c),
      networkBindings: shared ? shared.bindings : bindingsOf(c),
      ...(shared ? { networkInterfaces: shared.interfaces } : {}),
      ...restarts,
    };
  if (!c && previous?.dockerId !== undefined) return vanished(previous);
  const ended = (c !== undefined && hasExited(c)) || final;
  const out: ContainerStatus = {
    name: def.name,
    lastStatus: ended ? 'STOPPED' : 'PENDING',
    healthStatus: 'UNKNOWN',
    networkBindings: ended ? (previous?.networkBindings ?? []) : [],
    ...(ended && previous?.networkInterfaces ? { networkInterfaces: previous.networkInterfaces } : {}),
    ...restarts,
  };
  if (c) out.dockerId = c.id;
  if (c && hasStarted(c) && hasExited(c)) out.exitCode = c.exitCode;
  const reason = c ? stopReasonOf(c) : undefined;
  if (reason) out.reason = reason;
  return out;
}

export const VANISHED_REASON = 'the container was removed from the Docker engine';

/** A container reported before that is no longer on the engine (`docker rm -f`): it has stopped, for good. */
function vanished(previous: ContainerStatus): ContainerStatus {
  return {
    ...previous,
    lastStatus: 'STOPPED',
    healthStatus: 'UNKNOWN',
    reason: previous.lastStatus === 'STOPPED' ? (previous.reason ?? VANISHED_REASON) : VANISHED_REASON,
  };
}

/** It ran under this task (its docker id was reported) and is gone from the engine now. */
export function hasVanished(c: ObservedContainer | undefined, previous: ContainerStatus | undefined): boolean {
  return c === undefined && previous?.dockerId !== undefined;
}

/**
 * The task's health, as ECS derives it: HEALTHY when every essential container with a health check
 * is healthy, UNHEALTHY when one of them is unhealthy, UNKNOWN otherwise (and when none has one).
 */
export function healthFromContainers(
  defs: readonly Pick<ContainerDefinition, 'name' | 'essential' | 'healthCheck'>[],
  containers: readonly ContainerStatus[],
): Health {
  const checked = defs.filter((d) => d.essential && d.healthCheck);
  if (checked.length === 0) return 'UNKNOWN';
  const health = checked.map((d) => containers.find((c) => c.name === d.name)?.healthStatus ?? 'UNKNOWN');
  if (health.includes('UNHEALTHY')) return 'UNHEALTHY';
  return health.every((h) => h === 'HEALTHY') ? 'HEALTHY' : 'UNKNOWN';
}

/** The fields of `next` that differ from `current`: the merge patch to write, or undefined when none do. */
export function statusPatch(current: TaskStatus | undefined, next: Partial<TaskStatus>): Partial<TaskStatus> | undefined {
  const patch: Partial<TaskStatus> = {};
  let changed = false;
  for (const [key, value] of Object.entries(next) as [keyof TaskStatus, unknown][]) {
    if (value === undefined || isDeepStrictEqual(current?.[key], value)) continue;
    Object.assign(patch, { [key]: value });
    changed = true;
  }
  return changed ? patch : undefined;
}
