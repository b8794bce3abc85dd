/**
 * The service controller's tunables. Production uses ECS's values; tests shorten the times.
 */

export interface ServiceControllerSettings {
  /**
   * How long a task without container health checks must have been RUNNING before it counts as
   * healthy (ECS waits 40 s before it calls such a task stable).
   */
  settleMs: number;
  /** Circuit breaker: a deployment fails after clamp(ratio × desiredCount, min, max) failed tasks. */
  failureThreshold: { ratio: number; min: number; max: number };
  /** The same event message is not repeated within this window (ECS throttles its events too). */
  eventRepeatMs: number;
  /** How long to wait for the cache to show tasks this controller just wrote before acting again. */
  expectationTimeoutMs: number;
  /** A status change of task counts alone is written at most this often per service (count-updates.ts). */
  countUpdateIntervalMs: number;
  /** At most this many tasks are created per reconcile; the next one creates the next batch (Kubernetes: 500). */
  maxStartsPerPass: number;
  /**
   * Relaunching tasks that keep failing (launch-backoff.ts): after `afterFailures` failures with no
   * task healthy since, each further failure delays the next launch baseMs × 2^n, at most maxMs.
   */
  launchBackoff: { afterFailures: number; baseMs: number; maxMs: number };
}

export const DEFAULT_SETTINGS: ServiceControllerSettings = Object.freeze({
  settleMs: 40_000,
  failureThreshold: Object.freeze({ ratio: 0.5, min: 3, max: 200 }),
  eventRepeatMs: 5 * 60_000,
  expectationTimeoutMs: 30_000,
  countUpdateIntervalMs: 500,
  maxStartsPerPass: 500,
  launchBackoff: Object.freeze({ afterFailures: 3, baseMs: 1_000, maxMs: 5 * 60_000 }),
});

/** The finalizer that keeps a deleted service until its tasks are stopped. */
export const SERVICE_FINALIZER = 'berth.dev/service-tasks';
