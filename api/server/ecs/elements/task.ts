/** A Task as DescribeTasks' `tasks[]` element. */
import { ecsArn } from '../../../v1/arn.js';
import type { Task } from '../../../v1/task.js';
import { defined, ecsTime, taskDefinitionArnOf, type EcsContext } from './context.js';

export function ecsTask(task: Task, ctx: EcsContext): Record<string, unknown> {
  const cluster = task.metadata.cluster;
  const taskArn = ecsArn.task(ctx, cluster, task.metadata.name);
  const spec = ctx.taskDefinitions.get(task.spec.taskDefinition)?.spec;
  const status = task.status;
  const definedContainers = spec?.containerDefinitions ?? [];
  const names = [...new Set([...definedContainers.map((c) => c.name), ...(status?.containers ?? []).map((c) => c.name)])];
  const overrides = task.spec.overrides;
  const cpu = overrides?.cpu ?? spec?.cpu ?? sum(definedContainers.map((c) => c.cpu ?? 0));
  const memory = overrides?.memory ?? spec?.memory ?? sum(definedContainers.map((c) => c.memory ?? c.memoryReservation ?? 0));
  return defined({
    attachments: [],
    attributes: [],
    clusterArn: ecsArn.cluster(ctx, cluster),
    connectivity: status?.connectivity,
    connectivityAt: ecsTime(status?.connectivityAt),
    containerInstanceArn: task.spec.containerInstance === undefined ? undefined : ecsArn.containerInstance(ctx, cluster, task.spec.containerInstance),
    containers: names.map((name) => {
      const def = definedContainers.find((c) => c.name === name);
      const observed = status?.containers.find((c) => c.name === name);
      return defined({
        containerArn: ecsArn.container(ctx, cluster, task.metadata.name, name),
        taskArn,
        name,
        image: def?.image,
        runtimeId: observed?.dockerId,
        lastStatus: observed?.lastStatus ?? 'PENDING',
        exitCode: observed?.exitCode,
        reason: observed?.reason,
        networkBindings: observed?.networkBindings ?? [],
        networkInterfaces: [],
        healthStatus: observed?.healthStatus ?? 'UNKNOWN',
        cpu: String(def?.cpu ?? 0),
        memory: def?.memory === undefined ? undefined : String(def.memory),
        memoryReservation: def?.memoryReservation === undefined ? undefined : String(def.memoryReservation),
      });
    }),
    cpu: String(cpu),
    createdAt: ecsTime(status?.createdAt ?? task.metadata.creationTimestamp),
    desiredStatus: task.spec.desiredStatus,
    enableExecuteCommand: false,
    group: task.spec.group,
    healthStatus: status?.healthStatus ?? 'UNKNOWN',
    lastStatus: status?.lastStatus ?? 'PROVISIONING',
    launchType: task.spec.launchType,
    memory: String(memory),
    overrides: { containerOverrides: overrides?.containerOverrides ?? [], inferenceAcceleratorOverrides: [] },
    pullStartedAt: ecsTime(status?.pullStartedAt),
    pullStoppedAt: ecsTime(status?.pullStoppedAt),
    startedAt: ecsTime(status?.startedAt),
    startedBy: task.spec.startedBy,
    stopCode: status?.stopCode,
    stoppedAt: ecsTime(status?.stoppedAt),
    stoppedReason: status?.stoppedReason ?? task.spec.stopReason,
    stoppingAt: ecsTime(status?.stoppingAt),
    tags: [],
    taskArn,
    taskDefinitionArn: taskDefinitionArnOf(ctx, task.spec.taskDefinition),
    version: task.metadata.generation ?? 1,
  });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
