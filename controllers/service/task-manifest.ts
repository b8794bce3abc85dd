/** The Task a service starts, as the conventions (controllers/conventions.ts) lay it out. */
import { randomBytes } from 'node:crypto';
import type { TargetGroupSide } from '../../api/v1/advanced-configuration.js';
import { API_VERSION } from '../../api/v1/meta.js';
import { serviceGroup } from '../../api/v1/task.js';
import { TASK_LABELS } from '../conventions.js';
import type { ObjectOf } from '../kit/types.js';

type Service = ObjectOf<'Service'>;

/** Label values are at most 63 characters; a longer service name is found through spec.group. */
const MAX_LABEL_VALUE = 63;

/** `web-3f9c2a81d04e`: the service's name and 12 random hex digits. */
export function newTaskName(serviceName: string): string {
  return `${serviceName.slice(0, 200)}-${randomBytes(6).toString('hex')}`;
}

export function taskManifest(service: Service, name: string, deployment: string, taskDefinition: string, now: string, side?: TargetGroupSide) {
  const labels: Record<string, string> = { [TASK_LABELS.deployment]: deployment };
  if (side === 'ALTERNATE') labels[TASK_LABELS.targetGroupSide] = side;
  if (service.metadata.name.length <= MAX_LABEL_VALUE) labels[TASK_LABELS.service] = service.metadata.name;
  return {
    apiVersion: API_VERSION,
    kind: 'Task' as const,
    metadata: {
      name,
      cluster: service.metadata.cluster,
      labels,
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'Service', name: service.metadata.name, uid: service.metadata.uid ?? '', controller: true }],
    },
    spec: {
      taskDefinition,
      desiredStatus: 'RUNNING',
      group: serviceGroup(service.metadata.name),
      startedBy: deployment,
      launchType: service.spec.launchType,
      ...(service.spec.placementConstraints ? { placementConstraints: service.spec.placementConstraints } : {}),
      ...(service.spec.placementStrategy ? { placementStrategy: service.spec.placementStrategy } : {}),
    },
    status: { lastStatus: 'PENDING', createdAt: now },
  };
}
