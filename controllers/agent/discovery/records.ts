/**
 * The DNS records of service discovery, as a pure function of the cluster's services and tasks.
 *
 * As Cloud Map does for an ECS service: the service's name answers A records (one address per
 * healthy task) and SRV records `0 1 PORT TASK.NAME` (RFC 2782's priority/weight, each target one
 * task), and each target name answers its task's A record. A task answers while it is RUNNING,
 * meant to run, and healthy: HEALTHY when an essential container has a health check, not UNHEALTHY
 * otherwise (its agent says which, status.discovery).
 *
 * Addresses: an awsvpc task has its own (its attachment's privateIPv4Address) and answers on its
 * container ports; a bridge or host task answers with its instance's address (status.discovery's
 * hostAddress) and the host port published for the registry's containerName/containerPort.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_DISCOVERY_DOMAIN, dnsName, serviceDnsName, type ServiceRegistry } from '../../../api/v1/service-registry.js';
import { serviceGroup, taskAddress, type Task } from '../../../api/v1/task.js';
import type { Service } from '../../../api/v1/service.js';

export interface SrvTarget {
  port: number;
  target: string;
}

export interface NameRecords {
  a: string[];
  srv: SrvTarget[];
}

export interface DiscoveryRecords {
  /** Fully qualified, lower-case, no trailing dot. */
  names: ReadonlyMap<string, NameRecords>;
  /** The zones berth answers for with authority: a name under one that has no records is NXDOMAIN. */
  zones: readonly string[];
  /** Services whose registry names nothing berth can answer for, and why (logged by the caller). */
  problems: { service: string; message: string }[];
}

export type DiscoveryService = Pick<Service, 'metadata' | 'spec'>;
export type DiscoveryTask = Pick<Task, 'metadata' | 'spec' | 'status'>;

export { serviceDnsName };

export function isAnswering(task: DiscoveryTask): boolean {
  const status = task.status;
  if (task.spec.desiredStatus !== 'RUNNING' || status?.lastStatus !== 'RUNNING') return false;
  return status.discovery?.healthChecked ? status.healthStatus === 'HEALTHY' : status.healthStatus !== 'UNHEALTHY';
}

/** Where the task answers: its address, and the SRV port (none when the registry names none it has). */
export function taskEndpoint(task: DiscoveryTask, registry: ServiceRegistry): { address: string; port?: number } | undefined {
  const own = taskAddress(task.status?.attachments);
  if (own !== undefined) {
    const port = registry.port ?? registry.containerPort;
    return port !== undefined ? { address: own, port } : { address: own };
  }
  const address = task.status?.discovery?.hostAddress;
  if (address === undefined) return undefined;
  const containers = task.status?.containers ?? [];
  const bindings = containers
    .filter((c) => registry.containerName === undefined || c.name === registry.containerName)
    .flatMap((c) => c.networkBindings.filter((b) => b.protocol === 'tcp'));
  const binding = registry.containerPort === undefined ? bindings[0] : bindings.find((b) => b.containerPort === registry.containerPort);
  // No published binding for the container port: host mode, where the container's port is the host's.
  const port = binding?.hostPort ?? registry.containerPort;
  return port !== undefined ? { address, port } : { address };
}

/** The task's label under its service's name: its own name when that is a DNS label, else a digest of it. */
export function targetLabel(taskName: string): string {
  const label = dnsName(taskName);
  return label !== undefined && !label.includes('.') ? label : createHash('sha256').update(taskName).digest('hex').slice(0, 32);
}

function parentZone(name: string): string {
  return name.slice(name.indexOf('.') + 1);
}

export function buildRecords(services: readonly DiscoveryService[], tasks: readonly DiscoveryTask[]): DiscoveryRecords {
  const names = new Map<string, NameRecords>();
  const zones = new Set<string>([DEFAULT_DISCOVERY_DOMAIN]);
  const problems: DiscoveryRecords['problems'] = [];
  const byGroup = new Map<string, DiscoveryTask[]>();
  for (const t of tasks) {
    if (t.spec.group === undefined || !isAnswering(t)) continue;
    const list = byGroup.get(t.spec.group) ?? [];
    list.push(t);
    byGroup.set(t.spec.group, list);
  }
  const recordsOf = (name: string): NameRecords => {
    const existing = names.get(name);
    if (existing) return existing;
    const created: NameRecords = { a: [], srv: [] };
    names.set(name, created);
    return created;
  };
  for (const service of services) {
    for (const registry of service.spec.serviceRegistries ?? []) {
      const named = serviceDnsName(service, registry);
      if ('error' in named) {
        problems.push({ service: service.metadata.name, message: named.error });
        continue;
      }
      zones.add(parentZone(named.name));
      // The name exists (NOERROR, no answers) while the service has no healthy task.
      const records = recordsOf(named.name);
      const members = [...(byGroup.get(serviceGroup(service.metadata.name)) ?? [])].sort((x, y) => x.metadata.name.localeCompare(y.metadata.name));
      for (const task of members) {
        const endpoint = taskEndpoint(task, registry);
        if (endpoint === undefined) continue;
        if (!records.a.includes(endpoint.address)) records.a.push(endpoint.address);
        if (endpoint.port === undefined) continue;
        const target = `${targetLabel(task.metadata.name)}.${named.name}`;
        records.srv.push({ port: endpoint.port, target });
        recordsOf(target).a.push(endpoint.address);
      }
    }
  }
  return { names, zones: [...zones].sort((x, y) => y.length - x.length), problems };
}

export type QuestionType = 'A' | 'SRV' | 'ANY' | string;

export type Lookup =
  | { kind: 'answer'; a: string[]; srv: SrvTarget[] }
  | { kind: 'nxdomain'; zone: string }
  /** Not a name berth answers for: forward it. */
  | { kind: 'foreign' };

/** What to answer for one question: records of the asked type (none: NODATA), NXDOMAIN in a zone of berth's, or someone else's name. */
export function lookup(records: DiscoveryRecords, name: string, type: QuestionType): Lookup {
  const n = name.toLowerCase().replace(/\.$/, '');
  const found = records.names.get(n);
  const zone = records.zones.find((z) => n === z || n.endsWith(`.${z}`));
  if (!found) {
    if (zone === undefined) return { kind: 'foreign' };
    return hasChild(records, n) ? { kind: 'answer', a: [], srv: [] } : { kind: 'nxdomain', zone };
  }
  return {
    kind: 'answer',
    a: type === 'A' || type === 'ANY' ? found.a : [],
    srv: type === 'SRV' || type === 'ANY' ? found.srv : [],
  };
}

/** A name with names below it exists (an "empty non-terminal", RFC 8020): NODATA, not NXDOMAIN, or resolvers would cut off the names under it. */
function hasChild(records: DiscoveryRecords, name: string): boolean {
  for (const k of records.names.keys()) if (k.endsWith(`.${name}`)) return true;
  return records.zones.some((z) => z === name || z.endsWith(`.${name}`));
}
