/**
 * ECS's UpdateService answers with the new deployment already in place, so a pipeline's next step,
 * `aws ecs wait services-stable`, sees it. In berth the service controller starts deployments; an
 * answer given before it has looked would let the waiter find the old deployment alone, steady, and
 * succeed at once. So UpdateService waits (bounded) until the controller has observed the write.
 */
import type { ObjectOf } from '../../client/types.js';
import type { CallerClient } from './caller-client.js';

export const OBSERVE_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

/** The service once `observed(service)` holds, or as it is when `timeoutMs` has passed (a controller that is down must not hang the call). */
export async function whenObserved(
  client: CallerClient,
  ref: { cluster: string; name: string },
  observed: (service: ObjectOf<'Service'>) => boolean,
  timeoutMs = OBSERVE_TIMEOUT_MS,
): Promise<ObjectOf<'Service'> | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const service = await client.get('Service', ref);
    if (!service || observed(service) || Date.now() >= deadline) return service;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
