/**
 * UpdateTaskProtection and GetTaskProtection over Task.spec.protection, written as `berth task protect`
 * writes it (api/v1/task-protection.ts computes the value; one mutate per task).
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import { NotFoundError } from '../../../usecases/resources/errors.js';
import { ecsArn, type ArnContext } from '../../../v1/arn.js';
import { protectedUntil, taskProtection, type TaskProtection } from '../../../v1/task-protection.js';
import type { EcsCall } from '../context.js';
import { invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { listAll } from '../list-all.js';
import { clusterName, memberName } from '../refs.js';

type Task = ObjectOf<'Task'>;

const UpdateTaskProtection = z.object({
  cluster: z.string().min(1),
  tasks: z.array(z.string().min(1)).min(1).max(10),
  protectionEnabled: z.boolean(),
  expiresInMinutes: z.int().optional(),
});
const GetTaskProtection = z.object({ cluster: z.string().min(1), tasks: z.array(z.string().min(1)).max(100).optional() });

/** ECS's ProtectedTask (expirationDate in epoch seconds, as the protocol carries timestamps): a lapsed protection reads as not enabled, as ECS reports it. */
export function protectedTask(arn: ArnContext, cluster: string, task: string, protection: TaskProtection | undefined, now: number) {
  const until = protectedUntil(protection, now);
  if (until === undefined) return { taskArn: ecsArn.task(arn, cluster, task), protectionEnabled: false };
  return {
    taskArn: ecsArn.task(arn, cluster, task),
    protectionEnabled: true,
    ...(protection?.expirationDate === undefined ? {} : { expirationDate: Date.parse(protection.expirationDate) / 1000 }),
  };
}

/** The protection UpdateTaskProtection stores; an expiresInMinutes out of 1-2880 is the caller's error. */
export function requestedProtection(enabled: boolean, expiresInMinutes: number | undefined, now: number): TaskProtection {
  try {
    return taskProtection(enabled, expiresInMinutes, now);
  } catch (err) {
    if (err instanceof RangeError) throw invalidParameter(`expiresInMinutes: ${err.message}`);
    throw err;
  }
}

const missing = (call: EcsCall, cluster: string, name: string) => ({ arn: ecsArn.task(call.arn, cluster, name), reason: 'MISSING' });

export async function updateTaskProtection(call: EcsCall, body: unknown) {
  const input = parseBody(UpdateTaskProtection, body);
  const cluster = clusterName(input.cluster);
  const now = call.now().getTime();
  // Checked for every task before any is written: bad input leaves nothing half-changed.
  const protection = requestedProtection(input.protectionEnabled, input.expiresInMinutes, now);
  const names = input.tasks.map((ref) => memberName(ref, 'task', cluster));
  await call.client.mustGet('Cluster', { name: cluster });
  const protectedTasks = [];
  const failures = [];
  for (const name of names) {
    try {
      await call.client.mutate('Task', { cluster, name }, (t) => {
        t.spec.protection = protection;
      });
      protectedTasks.push(protectedTask(call.arn, cluster, name, protection, now));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      failures.push(missing(call, cluster, name));
    }
  }
  return { protectedTasks, failures };
}

export async function getTaskProtection(call: EcsCall, body: unknown) {
  const input = parseBody(GetTaskProtection, body);
  const cluster = clusterName(input.cluster);
  const now = call.now().getTime();
  await call.client.mustGet('Cluster', { name: cluster });
  const found: Task[] = [];
  const failures = [];
  if (input.tasks === undefined) found.push(...(await listAll(call.client, 'Task', cluster)));
  else
    for (const ref of input.tasks) {
      const name = memberName(ref, 'task', cluster);
      const task = await call.client.get('Task', { cluster, name });
      if (task) found.push(task);
      else failures.push(missing(call, cluster, name));
    }
  return { protectedTasks: found.map((t) => protectedTask(call.arn, cluster, t.metadata.name, t.spec.protection, now)), failures };
}
