/**
 * ECS's CreateService and UpdateService answer with the new deployment already in place, so a
 * pipeline's next step (DescribeServices, `aws ecs wait services-stable`) sees it rather than the
 * old deployment alone, steady. berth starts it in the same write as the spec change, exactly as the
 * service controller would (api/v1/service-deployment-start.ts); the controller then finds it in
 * place, under the id it would have given it, and adopts it. A taskDefinition that does not resolve
 * yet starts nothing here: the controller reports why, as an event, and starts it once it does.
 */
import { randomUUID } from 'node:crypto';
import type { ObjectOf, Ref } from '../../../client/types.js';
import { statusWithDeploymentStarted } from '../../../v1/service-deployment-start.js';
import { resolveTaskDefinition } from '../../../v1/task-definition-resolve.js';
import { parseTaskDefinitionRef } from '../../../v1/task-definition-ref.js';
import { listRevisions } from '../../../usecases/resources/task-definition-revisions.js';
import type { EcsCall } from '../context.js';

type Service = ObjectOf<'Service'>;

/** What `ref` (`web`, `web:3`) resolves to for a service running `current`, or undefined. */
async function resolved(call: EcsCall, ref: string, current: string | undefined): Promise<string | undefined> {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) return undefined;
  const resolution = resolveTaskDefinition(ref, await listRevisions(call.resources.store, parsed.family), current);
  return resolution.ok ? resolution.ref : undefined;
}

/**
 * `change` to the service's spec, and the deployment it starts at `now`, in one write.
 * `taskDefinition` is what the spec will name (resolved before the write; if a concurrent write
 * named another, the controller starts that one). `now` must be the time `change` gives a
 * forceNewDeployment request: a request later than the deployment it started would ask for another.
 */
export async function writeStartingDeployment(
  call: EcsCall,
  service: Ref,
  start: { taskDefinition: string; current: string | undefined; now: Date },
  change: (s: Service) => void = () => {},
): Promise<Service> {
  const revision = await resolved(call, start.taskDefinition, start.current);
  const now = start.now.toISOString();
  return call.client.mutateWithStatus(service, change, (s) =>
    s.spec.taskDefinition === start.taskDefinition ? statusWithDeploymentStarted(s, revision, now, randomUUID()) : undefined,
  );
}
