/**
 * The rules ECS applies across the containers of one task definition (RegisterTaskDefinition's
 * ClientExceptions), as a pure function from a parsed spec to issues with precise paths.
 */
import { cycleIssues, danglingReferenceIssues, type RuleIssue } from './container-graph.js';
import type { ContainerDefinition } from './container-definition.js';
import { effectiveHostPort, sharesHostPorts, takesHostPorts, type NetworkMode } from './networking.js';
import type { Volume } from './volume.js';

export interface TaskDefinitionShape {
  networkMode: NetworkMode;
  cpu?: number | undefined;
  memory?: number | undefined;
  containerDefinitions: ContainerDefinition[];
  volumes?: Volume[] | undefined;
}

export function taskDefinitionIssues(spec: TaskDefinitionShape): RuleIssue[] {
  const containers = spec.containerDefinitions;
  return [
    ...essentialIssues(containers),
    ...duplicateNameIssues(containers),
    ...danglingReferenceIssues(containers),
    ...cycleIssues(containers),
    ...dependencyConditionIssues(containers),
    ...memoryIssues(spec),
    ...cpuIssues(spec),
    ...portIssues(spec),
    ...linkModeIssues(spec),
    ...volumeIssues(spec),
  ];
}

const at = (i: number, ...rest: (string | number)[]) => ['containerDefinitions', i, ...rest];

function essentialIssues(containers: readonly ContainerDefinition[]): RuleIssue[] {
  if (containers.length === 0 || containers.some((c) => c.essential)) return [];
  return [{ path: ['containerDefinitions'], message: 'at least one container must be essential' }];
}

function duplicateNameIssues(containers: readonly ContainerDefinition[]): RuleIssue[] {
  const first = new Map<string, number>();
  const issues: RuleIssue[] = [];
  containers.forEach((c, i) => {
    const j = first.get(c.name);
    if (j === undefined) first.set(c.name, i);
    else issues.push({ path: at(i, 'name'), message: `duplicate container name "${c.name}" (first used at index ${j})` });
  });
  return issues;
}

/** HEALTHY needs a health check to wait for; COMPLETE and SUCCESS wait for an exit an essential container must not make. */
function dependencyConditionIssues(containers: readonly ContainerDefinition[]): RuleIssue[] {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const issues: RuleIssue[] = [];
  containers.forEach((c, i) =>
    c.dependsOn?.forEach((d, k) => {
      const target = byName.get(d.containerName);
      if (!target || target === c) return;
      const path = at(i, 'dependsOn', k, 'condition');
      if (d.condition === 'HEALTHY' && !target.healthCheck) issues.push({ path, message: `HEALTHY needs container "${target.name}" to have a healthCheck` });
      if ((d.condition === 'COMPLETE' || d.condition === 'SUCCESS') && target.essential)
        issues.push({ path, message: `${d.condition} cannot wait on "${target.name}": it is essential, so its exit stops the task` });
    }),
  );
  return issues;
}

function memoryIssues(spec: TaskDefinitionShape): RuleIssue[] {
  const issues: RuleIssue[] = [];
  let reserved = 0;
  spec.containerDefinitions.forEach((c, i) => {
    reserved += c.memoryReservation ?? c.memory ?? 0;
    if (spec.memory === undefined && c.memory === undefined && c.memoryReservation === undefined)
      issues.push({
        path: at(i, 'memory'),
        message: `container "${c.name}" needs memory or memoryReservation (or set the task-level memory)`,
      });
    if (spec.memory !== undefined && c.memory !== undefined && c.memory > spec.memory)
      issues.push({ path: at(i, 'memory'), message: `memory ${c.memory} MiB exceeds the task's ${spec.memory} MiB` });
  });
  if (spec.memory !== undefined && reserved > spec.memory)
    issues.push({ path: ['memory'], message: `containers reserve ${reserved} MiB, more than the task's ${spec.memory} MiB` });
  return issues;
}

function cpuIssues(spec: TaskDefinitionShape): RuleIssue[] {
  if (spec.cpu === undefined) return [];
  const total = spec.containerDefinitions.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  return total > spec.cpu ? [{ path: ['cpu'], message: `containers reserve ${total} cpu units, more than the task's ${spec.cpu}` }] : [];
}

function portIssues(spec: TaskDefinitionShape): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const taken = new Map<string, string>();
  spec.containerDefinitions.forEach((c, i) => {
    if (spec.networkMode === 'none' && c.portMappings?.length)
      issues.push({ path: at(i, 'portMappings'), message: 'networkMode "none" allows no port mappings' });
    c.portMappings?.forEach((m, k) => {
      const path = at(i, 'portMappings', k, 'hostPort');
      if (sharesHostPorts(spec.networkMode) && m.hostPort !== undefined && m.hostPort !== m.containerPort)
        issues.push({
          path,
          message: `in networkMode "${spec.networkMode}" hostPort must equal containerPort (${m.containerPort}) or be omitted`,
        });
      const port = effectiveHostPort(m, spec.networkMode);
      if (port === 0) return;
      const key = `${port}/${m.protocol}`;
      const owner = taken.get(key);
      // awsvpc takes no host port, but its containers share one network namespace, so one port each still.
      const what = takesHostPorts(spec.networkMode) ? 'host port' : "port (the task's containers share one network namespace)";
      if (owner !== undefined) issues.push({ path, message: `${what} ${key} is already used by container "${owner}"` });
      else taken.set(key, c.name);
    });
  });
  return issues;
}

/** Docker links exist only on the default bridge; ECS rejects them in the other modes. */
function linkModeIssues(spec: TaskDefinitionShape): RuleIssue[] {
  if (spec.networkMode === 'bridge') return [];
  const issues: RuleIssue[] = [];
  spec.containerDefinitions.forEach((c, i) => {
    if (c.links?.length) issues.push({ path: at(i, 'links'), message: `links are not allowed with networkMode "${spec.networkMode}"` });
  });
  return issues;
}

function volumeIssues(spec: TaskDefinitionShape): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const declared = new Set<string>();
  spec.volumes?.forEach((v, i) => {
    if (declared.has(v.name)) issues.push({ path: ['volumes', i, 'name'], message: `duplicate volume name "${v.name}"` });
    declared.add(v.name);
  });
  spec.containerDefinitions.forEach((c, i) =>
    c.mountPoints?.forEach((m, k) => {
      if (!declared.has(m.sourceVolume))
        issues.push({
          path: at(i, 'mountPoints', k, 'sourceVolume'),
          message: `no volume named "${m.sourceVolume}" in volumes${declared.size ? ` (declared: ${[...declared].join(', ')})` : ''}`,
        });
    }),
  );
  return issues;
}
