/**
 * What the instance controller itself has seen of agents' heartbeats, and whether a cluster's agents
 * went silent together (Kubernetes' "full disruption").
 *
 * A sighting is the heartbeat value last seen and when (on the controller's clock) it was first
 * seen with that value. The first look at an instance counts as a sighting: after the controller
 * starts or gains leadership every agent gets a whole expiry period, as Kubernetes gives nodes a
 * startup grace period, because what happened while nobody watched cannot be known.
 *
 * When more than `threshold` of a cluster's connected instances are silent at once, the likelier
 * story is that the control plane lost sight of them (its store, network or process stalled), not
 * that most machines died in the same instant; ending every task then would turn a control-plane
 * hiccup into a full outage. Such a cluster is held: nothing is marked lost until enough agents
 * are seen again. When the hold ends, every instance of the cluster starts a fresh expiry period,
 * so the agents still catching up are not ended the moment the hold lifts.
 */
import type { ObjectOf } from '../kit/types.js';
import { liveness } from './liveness.js';

type ContainerInstance = ObjectOf<'ContainerInstance'>;

export interface Sighting {
  readonly heartbeat: string | undefined;
  /** When the controller first saw `heartbeat`, on its own clock. */
  readonly at: number;
}

/** Pure: the sighting after looking at `heartbeat` at `now`: a first look or a new value is seen now. */
export function sight(prev: Sighting | undefined, heartbeat: string | undefined, now: number): Sighting {
  return prev !== undefined && prev.heartbeat === heartbeat ? prev : { heartbeat, at: now };
}

/** Pure: whether `silent` of `watched` instances going quiet together is a disruption (hold, do not evict). */
export function isDisruption(silent: number, watched: number, threshold: number): boolean {
  return watched > 0 && silent / watched > threshold;
}

export interface ClusterSilence {
  readonly disrupted: boolean;
  readonly silent: number;
  /** Connected instances (already disconnected ones were judged before and do not count). */
  readonly watched: number;
  /** Set on the look that changed the verdict, for the log. */
  readonly change?: 'began' | 'ended';
}

/** How long a cluster's verdict is reused: counting every instance on every reconcile is waste. */
const VERDICT_REUSE_MS = 200;

export class HeartbeatSightings {
  private readonly sightings = new Map<string, Sighting>();
  private readonly verdicts = new Map<string, ClusterSilence & { at: number }>();

  constructor(
    private readonly expireMs: number,
    private readonly threshold: number,
  ) {}

  /** Looks at `instance`'s heartbeat now; returns when the controller last saw it change. */
  see(instance: ContainerInstance, now: number): number {
    const id = idOf(instance);
    const next = sight(this.sightings.get(id), instance.status?.lastHeartbeat, now);
    this.sightings.set(id, next);
    return next.at;
  }

  forget(cluster: string, name: string): void {
    this.sightings.delete(`${cluster}/${name}`);
  }

  /** Whether `cluster` was held at the last look (cheap; no counting). */
  wasDisrupted(cluster: string): boolean {
    return this.verdicts.get(cluster)?.disrupted ?? false;
  }

  /** Looks at every instance of `cluster` (its cached `instances`) and judges whether they went silent together. */
  silence(cluster: string, instances: readonly ContainerInstance[], now: number): ClusterSilence {
    const last = this.verdicts.get(cluster);
    if (last && now >= last.at && now - last.at < VERDICT_REUSE_MS) return { disrupted: last.disrupted, silent: last.silent, watched: last.watched };
    let silent = 0;
    let watched = 0;
    for (const instance of instances) {
      if (instance.metadata.cluster !== cluster || instance.status?.agentConnected !== true) continue;
      watched++;
      if (liveness(this.see(instance, now), now, this.expireMs).expired) silent++;
    }
    const disrupted = isDisruption(silent, watched, this.threshold);
    const wasDisrupted = last?.disrupted ?? false;
    if (wasDisrupted && !disrupted)
      for (const instance of instances)
        if (instance.metadata.cluster === cluster) this.sightings.set(idOf(instance), { heartbeat: instance.status?.lastHeartbeat, at: now });
    this.verdicts.set(cluster, { disrupted, silent, watched, at: now });
    const change = disrupted === wasDisrupted ? undefined : disrupted ? 'began' : 'ended';
    return { disrupted, silent, watched, ...(change ? { change } : {}) };
  }
}

const idOf = (instance: ContainerInstance) => `${instance.metadata.cluster}/${instance.metadata.name}`;
