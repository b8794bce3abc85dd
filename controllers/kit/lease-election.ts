/**
 * Leader election through the API, on a `Lease` object (api/v1/lease.ts), for controllers that run
 * outside berth's server and so have no store to hold a store lease on: Kubernetes' client-go
 * leaderelection, on berth's compare-and-swap writes.
 *
 * A candidate reads the Lease. It may write itself in as holder when there is no Lease, when it
 * already holds it, or when no one has changed it for `leaseDurationSeconds` as measured on this
 * candidate's own clock since it first saw the current version (never by comparing the holder's
 * `renewTime` with our clock: clocks differ between machines). Every write is a CAS on the version
 * read, so of two candidates acting on the same version one wins and the other gets a Conflict.
 *
 * Fencing (the loop shared with the store-lease elector: lead-while-renewed.ts): the leader renews every duration/3 and stops acting (aborts its signal) once
 * `duration - safetyMargin` has passed since it sent its last renewal that succeeded. A successor
 * can take over only `duration` after it saw that renewal, which was after it was sent: the old
 * leader has stopped by then, as long as the two clocks run at about the same rate.
 */
import { ConflictError, AlreadyExistsError } from '../../api/usecases/resources/errors.js';
import type { Lease } from '../../api/v1/lease.js';
import { rootLogger, type Logger } from '../../api/log.js';
import { realClock, type Clock } from './clock.js';
import { leadWhileRenewed, type Leadership, type Renewal } from './lead-while-renewed.js';
import type { KitClient } from './types.js';

export interface LeaseElectionOptions {
  client: Pick<KitClient, 'get' | 'create' | 'update'>;
  /** The Lease's name: one leader per name (e.g. the extension's name). */
  name: string;
  /** The cluster the Lease lives in (default `default`). */
  cluster?: string;
  /** Who this candidate is (host:pid), written as the holder for `berth get leases` to show. */
  identity: string;
  leaseDurationSeconds?: number;
  /** How long before the lease could be taken over the leader stops acting (default duration/4). */
  safetyMarginMs?: number;
  /** How often a candidate that does not lead tries again (default duration/4). */
  retryMs?: number;
  clock?: Clock;
  log?: Logger;
}

export class LeaseElector {
  private readonly durationMs: number;
  private readonly safetyMarginMs: number;
  private readonly retryMs: number;
  private readonly cluster: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly stopping = new AbortController();
  /** The version of the Lease last seen and when (this clock): what expiry is judged by. */
  private observed: { resourceVersion: string | undefined; at: number } | undefined;
  private leading = false;

  constructor(private readonly options: LeaseElectionOptions) {
    this.durationMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.safetyMarginMs = options.safetyMarginMs ?? this.durationMs / 4;
    this.retryMs = options.retryMs ?? this.durationMs / 4;
    this.cluster = options.cluster ?? 'default';
    this.clock = options.clock ?? realClock;
    this.log = (options.log ?? rootLogger).child({ election: options.name, identity: options.identity, via: 'Lease' });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Stop campaigning; a current leadership ends and the Lease is released for a successor. */
  stop(): void {
    this.stopping.abort();
  }

  /** Campaign until stopped; each time this candidate wins, `lead` runs until its signal aborts. */
  async run(lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const sentAt = this.clock.now();
      if ((await this.tryAcquireOrRenew()) === 'ours') {
        await this.leadFrom(sentAt, lead);
        // `lead` may end on its own: pause, so that cannot become a busy loop.
      }
      await this.clock.sleep(this.retryMs, this.stopping.signal);
    }
  }

  /**
   * One attempt to become or stay the holder: `ours` on success, `theirs` when another candidate
   * holds it or won the race for it, `failed` when the API could not be reached (try again).
   */
  private async tryAcquireOrRenew(): Promise<'ours' | 'theirs' | 'failed'> {
    const { client, name, identity } = this.options;
    const ref = { cluster: this.cluster, name };
    const now = this.clock.now();
    try {
      const lease = await client.get('Lease', ref);
      if (!lease) {
        const spec = {
          holderIdentity: identity,
          leaseDurationSeconds: this.durationMs / 1000,
          acquireTime: iso(now),
          renewTime: iso(now),
          leaseTransitions: 0,
        };
        const created = await client.create({ apiVersion: 'berth.dev/v1', kind: 'Lease', metadata: { name, cluster: this.cluster }, spec });
        this.observed = { resourceVersion: created.metadata.resourceVersion, at: now };
        return 'ours';
      }
      const previous = this.observed;
      const seen =
        previous !== undefined && previous.resourceVersion === lease.metadata.resourceVersion
          ? previous
          : { resourceVersion: lease.metadata.resourceVersion, at: now };
      this.observed = seen;
      const holder = lease.spec.holderIdentity;
      const ours = holder === identity;
      if (holder !== undefined && !ours && now < seen.at + lease.spec.leaseDurationSeconds * 1000) return 'theirs';
      const next: Lease = {
        ...lease,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: this.durationMs / 1000,
          acquireTime: ours ? lease.spec.acquireTime : iso(now),
          renewTime: iso(now),
          leaseTransitions: (lease.spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
        },
      };
      // metadata.resourceVersion is the one read: a compare-and-swap.
      const written = await client.update(next);
      this.observed = { resourceVersion: written.metadata.resourceVersion, at: now };
      if (!ours) this.log.info({ previous: holder }, 'acquired the lease');
      return 'ours';
    } catch (err) {
      if (err instanceof ConflictError || err instanceof AlreadyExistsError) return 'theirs';
      this.log.warn({ err }, 'lease election attempt failed; retrying');
      return 'failed';
    }
  }

  private async leadFrom(acquiredSentAt: number, lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    this.leading = true;
    try {
      await leadWhileRenewed({
        clock: this.clock,
        log: this.log,
        stopping: this.stopping.signal,
        confirmedAt: acquiredSentAt,
        validForMs: this.durationMs - this.safetyMarginMs,
        renewEveryMs: this.durationMs / 3,
        fenceCheckMs: Math.min(100, this.safetyMarginMs / 2),
        // 'theirs': someone else wrote the Lease since our last renewal: it is theirs now.
        renew: async () => RENEWAL[await this.tryAcquireOrRenew()],
        lead,
      });
    } finally {
      this.leading = false;
      await Promise.race([this.release(), this.clock.sleep(1000)]);
      this.log.info('stopped leading');
    }
  }

  /** A clean hand-over: clear the holder (CAS), so a successor need not wait out the duration. */
  private async release(): Promise<void> {
    try {
      const lease = await this.options.client.get('Lease', { cluster: this.cluster, name: this.options.name });
      if (!lease || lease.spec.holderIdentity !== this.options.identity) return;
      const { holderIdentity: _released, ...spec } = lease.spec;
      await this.options.client.update({ ...lease, spec });
    } catch (err) {
      this.log.debug({ err }, 'could not release the lease; it expires on its own');
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

const RENEWAL: Record<'ours' | 'theirs' | 'failed', Renewal> = { ours: 'renewed', theirs: 'lost', failed: 'no answer' };
