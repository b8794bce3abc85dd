/**
 * Leader election on a store lease, so that of several berth servers only one runs each controller.
 *
 * A candidate grants a lease and tries to create the leader key attached to it; whoever creates it
 * leads until its lease ends. Others watch the key and try again when it is deleted (revoked on a
 * clean stop, or expired when the leader died).
 *
 * Fencing: the store deletes the key no sooner than `ttl` after the leader's last *acknowledged*
 * renewal was sent. The leader stops acting (aborts its signal) once `ttl - safetyMargin` has passed
 * since the last renewal it sent that succeeded, so a deposed leader has stopped before anyone else
 * can win the key. Renewals happen every ttl/3, so a healthy leader never comes near that deadline.
 */
import type { Logger } from '../../api/log.js';
import { rootLogger } from '../../api/log.js';
import { sysKeys } from '../../api/keys.js';
import { AlreadyExistsError } from '../../api/store/errors.js';
import type { Lease, Store } from '../../api/store/types.js';
import { realClock, type Clock } from './clock.js';

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

export interface Leadership {
  /** Aborted when leadership is lost or the elector stops: stop acting at once. */
  signal: AbortSignal;
}

export class LeaderElector {
  private readonly ttlMs: number;
  private readonly safetyMarginMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly key: string;
  private readonly stopping = new AbortController();
  private leading = false;

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
        // The store counts the lease's TTL from no earlier than this moment.
        const requestedAt = this.clock.now();
        const lease = await this.options.store.grantLease(this.ttlMs / 1000, { autoKeepAlive: false });
        const won = await this.tryAcquire(lease);
        if (won) {
          await this.leadWith(lease, requestedAt, lead);
          // `lead` returned on its own (or leadership was lost): pause before campaigning again,
          // so a `lead` that ends at once cannot turn this into a busy loop.
          await this.clock.sleep(Math.min(1000, this.ttlMs / 4), this.stopping.signal);
        }
        else {
          lease.release();
          await lease.revoke().catch(() => undefined);
          await this.waitForVacancy();
        }
      } catch (err) {
        this.log.warn({ err }, 'election attempt failed; retrying');
        await this.clock.sleep(Math.min(1000, this.ttlMs / 4), this.stopping.signal);
      }
    }
  }

  private async tryAcquire(lease: Lease): Promise<boolean> {
    try {
      await this.options.store.create(this.key, JSON.stringify({ identity: this.options.identity, acquiredAt: new Date(this.clock.now()).toISOString() }), { lease: lease.id });
      return true;
    } catch (err) {
      if (err instanceof AlreadyExistsError) return false;
      throw err;
    }
  }

  private async leadWith(lease: Lease, grantRequestedAt: number, lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    const ended = new AbortController();
    let lastRenewSentAt = grantRequestedAt;
    const giveUpAt = () => lastRenewSentAt + this.ttlMs - this.safetyMarginMs;
    const onStop = () => ended.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });

    // Renew every ttl/3; a failed renewal is retried until the fencing deadline passes.
    const renewLoop = (async () => {
      while (!ended.signal.aborted) {
        await this.clock.sleep(this.ttlMs / 3, ended.signal);
        if (ended.signal.aborted) return;
        const sentAt = this.clock.now();
        try {
          await lease.keepAlive();
          lastRenewSentAt = sentAt;
        } catch (err) {
          this.log.warn({ err }, 'lease renewal failed');
          if (err instanceof Error && err.name === 'LeaseNotFound') ended.abort();
        }
      }
    })();
    // The fencing deadline, checked often enough to abort well before the store could expire us.
    const fenceLoop = (async () => {
      while (!ended.signal.aborted) {
        if (this.clock.now() >= giveUpAt()) {
          this.log.warn('could not renew leadership in time; stepping down');
          ended.abort();
          return;
        }
        await this.clock.sleep(Math.min(100, this.safetyMarginMs / 2), ended.signal);
      }
    })();

    this.leading = true;
    this.log.info('became leader');
    try {
      await lead({ signal: ended.signal });
    } finally {
      this.leading = false;
      ended.abort();
      this.stopping.signal.removeEventListener('abort', onStop);
      // Not awaiting renewLoop: a renewal stuck on an unreachable store must not keep us here.
      void renewLoop;
      await fenceLoop;
      lease.release();
      // A clean hand-over: revoking deletes the key, so a successor need not wait out the TTL.
      // Bounded, for the same reason.
      await Promise.race([lease.revoke().catch(() => undefined), this.clock.sleep(1000)]);
      this.log.info('stopped leading');
    }
  }

  /** Wait until the leader key is gone (or a while passes, to re-check), or until stopped. */
  private async waitForVacancy(): Promise<void> {
    const watch = this.options.store.watch(this.key);
    const onStop = () => void watch.cancel();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const timer = this.clock.after(this.ttlMs, () => void watch.cancel());
    try {
      if (!(await this.options.store.get(this.key))) return;
      for await (const batch of watch) if (batch.events.some((e) => e.type === 'delete' && e.kv.key === this.key)) return;
    } catch {
      // A broken watch just means we look again.
    } finally {
      timer();
      this.stopping.signal.removeEventListener('abort', onStop);
      await watch.cancel();
    }
  }
}
