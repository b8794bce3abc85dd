/**
 * How often one key may be reconciled and how often its status written: the rate control a
 * controller declares (`pacing`, `statusWrites` in defineController) and the runner and the queue
 * apply, so that no reconcile keeps timers or returns early for it.
 *
 * - CostPacing spaces a key's reconciles by their own cost. A reconcile that reads a whole set (a
 *   cluster's tasks, a service's tasks) and is woken by every change in that set would, under a
 *   burst, run back to back and spend most of a core re-reading it. Waiting `factor` × the last
 *   run's own time (and at least `minIntervalMs` after a run that wrote) before the next keeps that
 *   work under 1/factor of the time, while each run handles more; a cheap reconcile is hardly held.
 * - WriteIntervals holds a kind of write to at most one per interval per key (status counts).
 */

/** What a controller declares to space its reconciles of one key (defineController's `pacing`). */
export interface PacingOptions {
  /**
   * A key is handed out again no sooner than this many times the time its last reconcile spent on
   * its own (not waiting for the API). Default 0: no cost-based spacing.
   */
  costFactor?: number;
  /**
   * ... and no sooner than this after a reconcile that wrote, or whose status write `statusWrites`
   * held back (default 0): its writes come back as events that would wake the key at once, and a
   * held write is requeued for when it may go.
   */
  minIntervalMs?: number;
}

/** What the queue asks of a pacer: how long `key` must still wait at `now` (0: go). */
export interface Pacer {
  delayFor(key: string, now: number): number;
}

/** Keys are dropped once their wait is over; past this many, a record sweeps the rest. */
const SWEEP_AT = 4_096;

export class CostPacing implements Pacer {
  private readonly last = new Map<string, { at: number; costMs: number; minIntervalMs: number }>();

  constructor(
    private readonly factor: number,
    private readonly minIntervalMs = 0,
  ) {}

  /** How long `key` must still wait at `now` (0: go). */
  delayFor(key: string, now: number): number {
    const last = this.last.get(key);
    if (!last) return 0;
    const wait = this.waitOf(last, now);
    // Only a new record can make it wait again: forget it, so deleted objects' keys do not pile up.
    if (wait === 0) this.last.delete(key);
    return wait;
  }

  /**
   * A run of `key` that started at `at` spent `costMs` on its own. The minimum interval holds after
   * a run that wrote (`wrote`): its writes come back as events that wake the key at once. A run
   * that wrote nothing sets off no such stream, so the next change (a task created right after its
   * task definition, say) waits only for the cost factor, not the minimum interval.
   */
  record(key: string, at: number, costMs: number, wrote = true): void {
    if (this.last.size >= SWEEP_AT) for (const [k, v] of this.last) if (this.waitOf(v, at) === 0) this.last.delete(k);
    this.last.set(key, { at, costMs: Math.max(0, costMs), minIntervalMs: wrote ? this.minIntervalMs : 0 });
  }

  forget(key: string): void {
    this.last.delete(key);
  }

  private waitOf(last: { at: number; costMs: number; minIntervalMs: number }, now: number): number {
    const floor = Math.max(last.minIntervalMs, last.costMs * this.factor);
    return Math.max(0, floor - (now - last.at));
  }
}

/**
 * Pure: how long a write that is paced to at most one per `intervalMs` must still wait at `now`
 * after the last one at `lastAt` (0: write now; undefined lastAt: none since start).
 */
export function intervalWait(lastAt: number | undefined, now: number, intervalMs: number): number {
  if (lastAt === undefined || intervalMs <= 0) return 0;
  return Math.max(0, lastAt + intervalMs - now);
}

/** At most one write per `intervalMs` per key: when each key last wrote, forgotten once it no longer holds anything back. */
export class WriteIntervals {
  private readonly lastAt = new Map<string, number>();

  constructor(readonly intervalMs: number) {}

  /** How long a write of `key` must still wait at `now` (0: write now). */
  waitFor(key: string, now: number): number {
    const wait = intervalWait(this.lastAt.get(key), now, this.intervalMs);
    if (wait === 0) this.lastAt.delete(key);
    return wait;
  }

  /** `key` wrote at `now`. */
  record(key: string, now: number): void {
    if (this.lastAt.size >= SWEEP_AT) for (const [k, at] of this.lastAt) if (intervalWait(at, now, this.intervalMs) === 0) this.lastAt.delete(k);
    this.lastAt.set(key, now);
  }
}
