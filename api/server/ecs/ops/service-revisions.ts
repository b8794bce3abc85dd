/**
 * DescribeServiceRevisions. ECS makes a service revision of each configuration a deployment rolls out;
 * berth records, per deployment, the task definition revision it runs (status.history and
 * status.deployments), so a service revision is a deployment's target: the same id as its service
 * deployment (`…:service-revision/CLUSTER/SERVICE/ID`). Only what berth recorded is shown — the
 * task definition and when the revision was first deployed; the rest of a past spec is not kept.
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import { ecsArn, type ArnContext } from '../../../v1/arn.js';
import type { EcsCall } from '../context.js';
import { serviceDeploymentId, taskDefinitionArnOf } from '../elements/context.js';
import { parseBody } from '../input.js';
import { serviceDeploymentRef } from './service-deployments.js';

type Service = ObjectOf<'Service'>;

const DescribeServiceRevisions = z.object({ serviceRevisionArns: z.array(z.string().min(1)).min(1).max(20) });

const seconds = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000);

/** The service revision of deployment `id` (without `ecs-svc/`), in ECS's ServiceRevision shape; undefined when the service has no record of it. */
export function serviceRevision(arn: ArnContext, service: Service, id: string) {
  const mine = (d: { id: string }) => serviceDeploymentId(d.id) === id;
  // The oldest record is when the revision was first deployed (a rollback deploys it again).
  const first = (service.status?.history ?? []).filter(mine).at(-1);
  const live = service.status?.deployments.find(mine);
  const taskDefinition = first?.taskDefinition ?? live?.taskDefinition;
  if (taskDefinition === undefined) return undefined;
  const cluster = service.metadata.cluster ?? '';
  return {
    serviceRevisionArn: ecsArn.serviceRevision(arn, cluster, service.metadata.name, id),
    serviceArn: ecsArn.service(arn, cluster, service.metadata.name),
    clusterArn: ecsArn.cluster(arn, cluster),
    taskDefinition: taskDefinitionArnOf(arn, taskDefinition),
    launchType: service.spec.launchType,
    createdAt: seconds(first?.startedAt ?? live?.createdAt),
  };
}

export async function describeServiceRevisions(call: EcsCall, body: unknown) {
  const input = parseBody(DescribeServiceRevisions, body);
  const serviceRevisions = [];
  const failures = [];
  for (const arnText of input.serviceRevisionArns) {
    const ref = serviceDeploymentRef(arnText, 'service-revision');
    const service = await call.client.get('Service', { cluster: ref.cluster, name: ref.service });
    const revision = service && serviceRevision(call.arn, service, ref.id);
    if (revision) serviceRevisions.push(revision);
    else failures.push({ arn: arnText, reason: 'MISSING' });
  }
  return { serviceRevisions, failures };
}
