/**
 * CreateService, UpdateService, DeleteService, DescribeServices, ListServices on berth's Service
 * objects: the service controller runs them exactly as it runs services from `berth apply`, and its
 * status (deployments with rolloutState, events, counts) is what DescribeServices reports, which is
 * what `aws ecs wait services-stable` polls.
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import { AlreadyExistsError } from '../../../usecases/resources/errors.js';
import { ecsArn } from '../../../v1/arn.js';
import { API_VERSION } from '../../../v1/meta.js';
import type { EcsCall } from '../context.js';
import { EcsError, invalidParameter } from '../errors.js';
import { CLIENT_TOKEN_LABEL, clientTokenLabel } from '../idempotency.js';
import { parseBody, present } from '../input.js';
import { listAll } from '../list-all.js';
import { page } from '../pagination.js';
import { clusterName, memberName, taskDefinitionRef } from '../refs.js';
import { shape } from '../shapes.js';
import { requestForceNewDeployment } from '../../../v1/force-new-deployment.js';
import { writeStartingDeployment } from './service-start.js';

type Service = ObjectOf<'Service'>;

// Loose: the rest of ECS's DeploymentConfiguration (strategy, bakeTimeInMinutes, lifecycleHooks,
// linear/canaryConfiguration, alarms) goes on to ServiceSpec's own schema, which checks it and names
// what berth does not take.
const DeploymentConfiguration = z.looseObject({
  minimumHealthyPercent: z.int().optional(),
  maximumPercent: z.int().optional(),
  deploymentCircuitBreaker: z.object({ enable: z.boolean(), rollback: z.boolean() }).optional(),
});
const Tag = z.object({ key: z.string(), value: z.string().optional() });
const Settable = {
  desiredCount: z.int().optional(),
  taskDefinition: z.string().min(1).optional(),
  placementConstraints: z.array(z.unknown()).optional(),
  placementStrategy: z.array(z.unknown()).optional(),
  deploymentConfiguration: DeploymentConfiguration.optional(),
  healthCheckGracePeriodSeconds: z.int().optional(),
  // Checked by ServiceSpec's own schema when written (api/v1/service-registry.ts).
  serviceRegistries: z.array(z.unknown()).optional(),
};
const CreateService = z.object({
  ...Settable,
  cluster: z.string().optional(),
  serviceName: z.string().min(1),
  taskDefinition: z.string().min(1),
  launchType: z.string().optional(),
  schedulingStrategy: z.enum(['REPLICA', 'DAEMON']).optional(),
  clientToken: z
    .string()
    .min(1)
    .max(36 * 4)
    .optional(),
  tags: z.array(Tag).optional(),
});
const UpdateService = z.object({ ...Settable, cluster: z.string().optional(), service: z.string().min(1), forceNewDeployment: z.boolean().optional() });
const DeleteService = z.object({ cluster: z.string().optional(), service: z.string().min(1), force: z.boolean().optional() });
const DescribeServices = z.object({
  cluster: z.string().optional(),
  services: z.array(z.string().min(1)).min(1).max(10),
  include: z.array(z.string()).optional(),
});
const ListServices = z.object({
  cluster: z.string().optional(),
  launchType: z.string().optional(),
  schedulingStrategy: z.enum(['REPLICA', 'DAEMON']).optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});

const ctxOf = (call: EcsCall) => ({ ...call.arn, taskDefinitions: new Map() });

export async function createService(call: EcsCall, body: unknown) {
  const input = parseBody(CreateService, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const token = input.clientToken === undefined ? undefined : clientTokenLabel(call.principal, input.clientToken);
  const spec = present({
    taskDefinition: taskDefinitionRef(input.taskDefinition),
    desiredCount: input.desiredCount,
    launchType: input.launchType,
    placementConstraints: input.placementConstraints,
    placementStrategy: input.placementStrategy,
    deploymentConfiguration: input.deploymentConfiguration,
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
    serviceRegistries: input.serviceRegistries,
    schedulingStrategy: input.schedulingStrategy,
    tags: input.tags,
  });
  try {
    const created = await call.client.create({
      apiVersion: API_VERSION,
      kind: 'Service',
      metadata: { name: input.serviceName, cluster, ...(token ? { labels: { [CLIENT_TOKEN_LABEL]: token } } : {}) },
      spec,
    });
    // The first deployment, in a second write: its id derives from the uid the create gave. If the
    // controller started it in between, it is the same deployment and this writes nothing.
    const started = await writeStartingDeployment(
      call,
      { cluster, name: input.serviceName },
      { taskDefinition: created.spec.taskDefinition, current: undefined, now: call.now() },
    );
    return { service: shape.service(started, ctxOf(call)) };
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    // The same clientToken again: the first call's service. Without one, or with another, ECS refuses.
    const existing = await call.client.get('Service', { cluster, name: input.serviceName });
    if (existing && token !== undefined && existing.metadata.labels?.[CLIENT_TOKEN_LABEL] === token) return { service: shape.service(existing, ctxOf(call)) };
    throw invalidParameter('Creation of service was not idempotent.');
  }
}

export async function updateService(call: EcsCall, body: unknown) {
  const input = parseBody(UpdateService, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const name = memberName(input.service, 'service', cluster);
  const existing = await call.client.get('Service', { cluster, name });
  if (!existing) throw new EcsError('ServiceNotFoundException', 'Service not found.');
  if (existing.metadata.deletionTimestamp) throw new EcsError('ServiceNotActiveException', 'Service was not ACTIVE.');
  const taskDefinition = input.taskDefinition === undefined ? existing.spec.taskDefinition : taskDefinitionRef(input.taskDefinition);
  const now = call.now();
  const updated = await writeStartingDeployment(call, { cluster, name }, { taskDefinition, current: existing.status?.taskDefinition, now }, (s) => {
    if (input.desiredCount !== undefined) s.spec.desiredCount = input.desiredCount;
    if (input.taskDefinition !== undefined) s.spec.taskDefinition = taskDefinition;
    if (input.serviceRegistries !== undefined) Object.assign(s.spec, { serviceRegistries: input.serviceRegistries });
    if (input.placementConstraints !== undefined) Object.assign(s.spec, { placementConstraints: input.placementConstraints });
    if (input.placementStrategy !== undefined) Object.assign(s.spec, { placementStrategy: input.placementStrategy });
    if (input.deploymentConfiguration !== undefined)
      Object.assign(s.spec, { deploymentConfiguration: { ...s.spec.deploymentConfiguration, ...input.deploymentConfiguration } });
    if (input.healthCheckGracePeriodSeconds !== undefined) s.spec.healthCheckGracePeriodSeconds = input.healthCheckGracePeriodSeconds;
    if (input.forceNewDeployment) requestForceNewDeployment(s, now);
  });
  return { service: shape.service(updated, ctxOf(call)) };
}

export async function deleteService(call: EcsCall, body: unknown) {
  const input = parseBody(DeleteService, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const name = memberName(input.service, 'service', cluster);
  const existing = await call.client.get('Service', { cluster, name });
  if (!existing) throw new EcsError('ServiceNotFoundException', 'Service not found.');
  // ECS deletes a REPLICA service only once it is scaled to zero, unless forced.
  if (!input.force && existing.spec.schedulingStrategy === 'REPLICA' && existing.spec.desiredCount > 0)
    throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
  const result = await call.client.delete('Service', { cluster, name });
  const after = result.object.kind === 'Service' ? result.object : existing;
  return { service: { ...shape.service(after, ctxOf(call)), status: 'DRAINING' } };
}

/** ECS's DescribeServices: a service being deleted is DRAINING; one gone is MISSING in failures. */
export async function describeServices(call: EcsCall, body: unknown) {
  const input = parseBody(DescribeServices, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const services = [];
  const failures = [];
  for (const ref of input.services) {
    const name = memberName(ref, 'service', cluster);
    const found = await call.client.get('Service', { cluster, name });
    if (found) services.push(shape.service(found, ctxOf(call)));
    else failures.push({ arn: ecsArn.service(call.arn, cluster, name), reason: 'MISSING' });
  }
  return { services, failures };
}

export async function listServices(call: EcsCall, body: unknown) {
  const input = parseBody(ListServices, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const services = (await listAll(call.client, 'Service', cluster)).filter(
    (s: Service) =>
      !s.metadata.deletionTimestamp &&
      (input.launchType === undefined || s.spec.launchType === input.launchType) &&
      (input.schedulingStrategy === undefined || s.spec.schedulingStrategy === input.schedulingStrategy),
  );
  const arns = services.map((s) => ecsArn.service(call.arn, cluster, s.metadata.name));
  const result = page(arns, (a) => a, input.nextToken, input.maxResults);
  return { serviceArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}
