/**
 * What the load-balancing pieces agree on, in one place:
 * - a service task that must leave is not stopped at once: the service controller marks it with
 *   DEREGISTER_ANNOTATION (value: the stop reason); every target group it is in drains it for its
 *   deregistrationDelay, and the target-group controller then sets desiredStatus STOPPED;
 * - a task's target address is its instance's HOST_ADDRESS_ATTRIBUTE, or loopback when the
 *   instance does not set it (one machine: `berth up`).
 */
import { ATTRIBUTES } from '../../api/v1/container-instance.js';

export const DEREGISTER_ANNOTATION = 'berth.dev/deregister';

/** Where proxies reach an instance's host ports: the attribute `berth agent --host-address 10.0.0.5` registers. */
export const HOST_ADDRESS_ATTRIBUTE = ATTRIBUTES.hostAddress;
export const DEFAULT_HOST_ADDRESS = '127.0.0.1';

/** The server name a proxy gives one target: unique per target group, stable across restarts. */
export function targetKey(t: { task: string; containerName: string; containerPort: number }): string {
  return `${t.task}.${t.containerName}.${t.containerPort}`;
}
