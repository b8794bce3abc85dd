/**
 * RunTask, StartTask, StopTask, DescribeTasks, ListTasks over the same use cases `berth run-task`
 * and `berth stop-task` use (api/usecases/tasks), on berth's Task objects. A task's id in its ARN is its name.
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import { runTask } from '../../../usecases/tasks/run-task.js';
import { startTask } from '../../../usecases/tasks/start-task.js';
import { stopTask } from '../../../usecases/tasks/stop-task.js';
import type { TasksResult } from '../../../usecases/tasks/create-tasks.js';
import { ecsArn } from '../../../v1/arn.js';
import { SERVICE_GROUP_PREFIX, TaskOverrides } from '../../../v1/task.js';
import { PlacementConstraints, PlacementStrategies } from '../../../v1/placement.js';
import type { EcsCall } from '../context.js';
import { CLIENT_TOKEN_LABEL, clientTokenLabel } from '../idempotency.js';
import { parseBody, present } from '../input.js';
import { listAll } from '../list-all.js';
import { page } from '../pagination.js';
import { clusterName, memberName, taskDefinitionRef } from '../refs.js';
import { shape, type ShapeContext } from '../shapes.js';

type Task = ObjectOf<'Task'>;

const Common = {
  cluster: z.string().optional(),
  taskDefinition: z.string().min(1),
  group: z.string().optional(),
  startedBy: z.string().optional(),
  overrides: TaskOverrides.optional(),
};
const RunTask = z.object({
  ...Common,
  count: z.int().optional(),
  placementConstraints: PlacementConstraints.optional(),
  placementStrategy: PlacementStrategies.optional(),
  launchType: z.string().optional(),
  clientToken: z.string().min(1).max(64).optional(),
});
const StartTask = z.object({ ...Common, containerInstances: z.array(z.string().min(1)) });
const StopTask = z.object({ cluster: z.string().optional(), task: z.string().min(1), reason: z.string().optional() });
const DescribeTasks = z.object({ cluster: z.string().optional(), tasks: z.array(z.string().min(1)).max(100), include: z.array(z.string()).optional() });
const ListTasks = z.object({
  cluster: z.string().optional(),
  containerInstance: z.string().optional(),
  family: z.string().optional(),
  startedBy: z.string().optional(),
  serviceName: z.string().optional(),
  desiredStatus: z.enum(['RUNNING', 'PENDING', 'STOPPED']).optional(),
  launchType: z.string().optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});

/** The ARN context with the task definitions of `tasks` loaded (their containers show image, cpu, memory). */
export async function taskShapeContext(call: EcsCall, tasks: readonly Task[]): Promise<ShapeContext> {
  const names = [...new Set(tasks.map((t) => t.spec.taskDefinition))];
  const defs = await Promise.all(names.map((name) => call.client.get('TaskDefinition', { name }).catch(() => undefined)));
  return { ...call.arn, taskDefinitions: new Map(defs.flatMap((td) => (td ? [[td.metadata.name, td] as const] : []))) };
}

async function answer(call: EcsCall, cluster: string, result: TasksResult) {
  const ctx = await taskShapeContext(call, result.tasks);
  return {
    tasks: result.tasks.map((t) => shape.task(t, ctx)),
    failures: result.failures.map((f) => ({
      ...(f.containerInstance ? { arn: ecsArn.containerInstance(call.arn, cluster, f.containerInstance) } : {}),
      reason: f.reason,
    })),
  };
}

export async function runTaskOp(call: EcsCall, body: unknown) {
  const input = parseBody(RunTask, body);
  const cluster = clusterName(input.cluster);
  const token = input.clientToken === undefined ? undefined : clientTokenLabel(call.principal, input.clientToken);
  if (token !== undefined) {
    const { items } = await call.client.list('Task', { cluster, labelSelector: `${CLIENT_TOKEN_LABEL}=${token}` });
    if (items.length > 0) return answer(call, cluster, { tasks: items, failures: [] });
  }
  const result = await runTask(
    call.client,
    present({
      cluster,
      taskDefinition: taskDefinitionRef(input.taskDefinition),
      count: input.count,
      group: input.group,
      startedBy: input.startedBy,
      overrides: input.overrides,
      placementConstraints: input.placementConstraints,
      placementStrategy: input.placementStrategy,
    }),
    { placement: call.placement, now: call.now, ...(token ? { labels: { [CLIENT_TOKEN_LABEL]: token } } : {}) },
  );
  return answer(call, cluster, result);
}

export async function startTaskOp(call: EcsCall, body: unknown) {
  const input = parseBody(StartTask, body);
  const cluster = clusterName(input.cluster);
  const result = await startTask(
    call.client,
    present({
      cluster,
      taskDefinition: taskDefinitionRef(input.taskDefinition),
      group: input.group,
      startedBy: input.startedBy,
      overrides: input.overrides,
      containerInstances: input.containerInstances.map((ci) => memberName(ci, 'container-instance', cluster)),
    }),
    { now: call.now },
  );
  return answer(call, cluster, result);
}

export async function stopTaskOp(call: EcsCall, body: unknown) {
  const input = parseBody(StopTask, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const task = await stopTask(call.client, present({ cluster, task: memberName(input.task, 'task', cluster), reason: input.reason }));
  const ctx = await taskShapeContext(call, [task]);
  return { task: shape.task(task, ctx) };
}

export async function describeTasks(call: EcsCall, body: unknown) {
  const input = parseBody(DescribeTasks, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const found: Task[] = [];
  const failures = [];
  for (const ref of input.tasks) {
    const name = memberName(ref, 'task', cluster);
    const task = await call.client.get('Task', { cluster, name });
    if (task) found.push(task);
    else failures.push({ arn: ecsArn.task(call.arn, cluster, name), reason: 'MISSING' });
  }
  const ctx = await taskShapeContext(call, found);
  return { tasks: found.map((t) => shape.task(t, ctx)), failures };
}

/** ECS's desiredStatus filter: PENDING lists tasks not yet RUNNING that are meant to run. */
function hasDesiredStatus(task: Task, status: 'RUNNING' | 'PENDING' | 'STOPPED'): boolean {
  if (status === 'STOPPED') return task.spec.desiredStatus === 'STOPPED';
  if (task.spec.desiredStatus !== 'RUNNING') return false;
  const last = task.status?.lastStatus ?? 'PROVISIONING';
  return status === 'RUNNING' || (last !== 'RUNNING' && last !== 'STOPPED');
}

export async function listTasks(call: EcsCall, body: unknown) {
  const input = parseBody(ListTasks, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const instance = input.containerInstance === undefined ? undefined : memberName(input.containerInstance, 'container-instance', cluster);
  const tasks = (await listAll(call.client, 'Task', cluster)).filter(
    (t) =>
      hasDesiredStatus(t, input.desiredStatus ?? 'RUNNING') &&
      (instance === undefined || t.spec.containerInstance === instance) &&
      (input.family === undefined || t.spec.taskDefinition.split(':')[0] === input.family) &&
      (input.startedBy === undefined || t.spec.startedBy === input.startedBy) &&
      (input.serviceName === undefined || t.spec.group === `${SERVICE_GROUP_PREFIX}${memberName(input.serviceName, 'service', cluster)}`),
  );
  const arns = tasks.map((t) => ecsArn.task(call.arn, cluster, t.metadata.name));
  const result = page(arns, (a) => a, input.nextToken, input.maxResults);
  return { taskArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}
