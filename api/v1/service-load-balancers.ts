/**
 * A Service's `loadBalancers` (ECS's CreateService field): each entry registers every task's
 * `containerName`:`containerPort` — as the instance's address and the host port Docker bound it
 * to — in a target group. Whether the container and port exist is checked against the task
 * definition by `loadBalancerPortIssues` (the service's revision is resolved only later).
 */
import { z } from 'zod';
import { EcsIdentifier } from './common.js';
import { AdvancedConfiguration } from './advanced-configuration.js';
import { TargetGroupRef, TARGET_GROUP_REF_MESSAGE, hasOneTargetGroupRef } from './target-group-ref.js';

export const ServiceLoadBalancer = TargetGroupRef.extend({
  /** ECS's field for Classic Load Balancers: accepted, and must not be the only thing named. */
  loadBalancerName: z.string().min(1).max(32).optional(),
  containerName: EcsIdentifier,
  containerPort: z.int().min(1).max(65535),
  advancedConfiguration: AdvancedConfiguration.optional(),
}).refine(hasOneTargetGroupRef, { message: TARGET_GROUP_REF_MESSAGE, path: ['targetGroupName'] });
export type ServiceLoadBalancer = z.infer<typeof ServiceLoadBalancer>;

export const ServiceLoadBalancers = z.array(ServiceLoadBalancer).max(5, 'a service registers in at most 5 target groups, as in ECS');

export interface LoadBalancerPortIssue {
  /** Path inside the Service: ['spec', 'loadBalancers', 0, 'containerPort']. */
  path: (string | number)[];
  message: string;
}

/** Entries naming a container the task definition lacks, or a port none of its portMappings has. */
export function loadBalancerPortIssues(
  loadBalancers: readonly ServiceLoadBalancer[],
  containers: readonly { name: string; portMappings?: readonly { containerPort: number }[] | undefined }[],
  revision: string,
): LoadBalancerPortIssue[] {
  return loadBalancers.flatMap((lb, i): LoadBalancerPortIssue[] => {
    const container = containers.find((c) => c.name === lb.containerName);
    if (!container)
      return [
        {
          path: ['spec', 'loadBalancers', i, 'containerName'],
          message: `task definition ${revision} has no container "${lb.containerName}" (it has ${containers.map((c) => `"${c.name}"`).join(', ')}); name one of them`,
        },
      ];
    const ports = (container.portMappings ?? []).map((p) => p.containerPort);
    if (ports.includes(lb.containerPort)) return [];
    return [
      {
        path: ['spec', 'loadBalancers', i, 'containerPort'],
        message: `container "${lb.containerName}" of ${revision} maps no containerPort ${lb.containerPort} (its portMappings: ${ports.join(', ') || 'none'}); add the port to its portMappings or name a mapped one`,
      },
    ];
  });
}
