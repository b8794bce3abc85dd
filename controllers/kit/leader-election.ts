/**
 * Leader election on a store lease, so that of several berth servers only one runs each controller.
 *
 * A candidate grants a lease and tries to create the leader key attached to it; whoever creates it
 * leads until its lease ends. Others watch the key and try again when it is deleted (revoked on a
 * clean stop, or expired when the leader died).
 *
 * Fencing (the loop shared with the Lease elector: lead-while-renewed.ts): the store deletes the
 * key no sooner than `ttl` after the leader's last *acknowledged*
 * renewal was sent. The leader stops acting (aborts its signal) once `ttl - safetyMargin` has passed
 * since the last renewal it sent that succeeded, so a deposed leader has stopped before anyone else
 * can win the key. Renewals happen every ttl/3, so a healthy leader never comes near that deadline.
 *
 * Two things keep a leader from losing leadership to itself:
 * - At the deadline it asks the store once more before it steps down. A process too busy to run its
 *   renewal timer (a long synchronous stretch of bulk work) finds the deadline passed the moment it
 *   wakes, before the renewal that was due gets its turn; a lease the store still renews never
 *   expired, so nobody else can have led meanwhile, and the leader carries on.
 * - A leader that stepped down because it could not reach the store keeps its lease (it does not
 *   revoke it) and, when campaigning again, first tries to resume it: the store keeps a lease alive
 *   across its own restart (etcd grants every lease a fresh TTL when it comes back), so without this
 *   the old leader key would bar everyone, the old leader included, for a whole TTL after the store
 *   returned.
 */
import type { Logger } from '../../api/log.js';
import { rootLogger } from '../../api/log.js';
import { sysKeys } from '../../api/keys.js';
import { AlreadyExistsError } from '../../api/store/errors.js';
import type { StoreLease, Store } from '../../api/store/types.js';
import { onAbort } from '../../api/on-abort.js';
import { realClock, type Clock } from './clock.js';
import { leadWhileRenewed, type Leadership, type Renewal } from './lead-while-renewed.js';

export type { Leadership };

export interface LeaderElectionOptions {
  store: Store;
  /** What is being led, e.g. the controller's name; one leader per name. */
  name: string;
  /** Who this candidate is (host:pid), recorded in the leader key for `berth` to show. */
  identity: string;
  ttlSeconds?: number;
  /** How long before the lease could expire the leader gives up (default ttl/4). */
  safetyMarginMs?: number;
  clock?: Clock;
  log?: Logger;
}

export class LeaderElector {
  private readonly ttlMs: number;
  private readonly safetyMarginMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly key: string;
  private readonly stopping = new AbortController();
  private leading = false;
  /**
   * The lease this candidate led with, when it stepped down only because the store did not answer in
   * time: whether it still leads is for the store to say once it answers (resume).
   */
  private kept: StoreLease | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.ttlMs = (options.ttlSeconds ?? 10) * 1000;
    this.safetyMarginMs = options.safetyMarginMs ?? this.ttlMs / 4;
    this.clock = options.clock ?? realClock;
    this.key = sysKeys.leader(options.name);
    this.log = (options.log ?? rootLogger).child({ election: options.name, identity: options.identity });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Stop campaigning; a current leadership ends (its lease is revoked so a successor starts at once). */
  stop(): void {
    this.stopping.abort();
  }

  /**
   * Campaign until stopped. Each time this candidate wins, `lead` runs with a signal that aborts
   * when leadership ends; `lead` should return once the signal aborts. Resolves after `stop()`.
   */
  async run(lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        const resumed = this.kept && (await this.resume(this.kept));
        if (resumed) {
          const kept = resumed.lease;
          this.kept = undefined;
          this.log.info({ lease: kept.id }, 'the store still holds our lease and leader key: resuming leadership');
          await this.leadAndPause(kept, resumed.renewedAt, lead);
          continue;
        }
        // The store counts the lease's TTL from no earlier than this moment.
        const requestedAt = this.clock.now();
        const lease = await this.options.store.grantLease(this.ttlMs / 1000, { autoKeepAlive: false });
        const won = await this.tryAcquire(lease);
        if (won) {
          await this.leadAndPause(lease, requestedAt, lead);
        } else {
          lease.release();
          await lease.revoke().catch(() => undefined);
          await this.waitForVacancy();
        }
      } catch (err) {
        this.log.warn({ err }, 'election attempt failed; retrying');
        await this.clock.sleep(Math.min(1000, this.ttlMs / 4), this.stopping.signal);
      }
    }
    // Stopped while holding a lease kept for resuming: hand over cleanly if the store answers.
    const kept = this.kept;
    this.kept = undefined;
    if (kept) await Promise.race([kept.revoke().catch(() => undefined), this.clock.sleep(1000)]);
  }

  private async leadAndPause(lease: StoreLease, renewedAt: number, lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    await this.leadWith(lease, renewedAt, lead);
    // `lead` returned on its own (or leadership was lost): pause before campaigning again, so a
    // `lead` that ends at once cannot turn this into a busy loop. Not when the lease was kept to
    // be resumed: the sooner the store answers, the shorter the time with no leader at all.
    if (!this.kept) await this.clock.sleep(Math.min(1000, this.ttlMs / 4), this.stopping.signal);
  }

  /**
   * Renews `lease` and checks that the leader key is still attached to it. Yes: this candidate still
   * leads (nobody else can have held the key while the lease lived). The lease gone, or the key on
   * another lease: it is dropped and the campaign goes on as usual. The store not answering: throws,
   * to try again shortly.
   */
  private async resume(lease: StoreLease): Promise<{ lease: StoreLease; renewedAt: number } | undefined> {
    const sentAt = this.clock.now();
    // Bounded: an etcd call made while etcd is down can wait for ever.
    const renewal = await this.renewWithin(lease, this.ttlMs, this.stopping.signal);
    if (renewal === 'no answer') throw new Error(`the store did not answer a renewal of lease ${lease.id} within ${this.ttlMs} ms`);
    if (renewal === 'lost') {
      this.kept = undefined;
      return undefined;
    }
    const kv = await this.options.store.get(this.key);
    if (kv?.lease === lease.id) return { lease, renewedAt: sentAt };
    if (kv === undefined && (await this.tryAcquire(lease))) return { lease, renewedAt: sentAt };
    this.kept = undefined;
    await lease.revoke().catch(() => undefined);
    return undefined;
  }

  private async tryAcquire(lease: StoreLease): Promise<boolean> {
    try {
      await this.options.store.create(this.key, JSON.stringify({ identity: this.options.identity, acquiredAt: new Date(this.clock.now()).toISOString() }), {
        lease: lease.id,
      });
      return true;
    } catch (err) {
      if (err instanceof AlreadyExistsError) return false;
      throw err;
    }
  }

  private async leadWith(lease: StoreLease, grantRequestedAt: number, lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    let unreachable = false;
    this.leading = true;
    try {
      ({ unreachable } = await leadWhileRenewed({
        clock: this.clock,
        log: this.log,
        stopping: this.stopping.signal,
        confirmedAt: grantRequestedAt,
        // The store deletes the key no sooner than ttl after the last acknowledged renewal was sent.
        validForMs: this.ttlMs - this.safetyMarginMs,
        renewEveryMs: this.ttlMs / 3,
        fenceCheckMs: Math.min(100, this.safetyMarginMs / 2),
        // Bounded, so one renewal stuck on an unreachable store does not hold back the next.
        renew: (signal) => this.renewWithin(lease, this.ttlMs / 3, signal),
        // Given half the margin, so a refusal still comes before the store could let the key go.
        lastChance: (signal) => this.renewWithin(lease, this.safetyMarginMs / 2, signal),
        lead,
      }));
    } finally {
      this.leading = false;
      lease.release();
      if (unreachable && !this.stopping.signal.aborted) {
        // The store did not answer: keep the lease, to resume it when the store is back.
        this.kept = lease;
        this.log.info('stopped leading; will resume the lease if the store still holds it');
      } else {
        // A clean hand-over: revoking deletes the key, so a successor need not wait out the TTL.
        // Bounded, for the same reason.
        await Promise.race([lease.revoke().catch(() => undefined), this.clock.sleep(1000)]);
        this.log.info('stopped leading');
      }
    }
  }

  /** One renewal, bounded by `ms`: renewed, refused (the lease is gone), or no answer (the store is unreachable or slow). */
  private async renewWithin(lease: StoreLease, ms: number, signal: AbortSignal): Promise<Renewal> {
    const timedOut = new AbortController();
    const stop = AbortSignal.any([signal, timedOut.signal]);
    try {
      return await Promise.race([
        lease.keepAlive().then(
          () => 'renewed' as const,
          (err: unknown) => (err instanceof Error && err.name === 'LeaseNotFound' ? ('lost' as const) : ('no answer' as const)),
        ),
        this.clock.sleep(ms, stop).then(() => 'no answer' as const),
      ]);
    } finally {
      timedOut.abort();
    }
  }

  /** Wait until the leader key is gone (or a while passes, to re-check), or until stopped. */
  private async waitForVacancy(): Promise<void> {
    const watch = this.options.store.watch(this.key);
    const stopWaiting = onAbort(this.stopping.signal, () => void watch.cancel());
    const timer = this.clock.after(this.ttlMs, () => void watch.cancel());
    try {
      if (!(await this.options.store.get(this.key))) return;
      for await (const batch of watch) if (batch.events.some((e) => e.type === 'delete' && e.kv.key === this.key)) return;
    } catch {
      // A broken watch just means we look again.
    } finally {
      timer();
      stopWaiting();
      await watch.cancel();
    }
  }
}
