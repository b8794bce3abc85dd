/** A ContainerInstance as DescribeContainerInstances' `containerInstances[]` element. */
import { ecsArn } from '../../../v1/arn.js';
import type { ContainerInstance } from '../../../v1/container-instance.js';
import { DEFAULT_RESERVED_PORTS } from '../../../v1/container-instance.js';
import { defined, ecsTime, type EcsContext } from './context.js';

/** ECS's Resource: every value field present, the one that matters set. */
const integer = (name: string, value: number) => ({ name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value });
const stringSet = (name: string, ports: readonly number[]) => ({
  name,
  type: 'STRINGSET',
  doubleValue: 0,
  longValue: 0,
  integerValue: 0,
  stringSetValue: ports.map(String),
});

export function ecsContainerInstance(instance: ContainerInstance, ctx: EcsContext): Record<string, unknown> {
  const { spec, status, metadata } = instance;
  const registered = spec.registeredResources;
  const remaining = status?.remainingResources;
  return defined({
    containerInstanceArn: ecsArn.containerInstance(ctx, metadata.cluster, metadata.name),
    version: metadata.generation ?? 1,
    versionInfo: { agentVersion: spec.agent?.version ?? '', agentHash: '', dockerVersion: '' },
    remainingResources: [
      integer('CPU', remaining?.cpu ?? registered.cpu),
      integer('MEMORY', remaining?.memory ?? registered.memory),
      stringSet('PORTS', remaining?.portsTcp ?? registered.ports ?? DEFAULT_RESERVED_PORTS),
      stringSet('PORTS_UDP', remaining?.portsUdp ?? registered.portsUdp ?? []),
    ],
    registeredResources: [
      integer('CPU', registered.cpu),
      integer('MEMORY', registered.memory),
      stringSet('PORTS', registered.ports ?? DEFAULT_RESERVED_PORTS),
      stringSet('PORTS_UDP', registered.portsUdp ?? []),
    ],
    status: spec.status,
    agentConnected: status?.agentConnected ?? false,
    runningTasksCount: status?.runningTasksCount ?? 0,
    pendingTasksCount: status?.pendingTasksCount ?? 0,
    // An attribute set without a value (PutAttributes) is kept as "" and shown, as ECS shows it, without one.
    attributes: Object.entries(spec.attributes).map(([name, value]) => (value === '' ? { name } : { name, value })),
    registeredAt: ecsTime(status?.registeredAt ?? metadata.creationTimestamp),
    attachments: [],
    tags: [],
  });
}
