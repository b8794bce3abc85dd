/**
 * Agent liveness: an instance is alive while its agent's last heartbeat is younger than the expiry.
 * An instance that never heartbeated counts from when it registered, so a freshly registered agent
 * gets one full expiry period to send its first heartbeat before it is declared lost.
 */
import type { ObjectOf } from '../kit/types.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;

export interface Liveness {
  /** The heartbeat is older than the expiry: the agent is gone (for now). */
  readonly expired: boolean;
  /** Milliseconds until it expires (0 once expired): when to look again without any event. */
  readonly msUntilExpiry: number;
  /** The last sign of life (ISO time): the last heartbeat, else registration, else creation. */
  readonly lastSeen: string | undefined;
}

export function lastSeen(instance: ContainerInstance): string | undefined {
  return instance.status?.lastHeartbeat ?? instance.status?.registeredAt ?? instance.metadata.creationTimestamp;
}

/** Pure: the liveness of `instance` at `now` with heartbeats expiring after `expireMs`. */
export function liveness(instance: ContainerInstance, now: number, expireMs: number): Liveness {
  const seen = lastSeen(instance);
  const seenAt = seen === undefined ? Number.NaN : Date.parse(seen);
  // No usable timestamp at all: nothing proves the agent is alive, so treat it as expired.
  if (Number.isNaN(seenAt)) return { expired: true, msUntilExpiry: 0, lastSeen: seen };
  const left = seenAt + expireMs - now;
  return { expired: left <= 0, msUntilExpiry: Math.max(0, left), lastSeen: seen };
}

/** Pure: whether status.agentConnected must be turned false (only ever false; agents turn it true). */
export function shouldMarkDisconnected(instance: ContainerInstance, now: number, expireMs: number): boolean {
  return (instance.status?.agentConnected ?? false) && liveness(instance, now, expireMs).expired;
}
