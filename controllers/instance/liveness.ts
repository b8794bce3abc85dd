/**
 * Agent liveness, judged the way Kubernetes' node lifecycle controller judges nodes: by when THIS
 * controller last saw the heartbeat change, on its own clock, not by the time the agent wrote into
 * it. A heartbeat the controller could not see (its store was down, it was not leading, it was not
 * running, its process stalled) then never counts against an agent: after any such gap the
 * controller first has to watch an agent stay silent for a whole expiry period itself. It also
 * makes the verdict immune to clock skew between agent and controller.
 */
import type { ObjectOf } from '../kit/types.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;

export interface Liveness {
  /** The controller has seen no new heartbeat for the whole expiry period: the agent is gone (for now). */
  readonly expired: boolean;
  /** Milliseconds until it expires (0 once expired): when to look again without any event. */
  readonly msUntilExpiry: number;
}

/** The last sign of life the agent wrote (ISO time): the last heartbeat, else registration, else creation. */
export function lastSeen(instance: ContainerInstance): string | undefined {
  return instance.status?.lastHeartbeat ?? instance.status?.registeredAt ?? instance.metadata.creationTimestamp;
}

/** Pure: the liveness at `now` of an agent whose heartbeat this controller last saw change at `observedAt`. */
export function liveness(observedAt: number, now: number, expireMs: number): Liveness {
  const left = observedAt + expireMs - now;
  return { expired: left <= 0, msUntilExpiry: Math.max(0, left) };
}

/** Pure: whether status.agentConnected must be turned false (only ever false; agents turn it true). */
export function shouldMarkDisconnected(instance: ContainerInstance, life: Liveness): boolean {
  return (instance.status?.agentConnected ?? false) && life.expired;
}
