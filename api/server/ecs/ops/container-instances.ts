/**
 * ListContainerInstances, DescribeContainerInstances, UpdateContainerInstancesState (ACTIVE /
 * DRAINING: the instance controller drains as `berth drain` does) and DeregisterContainerInstance
 * on berth's ContainerInstance objects, which agents register through berth's own API. An
 * instance's id in its ARN is its name.
 */
import { z } from 'zod';
import { ecsArn } from '../../../v1/arn.js';
import type { EcsCall } from '../context.js';
import { clientException, invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { listAll } from '../list-all.js';
import { page } from '../pagination.js';
import { clusterName, memberName } from '../refs.js';
import { shape } from '../shapes.js';

const Status = z.enum(['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED']);
const List = z.object({
  cluster: z.string().optional(),
  status: Status.optional(),
  filter: z.string().optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});
const Describe = z.object({
  cluster: z.string().optional(),
  containerInstances: z.array(z.string().min(1)).min(1).max(100),
  include: z.array(z.string()).optional(),
});
const UpdateState = z.object({
  cluster: z.string().optional(),
  containerInstances: z.array(z.string().min(1)).min(1).max(10),
  status: z.enum(['ACTIVE', 'DRAINING']),
});
const Deregister = z.object({ cluster: z.string().optional(), containerInstance: z.string().min(1), force: z.boolean().optional() });

const ctxOf = (call: EcsCall) => ({ ...call.arn, taskDefinitions: new Map() });

export async function listContainerInstances(call: EcsCall, body: unknown) {
  const input = parseBody(List, body);
  if (input.filter !== undefined) throw invalidParameter('filter (cluster query language) is not supported by this endpoint; list without it');
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const instances = (await listAll(call.client, 'ContainerInstance', cluster)).filter((ci) => input.status === undefined || ci.spec.status === input.status);
  const result = page(
    instances.map((ci) => ecsArn.containerInstance(call.arn, cluster, ci.metadata.name)),
    (a) => a,
    input.nextToken,
    input.maxResults,
  );
  return { containerInstanceArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}

export async function describeContainerInstances(call: EcsCall, body: unknown) {
  const input = parseBody(Describe, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const containerInstances = [];
  const failures = [];
  for (const ref of input.containerInstances) {
    const name = memberName(ref, 'container-instance', cluster);
    const found = await call.client.get('ContainerInstance', { cluster, name });
    if (found) containerInstances.push(shape.containerInstance(found, ctxOf(call)));
    else failures.push({ arn: ecsArn.containerInstance(call.arn, cluster, name), reason: 'MISSING' });
  }
  return { containerInstances, failures };
}

export async function updateContainerInstancesState(call: EcsCall, body: unknown) {
  const input = parseBody(UpdateState, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const containerInstances = [];
  const failures = [];
  for (const ref of input.containerInstances) {
    const name = memberName(ref, 'container-instance', cluster);
    if (!(await call.client.get('ContainerInstance', { cluster, name }))) {
      failures.push({ arn: ecsArn.containerInstance(call.arn, cluster, name), reason: 'MISSING' });
      continue;
    }
    const { object } = await call.client.mutate('ContainerInstance', { cluster, name }, (ci) => {
      ci.spec.status = input.status;
    });
    containerInstances.push(shape.containerInstance(object, ctxOf(call)));
  }
  return { containerInstances, failures };
}

export async function deregisterContainerInstance(call: EcsCall, body: unknown) {
  const input = parseBody(Deregister, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const name = memberName(input.containerInstance, 'container-instance', cluster);
  const instance = await call.client.get('ContainerInstance', { cluster, name });
  if (!instance) throw invalidParameter(`container instance ${name} is not in cluster ${cluster}`);
  // ECS refuses an instance with running tasks unless forced (the tasks are then orphaned and replaced).
  const tasks = (await listAll(call.client, 'Task', cluster)).filter((t) => t.spec.containerInstance === name && t.status?.lastStatus !== 'STOPPED');
  if (tasks.length > 0 && !input.force)
    throw clientException(`The container instance has ${tasks.length} tasks running; stop them, drain the instance, or deregister with force.`);
  await call.client.delete('ContainerInstance', { cluster, name });
  return { containerInstance: { ...shape.containerInstance(instance, ctxOf(call)), status: 'INACTIVE' } };
}
