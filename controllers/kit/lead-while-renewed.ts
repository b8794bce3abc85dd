/**
 * The one "lead while renewed" loop both electors run once they have won: the store-lease elector
 * (leader-election.ts) and the API Lease elector (lease-election.ts). They differ only in how a
 * renewal is made; how leadership is kept, fenced and ended is the same:
 *
 * - renew every `renewEveryMs`; a renewal that is not answered is retried on the next round; one
 *   that says someone else holds the leadership ends it at once;
 * - fencing: once `validForMs` has passed since the last renewal that succeeded was *sent*, the
 *   leader stops acting (the signal aborts) — before a successor could take over. An elector may
 *   ask once more at that deadline (`lastChance`): a leader whose process was too busy to run its
 *   renewal timer finds the deadline passed the moment it wakes, though the leadership never lapsed.
 */
import type { Logger } from '../../api/log.js';
import { onAbort } from '../../api/on-abort.js';
import type { Clock } from './clock.js';

/** What `lead` is given while it leads. */
export interface Leadership {
  /** Aborted when leadership is lost or the elector stops: stop acting at once. */
  signal: AbortSignal;
}

/** The outcome of one renewal. */
export type Renewal = 'renewed' | 'lost' | 'no answer';

export interface LeadWhileRenewedOptions {
  clock: Clock;
  log: Logger;
  /** The elector's own stop: aborting it ends the leadership. */
  stopping: AbortSignal;
  /** When the write that won (or resumed) the leadership was sent. */
  confirmedAt: number;
  /** How long after a successful renewal was sent the leader may still act. */
  validForMs: number;
  renewEveryMs: number;
  /** How often the fencing deadline is checked. */
  fenceCheckMs: number;
  /** One renewal, given up when `signal` aborts. */
  renew: (signal: AbortSignal) => Promise<Renewal>;
  /** One last renewal at the deadline (absent: step down at the deadline). */
  lastChance?: (signal: AbortSignal) => Promise<Renewal>;
  /** Runs while leading; should return once its signal aborts. */
  lead: (leadership: Leadership) => Promise<void>;
}

/**
 * Runs `lead` for as long as the leadership is renewed in time. Resolves once `lead` returned and
 * the fencing loop ended; `unreachable` when the leadership ended because the last chance got no
 * answer (the elector may then keep its lease to resume it).
 */
export async function leadWhileRenewed(o: LeadWhileRenewedOptions): Promise<{ unreachable: boolean }> {
  const { clock, log } = o;
  const ended = new AbortController();
  let lastRenewSentAt = o.confirmedAt;
  const giveUpAt = () => lastRenewSentAt + o.validForMs;
  const stopLeading = onAbort(o.stopping, () => ended.abort());

  const renewLoop = (async () => {
    while (!ended.signal.aborted) {
      await clock.sleep(o.renewEveryMs, ended.signal);
      if (ended.signal.aborted) return;
      const sentAt = clock.now();
      const renewal = await o.renew(ended.signal);
      if (renewal === 'renewed') lastRenewSentAt = Math.max(lastRenewSentAt, sentAt);
      else if (renewal === 'lost') {
        log.warn('the leadership has another holder or its lease is gone; stepping down');
        ended.abort();
      } else if (!ended.signal.aborted) log.warn({ renewal }, 'renewal failed; retrying until the fencing deadline');
    }
  })();

  let unreachable = false;
  const fenceLoop = (async () => {
    while (!ended.signal.aborted) {
      if (clock.now() >= giveUpAt()) {
        const sentAt = clock.now();
        const lateMs = sentAt - giveUpAt();
        const renewal = o.lastChance ? await o.lastChance(ended.signal) : undefined;
        if (ended.signal.aborted) return;
        if (renewal === 'renewed') {
          lastRenewSentAt = Math.max(lastRenewSentAt, sentAt);
          log.info({ lateMs }, 'renewed leadership past its deadline (the process was busy); carrying on');
          continue;
        }
        unreachable = renewal === 'no answer';
        log.warn({ renewal }, 'could not renew leadership in time; stepping down');
        ended.abort();
        return;
      }
      await clock.sleep(o.fenceCheckMs, ended.signal);
    }
  })();

  log.info('became leader');
  try {
    await o.lead({ signal: ended.signal });
  } finally {
    ended.abort();
    stopLeading();
    // Not awaiting renewLoop: a renewal stuck on an unreachable store or server must not keep us here.
    void renewLoop;
    await fenceLoop;
  }
  return { unreachable };
}
