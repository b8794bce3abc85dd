/** A Service as DescribeServices' `services[]` element. */
import { ecsArn } from '../../../v1/arn.js';
import type { Service } from '../../../v1/service.js';
import { defined, ecsTime, serviceDeploymentId, taskDefinitionArnOf, type EcsContext } from './context.js';

export function ecsService(service: Service, ctx: EcsContext): Record<string, unknown> {
  const { spec, status, metadata } = service;
  const cluster = metadata.cluster;
  const current = status?.taskDefinition ?? status?.resolvedTaskDefinition;
  const primary = status?.deployments.find((d) => d.status === 'PRIMARY');
  const id = (d: { id: string }) => serviceDeploymentId(d.id);
  return defined({
    serviceArn: ecsArn.service(ctx, cluster, metadata.name),
    serviceName: metadata.name,
    clusterArn: ecsArn.cluster(ctx, cluster),
    loadBalancers: [],
    serviceRegistries: spec.serviceRegistries ?? [],
    status: metadata.deletionTimestamp ? 'DRAINING' : 'ACTIVE',
    desiredCount: spec.desiredCount,
    runningCount: status?.runningCount ?? 0,
    pendingCount: status?.pendingCount ?? 0,
    launchType: spec.launchType,
    // ECS shows the revision the service runs; a service that follows its family shows the newest it resolved.
    taskDefinition: taskDefinitionArnOf(ctx, current ?? spec.taskDefinition),
    deploymentConfiguration: spec.deploymentConfiguration,
    deployments: (status?.deployments ?? []).map((d) =>
      defined({
        id: d.id,
        status: d.status,
        taskDefinition: taskDefinitionArnOf(ctx, d.taskDefinition),
        desiredCount: d.desiredCount,
        pendingCount: d.pendingCount,
        runningCount: d.runningCount,
        failedTasks: d.failedTasks,
        createdAt: ecsTime(d.createdAt),
        updatedAt: ecsTime(d.updatedAt),
        launchType: spec.launchType,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason,
      }),
    ),
    events: (status?.events ?? []).map((e) => ({ id: e.id, createdAt: ecsTime(e.createdAt), message: e.message })),
    createdAt: ecsTime(metadata.creationTimestamp),
    // The deployment in progress or last completed, and the revisions with tasks (an INACTIVE one, kept
    // only to roll back to, has none): ECS's view of the same status.deployments.
    currentServiceDeployment: primary && ecsArn.serviceDeployment(ctx, cluster, metadata.name, id(primary)),
    currentServiceRevisions: (status?.deployments ?? [])
      .filter((d) => d.status !== 'INACTIVE')
      .map((d) => ({
        arn: ecsArn.serviceRevision(ctx, cluster, metadata.name, id(d)),
        requestedTaskCount: d.desiredCount,
        runningTaskCount: d.runningCount,
        pendingTaskCount: d.pendingCount,
      })),
    placementConstraints: spec.placementConstraints ?? [],
    placementStrategy: spec.placementStrategy ?? [],
    healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
    schedulingStrategy: spec.schedulingStrategy,
    createdBy: `arn:aws:iam::${ctx.accountId}:root`,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    tags: spec.tags,
  });
}
