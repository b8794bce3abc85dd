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
}

export const DEFAULT_SETTINGS: ServiceControllerSettings = Object.freeze({
  settleMs: 40_000,
  failureThreshold: Object.freeze({ ratio: 0.5, min: 3, max: 200 }),
  eventRepeatMs: 5 * 60_000,
  expectationTimeoutMs: 30_000,
  countUpdateIntervalMs: 500,
});

/** The finalizer that keeps a deleted service until its tasks are stopped. */
export const SERVICE_FINALIZER = 'berth.dev/service-tasks';
