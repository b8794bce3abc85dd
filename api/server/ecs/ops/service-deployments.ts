/**
 * StopServiceDeployment and ContinueServiceDeployment: they record the request as the rollout-action
 * annotation, as `berth rollout stop|continue|rollback` does (users own metadata, the controller owns
 * status); the service controller acts on it at its next pass. A service deployment's ARN is
 * `…:service-deployment/CLUSTER/SERVICE/ID`; ID is the deployment's id in status.deployments without
 * its `ecs-svc/` prefix (an ARN's id has no slash).
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import { ROLLOUT_ACTION_ANNOTATION, type RolloutAction } from '../../../v1/deployment-strategy.js';
import { ecsArn, parseArn } from '../../../v1/arn.js';
import type { EcsCall } from '../context.js';
import { EcsError, invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { serviceDeploymentId } from '../elements/context.js';

type Service = ObjectOf<'Service'>;

export { serviceDeploymentId };

const StopServiceDeployment = z.object({ serviceDeploymentArn: z.string().min(1), stopType: z.enum(['ABORT', 'ROLLBACK']).optional() });
const ContinueServiceDeployment = z.object({
  serviceDeploymentArn: z.string().min(1),
  hookId: z.string().min(1),
  action: z.enum(['CONTINUE', 'ROLLBACK']).optional(),
});

export interface ServiceDeploymentRef {
  cluster: string;
  service: string;
  id: string;
}

/** `arn:…:service-deployment/prod/web/ID` (or, of `type` service-revision, `…:service-revision/…`) → its cluster, service and deployment id. */
export function serviceDeploymentRef(text: string, type: 'service-deployment' | 'service-revision' = 'service-deployment'): ServiceDeploymentRef {
  const arn = parseArn(text);
  const [cluster, service, id, ...rest] = arn?.resourceId.split('/') ?? [];
  if (arn?.service !== 'ecs' || arn.resourceType !== type || !cluster || !service || !id || rest.length > 0) {
    const field = type === 'service-deployment' ? 'serviceDeploymentArn' : 'serviceRevisionArn';
    throw invalidParameter(`${field}: ${text} is not a ${type.replace('-', ' ')} ARN (arn:aws:ecs:REGION:ACCOUNT:${type}/CLUSTER/SERVICE/ID)`);
  }
  return { cluster, service, id };
}

export type DeploymentRequest = { action: 'STOP' } | { action: 'CONTINUE' | 'ROLLBACK'; hookId: string };

const conflict = (message: string) => new EcsError('ConflictException', message);

/**
 * The annotation that asks for `request` on deployment `id` of `service` at `now` (ms), or the
 * exception ECS answers: an unknown deployment, one no longer in progress, or (to continue) not paused at the hook.
 */
export function deploymentAction(service: Service, id: string, request: DeploymentRequest, now: number): RolloutAction {
  const deployment = service.status?.deployments.find((d) => serviceDeploymentId(d.id) === id);
  const where = `deployment ${id} of service ${service.metadata.name}`;
  if (deployment === undefined) throw new EcsError('ServiceDeploymentNotFoundException', `${where} not found (it is not among the service's deployments)`);
  if (deployment.status !== 'PRIMARY' || deployment.rolloutState !== 'IN_PROGRESS')
    throw conflict(
      `${where} is not in progress (it is ${deployment.status}, ${deployment.rolloutState}); only the in-progress deployment can be stopped or continued`,
    );
  if (request.action === 'STOP') return { action: 'STOP', deployment: deployment.id, at: new Date(now).toISOString() };
  const awaiting = (deployment.rollout?.hooks ?? []).filter((h) => h.status === 'AWAITING_ACTION' && h.hookId === request.hookId);
  if (awaiting.length === 0)
    throw conflict(`${where} is not paused at hook ${request.hookId} (stage ${deployment.rollout?.stage ?? 'rolling'}); nothing to continue`);
  // The controller releases the pauses that began before `at`: never earlier than the pause itself.
  const at = Math.max(now, ...awaiting.map((h) => Date.parse(h.startedAt)).filter((t) => !Number.isNaN(t)));
  return { action: request.action, deployment: deployment.id, at: new Date(at).toISOString(), hookId: request.hookId };
}

async function record(call: EcsCall, arnText: string, request: DeploymentRequest) {
  const ref = serviceDeploymentRef(arnText);
  await call.client.mustGet('Cluster', { name: ref.cluster });
  // Decided on the version written, so a deployment that finished meanwhile is refused, not acted on.
  await call.client.mutate('Service', { cluster: ref.cluster, name: ref.service }, (s) => {
    const action = deploymentAction(s, ref.id, request, call.now().getTime());
    s.metadata.annotations = { ...s.metadata.annotations, [ROLLOUT_ACTION_ANNOTATION]: JSON.stringify(action) };
  });
  return { serviceDeploymentArn: ecsArn.serviceDeployment(call.arn, ref.cluster, ref.service, ref.id) };
}

export async function stopServiceDeployment(call: EcsCall, body: unknown) {
  const input = parseBody(StopServiceDeployment, body);
  // berth's stop always rolls back to the previous deployment; leaving the service half-deployed (ABORT) is not offered.
  if (input.stopType === 'ABORT') throw new EcsError('UnsupportedFeatureException', 'stopType ABORT is not supported by berth; use ROLLBACK (the default)');
  return record(call, input.serviceDeploymentArn, { action: 'STOP' });
}

export async function continueServiceDeployment(call: EcsCall, body: unknown) {
  const input = parseBody(ContinueServiceDeployment, body);
  return record(call, input.serviceDeploymentArn, { action: input.action ?? 'CONTINUE', hookId: input.hookId });
}
