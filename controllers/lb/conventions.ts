/**
 * What the load-balancing pieces agree on, in one place:
 * - a service task that must leave is not stopped at once: the service controller marks it with
 *   DEREGISTER_ANNOTATION (value: the stop reason); every target group it is in drains it for its
 *   deregistrationDelay, and the target-group controller then sets desiredStatus STOPPED;
 * - a task's target address is its instance's HOST_ADDRESS_ATTRIBUTE, or loopback when the
 *   instance does not set it (one machine: `berth up`).
 */
export const DEREGISTER_ANNOTATION = 'berth.dev/deregister';

/** Where proxies reach an instance's host ports; set it on each agent (`--attribute berth.host-address=10.0.0.5`). */
export const HOST_ADDRESS_ATTRIBUTE = 'berth.host-address';
export const DEFAULT_HOST_ADDRESS = '127.0.0.1';

/** The server name a proxy gives one target: unique per target group, stable across restarts. */
export function targetKey(t: { task: string; containerName: string; containerPort: number }): string {
  return `${t.task}.${t.containerName}.${t.containerPort}`;
}
