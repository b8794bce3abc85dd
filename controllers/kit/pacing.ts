/**
 * Spacing a key's reconciles by their own cost. A reconcile that reads a whole set (a cluster's
 * tasks, a service's tasks) and is woken by every change in that set would, under a burst, run
 * back to back and spend most of a core re-reading it. Waiting `factor` × the last observe+plan
 * time (and at least `minIntervalMs`) before the next keeps that work under 1/factor of the time,
 * while each run handles more; a cheap reconcile is hardly held back.
 */
export class CostPacing {
  private readonly last = new Map<string, { at: number; costMs: number; minIntervalMs: number }>();

  constructor(
    private readonly factor: number,
    private readonly minIntervalMs = 0,
  ) {}

  /** How long `key` must still wait at `now` (0: go). */
  delayFor(key: string, now: number): number {
    const last = this.last.get(key);
    if (!last) return 0;
    const floor = Math.max(last.minIntervalMs, last.costMs * this.factor);
    return Math.max(0, floor - (now - last.at));
  }

  /**
   * A run of `key` that started at `at` spent `costMs` observing and planning. The minimum interval
   * holds after a run that wrote (`wrote`): its writes come back as events that wake the key at
   * once. A run that wrote nothing sets off no such stream, so the next change (a task created
   * right after its task definition, say) waits only for the cost factor, not a fixed 100 ms.
   */
  record(key: string, at: number, costMs: number, wrote = true): void {
    this.last.set(key, { at, costMs, minIntervalMs: wrote ? this.minIntervalMs : 0 });
  }

  forget(key: string): void {
    this.last.delete(key);
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
