/**
 * A compose project → berth manifests: by default a TaskDefinition and a Service per compose
 * service (each scales on its own, as compose's services do); with `singleTask`, one task definition
 * holding every service as a container and one Service, so that depends_on keeps its meaning (ECS
 * orders containers only within a task). Pure: the loader reads files and places findings.
 */
import { API_VERSION } from '../../api/v1/meta.js';
import { type ContainerInput, type Finding, type MapContext, type MappedService, type VolumeInput, ecsName, mapService } from './map-service.js';
import type { Compose } from './schema.js';

export const COMPOSE_PROJECT_LABEL = 'berth.dev/compose-project';
export const COMPOSE_SERVICE_LABEL = 'berth.dev/compose-service';

export interface ConvertOptions {
  project: string;
  singleTask: boolean;
}

export interface ManifestObject {
  apiVersion: string;
  kind: 'TaskDefinition' | 'Service';
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface Conversion {
  objects: ManifestObject[];
  findings: Finding[];
}

export function convertCompose(compose: Compose, ctx: Omit<MapContext, 'project'>, options: ConvertOptions): Conversion {
  const project = ecsName(options.project);
  const mapped = new Map<string, MappedService>();
  const findings: Finding[] = [];
  for (const [name, svc] of Object.entries(compose.services ?? {})) {
    const m = mapService(name, svc, { ...ctx, project });
    mapped.set(name, m);
    findings.push(...m.findings);
    for (const dep of m.dependsOn)
      if (!compose.services?.[dep.service])
        findings.push({
          severity: 'error',
          path: ['services', name, 'depends_on'],
          message: `depends on "${dep.service}", which is not a service of this file`,
        });
  }
  if (mapped.size === 0) findings.push({ severity: 'error', path: [], message: 'no services: nothing to convert' });
  for (const key of Object.keys(compose))
    if (!['services', 'volumes', 'secrets', 'configs', 'name', 'version'].includes(key) && !key.startsWith('x-'))
      findings.push({ severity: 'warning', path: [key], message: `top-level ${key} not mapped to ECS: ignored` });
  const objects = options.singleTask ? oneTask(project, mapped, findings) : taskPerService(project, mapped, findings);
  return { objects, findings };
}

function taskPerService(project: string, mapped: Map<string, MappedService>, findings: Finding[]): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const [name, m] of mapped) {
    const family = `${project}-${ecsName(name)}`;
    for (const dep of m.dependsOn)
      findings.push({
        severity: 'warning',
        path: ['services', name, 'depends_on', dep.service],
        message: `ordering across services is not kept: "${name}" and "${dep.service}" are separate berth services that start independently (use --single-task to keep depends_on as container dependsOn)`,
      });
    objects.push(taskDefinition(family, project, name, [m.container], m.volumes));
    objects.push(service(family, project, name, m.desiredCount));
  }
  return objects;
}

function oneTask(project: string, mapped: Map<string, MappedService>, findings: Finding[]): ManifestObject[] {
  const containers: ContainerInput[] = [];
  const volumes: VolumeInput[] = [];
  const counts = new Set<number>();
  for (const m of mapped.values()) {
    const deps = m.dependsOn.filter((d) => mapped.has(d.service));
    const container: ContainerInput = { ...m.container };
    if (deps.length > 0) {
      container.dependsOn = deps.map((d) => ({ containerName: ecsName(d.service), condition: d.condition }));
      // Compose services reach each other by service name; links give the same names on the bridge.
      container.links = deps.map((d) => ecsName(d.service));
    }
    // A one-shot container (a migration) that others wait for must be allowed to exit.
    const oneShot = [...mapped.values()].some((o) => o.dependsOn.some((d) => d.condition === 'SUCCESS' && mapped.get(d.service) === m));
    if (oneShot) container.essential = false;
    containers.push(container);
    for (const v of m.volumes) if (!volumes.some((known) => known.name === v.name)) volumes.push(v);
    counts.add(m.desiredCount);
  }
  const desired = Math.max(1, ...counts);
  if (counts.size > 1)
    findings.push({
      severity: 'warning',
      path: ['services'],
      message: `replicas differ between services; with --single-task the one task runs ${desired} times`,
    });
  return [taskDefinition(project, project, undefined, containers, volumes), service(project, project, undefined, desired)];
}

function labels(project: string, service: string | undefined): Record<string, string> {
  return { [COMPOSE_PROJECT_LABEL]: project, ...(service ? { [COMPOSE_SERVICE_LABEL]: ecsName(service) } : {}) };
}

function taskDefinition(family: string, project: string, svc: string | undefined, containers: ContainerInput[], volumes: VolumeInput[]): ManifestObject {
  return {
    apiVersion: API_VERSION,
    kind: 'TaskDefinition',
    metadata: { name: family, labels: labels(project, svc) },
    spec: { containerDefinitions: containers, ...(volumes.length > 0 ? { volumes } : {}) },
  };
}

function service(family: string, project: string, svc: string | undefined, desiredCount: number): ManifestObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Service',
    metadata: { name: family, labels: labels(project, svc) },
    spec: { taskDefinition: family, desiredCount },
  };
}
