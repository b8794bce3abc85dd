/**
 * The columns `berth get` prints for each kind, kubectl-style: a short default set and `-o wide`
 * extras. Each column is a pure function of the object and the time, so it is table-tested.
 */
import type { ObjectOf } from '../../api/client/types.js';
import type { KindName } from '../../api/keys.js';
import { ATTRIBUTES, type BerthObject } from '../../api/v1/index.js';
import { age } from './age.js';
import { plainPalette, type Palette } from './colour.js';

export interface Column<K extends KindName> {
  header: string;
  wide?: boolean;
  cell(obj: ObjectOf<K>, now: Date, palette: Palette): string;
}

const NONE = '<none>';
const orNone = (v: string | number | undefined) => (v === undefined || v === '' ? NONE : String(v));

const serviceColumns: Column<'Service'>[] = [
  { header: 'NAME', cell: (s) => s.metadata.name },
  { header: 'DESIRED', cell: (s) => String(s.spec.desiredCount) },
  { header: 'RUNNING', cell: (s) => String(s.status?.runningCount ?? 0) },
  { header: 'PENDING', cell: (s) => String(s.status?.pendingCount ?? 0) },
  { header: 'TASK-DEFINITION', cell: (s) => s.status?.taskDefinition ?? s.spec.taskDefinition },
  { header: 'AGE', cell: (s, now) => age(s.metadata.creationTimestamp, now) },
  {
    header: 'STRATEGY',
    wide: true,
    cell: (s) => {
      const placement = (s.spec.placementStrategy ?? []).map((p) => (p.field ? `${p.type}(${p.field})` : p.type)).join(',');
      return placement ? `${s.spec.schedulingStrategy} ${placement}` : s.spec.schedulingStrategy;
    },
  },
  {
    header: 'DEPLOYMENTS',
    wide: true,
    cell: (s, _now, p) => orNone((s.status?.deployments ?? []).map((d) => `${d.taskDefinition}(${p.status(d.rolloutState)})`).join(',')),
  },
];

const taskColumns: Column<'Task'>[] = [
  { header: 'NAME', cell: (t) => t.metadata.name },
  { header: 'STATUS', cell: (t, _now, p) => p.status(t.status?.lastStatus ?? 'PROVISIONING') },
  { header: 'DESIRED', cell: (t) => t.spec.desiredStatus },
  { header: 'INSTANCE', cell: (t) => orNone(t.spec.containerInstance) },
  { header: 'TASK-DEFINITION', cell: (t) => t.spec.taskDefinition },
  { header: 'HEALTH', cell: (t, _now, p) => p.status(t.status?.healthStatus ?? 'UNKNOWN') },
  { header: 'AGE', cell: (t, now) => age(t.metadata.creationTimestamp, now) },
  { header: 'GROUP', wide: true, cell: (t) => orNone(t.spec.group) },
  {
    header: 'PORTS',
    wide: true,
    cell: (t) => orNone((t.status?.containers ?? []).flatMap((c) => c.networkBindings.map((b) => `${b.hostPort}->${b.containerPort}/${b.protocol}`)).join(',')),
  },
  { header: 'STOPPED-REASON', wide: true, cell: (t) => orNone(t.status?.stoppedReason) },
];

const taskDefinitionColumns: Column<'TaskDefinition'>[] = [
  { header: 'NAME', cell: (td) => td.metadata.name },
  { header: 'STATUS', cell: (td, _now, p) => p.status(td.status?.status ?? 'ACTIVE') },
  { header: 'CONTAINERS', cell: (td) => String(td.spec.containerDefinitions.length) },
  { header: 'CPU', cell: (td) => orNone(td.spec.cpu ?? sumOf(td.spec.containerDefinitions.map((c) => c.cpu))) },
  { header: 'MEMORY', cell: (td) => orNone(td.spec.memory ?? sumOf(td.spec.containerDefinitions.map((c) => c.memory ?? c.memoryReservation))) },
  { header: 'AGE', cell: (td, now) => age(td.status?.registeredAt ?? td.metadata.creationTimestamp, now) },
  { header: 'IMAGES', wide: true, cell: (td) => td.spec.containerDefinitions.map((c) => c.image).join(',') },
];

const instanceColumns: Column<'ContainerInstance'>[] = [
  { header: 'NAME', cell: (ci) => ci.metadata.name },
  { header: 'STATUS', cell: (ci, _now, p) => p.status(ci.spec.status) },
  { header: 'CONNECTED', cell: (ci, _now, p) => p.status(String(ci.status?.agentConnected ?? false)) },
  { header: 'RUNNING', cell: (ci) => String(ci.status?.runningTasksCount ?? 0) },
  { header: 'CPU-FREE', cell: (ci) => `${ci.status?.remainingResources?.cpu ?? ci.spec.registeredResources.cpu}/${ci.spec.registeredResources.cpu}` },
  { header: 'MEM-FREE', cell: (ci) => `${ci.status?.remainingResources?.memory ?? ci.spec.registeredResources.memory}/${ci.spec.registeredResources.memory}` },
  { header: 'AZ', cell: (ci) => orNone(ci.spec.attributes[ATTRIBUTES.availabilityZone]) },
  { header: 'AGE', cell: (ci, now) => age(ci.metadata.creationTimestamp, now) },
  { header: 'HEARTBEAT', wide: true, cell: (ci, now) => (ci.status?.lastHeartbeat ? `${age(ci.status.lastHeartbeat, now)} ago` : NONE) },
  { header: 'AGENT', wide: true, cell: (ci) => orNone(ci.spec.agent?.address) },
];

const clusterColumns: Column<'Cluster'>[] = [
  { header: 'NAME', cell: (c) => c.metadata.name },
  { header: 'INSTANCES', cell: (c) => String(c.status?.registeredContainerInstancesCount ?? 0) },
  { header: 'SERVICES', cell: (c) => String(c.status?.activeServicesCount ?? 0) },
  { header: 'RUNNING', cell: (c) => String(c.status?.runningTasksCount ?? 0) },
  { header: 'AGE', cell: (c, now) => age(c.metadata.creationTimestamp, now) },
  { header: 'PENDING', wide: true, cell: (c) => String(c.status?.pendingTasksCount ?? 0) },
];

const leaseColumns: Column<'Lease'>[] = [
  { header: 'NAME', cell: (l) => l.metadata.name },
  { header: 'HOLDER', cell: (l) => orNone(l.spec.holderIdentity) },
  { header: 'RENEWED', cell: (l, now) => (l.spec.renewTime ? `${age(l.spec.renewTime, now)} ago` : NONE) },
  { header: 'DURATION', cell: (l) => `${l.spec.leaseDurationSeconds}s` },
  { header: 'TRANSITIONS', wide: true, cell: (l) => String(l.spec.leaseTransitions ?? 0) },
];

// Names and sizes only: the values never reach a client (api/usecases/secrets/public-view.ts).
const secretColumns: Column<'Secret'>[] = [
  { header: 'NAME', cell: (s) => s.metadata.name },
  { header: 'TYPE', cell: (s) => s.spec.type },
  { header: 'DATA', cell: (s) => String(Object.keys(s.spec.keys ?? {}).length) },
  { header: 'AGE', cell: (s, now) => age(s.metadata.creationTimestamp, now) },
  { header: 'KEYS', wide: true, cell: (s) => orNone(Object.keys(s.spec.keys ?? {}).join(',')) },
];

const loadBalancerColumns: Column<'LoadBalancer'>[] = [
  { header: 'NAME', cell: (l) => l.metadata.name },
  { header: 'LISTENERS', cell: (l) => l.spec.listeners.map((x) => `${x.port}/${x.protocol}`).join(',') },
  { header: 'AGE', cell: (l, now) => age(l.metadata.creationTimestamp, now) },
];

const targetGroupColumns: Column<'TargetGroup'>[] = [
  { header: 'NAME', cell: (g) => g.metadata.name },
  { header: 'PROTOCOL', cell: (g) => g.spec.protocol },
  { header: 'HEALTHY', cell: (g) => `${(g.status?.targets ?? []).filter((t) => t.health === 'healthy').length}/${(g.status?.targets ?? []).length}` },
  { header: 'AGE', cell: (g, now) => age(g.metadata.creationTimestamp, now) },
  { header: 'TARGETS', wide: true, cell: (g) => orNone((g.status?.targets ?? []).map((t) => `${t.id}:${t.port}(${t.health})`).join(',')) },
];

const COLUMNS: { [K in KindName]: Column<K>[] } = {
  Service: serviceColumns,
  Task: taskColumns,
  TaskDefinition: taskDefinitionColumns,
  ContainerInstance: instanceColumns,
  Cluster: clusterColumns,
  Lease: leaseColumns,
  Secret: secretColumns,
  LoadBalancer: loadBalancerColumns,
  TargetGroup: targetGroupColumns,
};

export interface TableOptions {
  wide?: boolean;
  /** Objects from several clusters: a CLUSTER column first, like kubectl's NAMESPACE with -A. */
  withCluster?: boolean;
  now?: Date;
  palette?: Palette;
}

export function headersFor(kind: KindName, options: TableOptions = {}): string[] {
  const columns = COLUMNS[kind].filter((c) => options.wide || !c.wide).map((c) => c.header);
  return options.withCluster && kind !== 'Cluster' ? ['CLUSTER', ...columns] : columns;
}

export function rowFor<K extends KindName>(kind: K, obj: ObjectOf<K>, options: TableOptions = {}): string[] {
  const now = options.now ?? new Date();
  const palette = options.palette ?? plainPalette;
  const columns: Column<K>[] = COLUMNS[kind];
  const cells = columns.filter((c) => options.wide || !c.wide).map((c) => c.cell(obj, now, palette));
  return options.withCluster && kind !== 'Cluster' ? [obj.metadata.cluster, ...cells] : cells;
}

/** rowFor for an object whose kind is only known at run time. */
export function rowForObject(obj: BerthObject, options: TableOptions = {}): string[] {
  switch (obj.kind) {
    case 'Service':
      return rowFor('Service', obj, options);
    case 'Task':
      return rowFor('Task', obj, options);
    case 'TaskDefinition':
      return rowFor('TaskDefinition', obj, options);
    case 'ContainerInstance':
      return rowFor('ContainerInstance', obj, options);
    case 'Cluster':
      return rowFor('Cluster', obj, options);
    case 'Lease':
      return rowFor('Lease', obj, options);
    case 'Secret':
      return rowFor('Secret', obj, options);
    case 'LoadBalancer':
      return rowFor('LoadBalancer', obj, options);
    case 'TargetGroup':
      return rowFor('TargetGroup', obj, options);
  }
}

function sumOf(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}
