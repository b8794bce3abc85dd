/**
 * `berth describe` text, in kubectl describe's style: aligned `Field:  value` lines, indented
 * sections, tables for deployments, containers and events, events newest last with their ages.
 */
import type { ObjectOf } from '../../api/client/types.js';
import { formatTaskDefinitionRef, type BerthObject, type ServiceEvent } from '../../api/v1/index.js';
import { LAST_APPLIED_ANNOTATION } from '../apply/constants.js';
import { age } from './age.js';
import { renderTable } from './table.js';

type Field = [label: string, value: string | number | boolean | undefined];
const NONE = '<none>';

class Sections {
  private readonly lines: string[] = [];

  fields(fields: Field[], indent = 0): this {
    const width = Math.max(...fields.map(([label]) => label.length + 1)) + 2;
    for (const [label, value] of fields) {
      const text = value === undefined || value === '' ? NONE : String(value);
      const [first = '', ...rest] = text.split('\n');
      this.lines.push(`${' '.repeat(indent)}${`${label}:`.padEnd(width)}${first}`);
      for (const more of rest) this.lines.push(`${' '.repeat(indent + width)}${more}`);
    }
    return this;
  }

  section(title: string, body: string[] | undefined): this {
    if (!body || body.length === 0) {
      this.lines.push(`${title}:`.padEnd(14) + NONE);
      return this;
    }
    this.lines.push(`${title}:`);
    for (const line of body) this.lines.push(`  ${line}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const keyValues = (record: Record<string, string> | undefined, skip: string[] = []) =>
  Object.entries(record ?? {})
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

function header(o: BerthObject): Field[] {
  return [
    ['Name', o.metadata.name],
    ...(o.kind === 'Cluster' ? [] : ([['Cluster', o.metadata.cluster]] satisfies Field[])),
    ['Labels', keyValues(o.metadata.labels)],
    // The last-applied record is a copy of the file: noise here (`get -o yaml` shows it).
    ['Annotations', keyValues(o.metadata.annotations, [LAST_APPLIED_ANNOTATION])],
    ['Created', o.metadata.creationTimestamp],
  ];
}

export function describeObject(o: BerthObject, now: Date): string {
  switch (o.kind) {
    case 'Service':
      return describeService(o, now);
    case 'Task':
      return describeTask(o, now);
    case 'TaskDefinition':
      return describeTaskDefinition(o);
    case 'ContainerInstance':
      return describeInstance(o, now);
    case 'Cluster':
      return new Sections()
        .fields([
          ...header(o),
          ['Instances', o.status?.registeredContainerInstancesCount ?? 0],
          ['Services', o.status?.activeServicesCount ?? 0],
          ['Running tasks', o.status?.runningTasksCount ?? 0],
          ['Pending tasks', o.status?.pendingTasksCount ?? 0],
          ['Settings', keyValues(o.spec.settings)],
        ])
        .text();
    case 'Lease':
      return new Sections()
        .fields([
          ...header(o),
          ['Holder', o.spec.holderIdentity ?? '<none>'],
          ['Acquired', o.spec.acquireTime ?? '<none>'],
          ['Renewed', o.spec.renewTime ?? '<none>'],
          ['Duration', `${o.spec.leaseDurationSeconds}s`],
          ['Transitions', o.spec.leaseTransitions ?? 0],
        ])
        .text();
    case 'Secret':
      return describeSecret(o);
    case 'LoadBalancer':
      return new Sections().fields([...header(o), ['Listeners', o.spec.listeners.map((l) => `${l.port}/${l.protocol}`).join('\n')]]).text();
    case 'TargetGroup':
      return new Sections()
        .fields([
          ...header(o),
          ['Protocol', o.spec.protocol],
          ['Health check', `${o.spec.healthCheck.path} every ${o.spec.healthCheck.intervalSeconds}s`],
          ['Deregistration delay', `${o.spec.deregistrationDelay}s`],
          ['Targets', (o.status?.targets ?? []).map((t) => `${t.id}:${t.port} ${t.task} ${t.health}${t.reason ? ` (${t.reason})` : ''}`).join('\n')],
        ])
        .text();
  }
}

/** As `kubectl describe secret`: each key with its size, never its value. */
function describeSecret(s: ObjectOf<'Secret'>): string {
  const keys = Object.entries(s.spec.keys ?? {}).map(([key, size]) => `${key}:  ${size} bytes`);
  return new Sections()
    .fields([...header(s), ['Type', s.spec.type]])
    .section('Data', keys)
    .text();
}

function describeService(s: ObjectOf<'Service'>, now: Date): string {
  const dc = s.spec.deploymentConfiguration;
  const deployments = s.status?.deployments ?? [];
  return new Sections()
    .fields([
      ...header(s),
      [
        'Task Definition',
        s.spec.taskDefinition + (s.status?.taskDefinition && s.status.taskDefinition !== s.spec.taskDefinition ? ` (${s.status.taskDefinition})` : ''),
      ],
      ['Scheduling', s.spec.schedulingStrategy],
      ['Launch Type', s.spec.launchType],
      ['Replicas', `${s.spec.desiredCount} desired | ${s.status?.runningCount ?? 0} running | ${s.status?.pendingCount ?? 0} pending`],
      ['Placement Strategy', (s.spec.placementStrategy ?? []).map((p) => (p.field ? `${p.type}(${p.field})` : p.type)).join(', ')],
      ['Placement Constraints', (s.spec.placementConstraints ?? []).map((c) => (c.expression ? `${c.type}(${c.expression})` : c.type)).join(', ')],
      [
        'Deployment Config',
        `min ${dc.minimumHealthyPercent}% healthy, max ${dc.maximumPercent}%, circuit breaker ${dc.deploymentCircuitBreaker.enable ? `on${dc.deploymentCircuitBreaker.rollback ? ' (rollback)' : ''}` : 'off'}`,
      ],
      ['Health Grace Period', `${s.spec.healthCheckGracePeriodSeconds}s`],
    ])
    .section(
      'Deployments',
      deployments.length === 0
        ? undefined
        : renderTable(
            ['ID', 'STATUS', 'TASK-DEFINITION', 'DESIRED', 'PENDING', 'RUNNING', 'FAILED', 'ROLLOUT', 'AGE'],
            deployments.map((d) => [
              d.id,
              d.status,
              d.taskDefinition,
              String(d.desiredCount),
              String(d.pendingCount),
              String(d.runningCount),
              String(d.failedTasks),
              d.rolloutStateReason ? `${d.rolloutState} (${d.rolloutStateReason})` : d.rolloutState,
              age(d.createdAt, now),
            ]),
          ),
    )
    .section('Events', eventsTable(s.status?.events ?? [], now))
    .text();
}

/** Service events newest last (the service keeps them newest first). */
export function eventsTable(events: ServiceEvent[], now: Date, limit = 20): string[] | undefined {
  if (events.length === 0) return undefined;
  // Kept newest first; reversed before the (stable) sort so events of the same instant stay in order.
  const recent = [...events]
    .reverse()
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(-limit);
  return renderTable(
    ['AGE', 'MESSAGE'],
    recent.map((e) => [age(e.createdAt, now), e.message]),
  );
}

function describeTask(t: ObjectOf<'Task'>, now: Date): string {
  const st = t.status;
  return new Sections()
    .fields([
      ...header(t),
      ['Task Definition', t.spec.taskDefinition],
      ['Status', `${st?.lastStatus ?? 'PROVISIONING'} (desired ${t.spec.desiredStatus})`],
      ['Health', st?.healthStatus ?? 'UNKNOWN'],
      ['Instance', t.spec.containerInstance],
      ['Group', t.spec.group],
      ['Started By', t.spec.startedBy],
      ['Started', st?.startedAt ? `${st.startedAt} (${age(st.startedAt, now)} ago)` : undefined],
      ['Pending Reason', st?.pendingReason],
      ['Stop Reason', t.spec.stopReason],
      ['Stopped Reason', st?.stoppedReason ? `${st.stoppedReason}${st.stopCode ? ` (${st.stopCode})` : ''}` : undefined],
    ])
    .section(
      'Containers',
      (st?.containers ?? []).length === 0
        ? undefined
        : renderTable(
            ['NAME', 'STATUS', 'HEALTH', 'EXIT', 'PORTS', 'REASON'],
            (st?.containers ?? []).map((c) => [
              c.name,
              c.lastStatus,
              c.healthStatus,
              c.exitCode === undefined ? '-' : String(c.exitCode),
              c.networkBindings.map((b) => `${b.hostPort}->${b.containerPort}/${b.protocol}`).join(',') || '-',
              c.reason ?? '-',
            ]),
          ),
    )
    .section('Events', eventsTable(st?.events ?? [], now))
    .text();
}

function describeTaskDefinition(td: ObjectOf<'TaskDefinition'>): string {
  return new Sections()
    .fields([
      ...header(td),
      ['Family', td.spec.family],
      ['Revision', td.status?.revision === undefined ? undefined : formatTaskDefinitionRef({ family: td.spec.family, revision: td.status.revision })],
      ['Status', td.status?.status ?? 'ACTIVE'],
      ['Network Mode', td.spec.networkMode],
      ['Task CPU', td.spec.cpu],
      ['Task Memory', td.spec.memory],
      ['Registered', td.status?.registeredAt],
      ['Deregistered', td.status?.deregisteredAt],
    ])
    .section(
      'Containers',
      renderTable(
        ['NAME', 'IMAGE', 'CPU', 'MEMORY', 'PORTS', 'ESSENTIAL', 'COMMAND'],
        td.spec.containerDefinitions.map((c) => [
          c.name,
          c.image,
          c.cpu === undefined ? '-' : String(c.cpu),
          c.memory !== undefined ? String(c.memory) : c.memoryReservation !== undefined ? `${c.memoryReservation} (soft)` : '-',
          (c.portMappings ?? []).map((p) => `${p.hostPort ?? 0}:${p.containerPort}/${p.protocol ?? 'tcp'}`).join(',') || '-',
          String(c.essential),
          c.command ? c.command.join(' ') : '-',
        ]),
      ),
    )
    .text();
}

function describeInstance(ci: ObjectOf<'ContainerInstance'>, now: Date): string {
  const st = ci.status;
  const reg = ci.spec.registeredResources;
  return new Sections()
    .fields([
      ...header(ci),
      ['Status', ci.spec.status],
      ['Agent Connected', st?.agentConnected ?? false],
      ['Agent', ci.spec.agent?.address],
      ['Last Heartbeat', st?.lastHeartbeat ? `${st.lastHeartbeat} (${age(st.lastHeartbeat, now)} ago)` : undefined],
      ['Attributes', keyValues(ci.spec.attributes)],
      ['CPU', `${st?.remainingResources?.cpu ?? reg.cpu} free of ${reg.cpu}`],
      ['Memory', `${st?.remainingResources?.memory ?? reg.memory} MiB free of ${reg.memory}`],
      ['Ports In Use', (st?.remainingResources?.portsTcp ?? reg.ports ?? []).join(',')],
      ['Tasks', `${st?.runningTasksCount ?? 0} running, ${st?.pendingTasksCount ?? 0} pending`],
    ])
    .text();
}
