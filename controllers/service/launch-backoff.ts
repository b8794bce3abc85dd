/**
 * Throttling a service whose tasks keep failing, as ECS does ("is unable to consistently start tasks
 * successfully"): without it every failed task is replaced at once, and a task that exits at start
 * becomes a hot loop of launches (and of STOPPED tasks). After `afterFailures` failed tasks with no
 * task healthy since, each reconcile that sees new failures pushes the next launch out by the
 * kit's per-key exponential backoff (ExponentialBackoffLimiter); a task started after the newest
 * failure turning healthy resets it.
 *
 * The state is the controller's memory only: a restarted controller starts with no backoff, and
 * at most one short delay before it has counted the failures again.
 */
import { ExponentialBackoffLimiter } from '../kit/rate-limiter.js';
import type { ServiceControllerSettings } from './settings.js';

interface State {
  /** Failed tasks already counted (those still in the store). */
  seen: Set<string>;
  /** Failures counted since the service was last healthy. */
  failures: number;
  /** No launch before this time (ms since epoch). */
  until: number;
}

export class LaunchBackoff {
  private readonly states = new Map<string, State>();
  private readonly limiter: ExponentialBackoffLimiter;

  constructor(private readonly settings: ServiceControllerSettings['launchBackoff']) {
    this.limiter = new ExponentialBackoffLimiter({ baseMs: settings.baseMs, maxMs: settings.maxMs });
  }

  /** Until when `key` may not launch tasks (undefined: it may). */
  throttledUntil(key: string, now: number): number | undefined {
    const until = this.states.get(key)?.until;
    return until !== undefined && until > now ? until : undefined;
  }

  /**
   * What a plan saw: the names of the service's failed tasks, and whether a task started after the
   * newest of them is healthy. Returns the new throttle time when this observation set one.
   */
  observe(key: string, launch: { failed: readonly string[]; recovered: boolean }, now: number): number | undefined {
    const state = this.states.get(key) ?? { seen: new Set<string>(), failures: 0, until: 0 };
    this.states.set(key, state);
    const fresh = launch.failed.filter((name) => !state.seen.has(name));
    // Forget names of tasks gone from the store (deleted by the task GC): the set stays bounded.
    state.seen = new Set(launch.failed);
    // Recovered: a task started after every failure seen is healthy, so they are all in the past.
    if (launch.recovered) {
      state.failures = 0;
      state.until = 0;
      this.limiter.forget(key);
      return undefined;
    }
    if (fresh.length === 0) return undefined;
    state.failures += fresh.length;
    if (state.failures < this.settings.afterFailures) return undefined;
    state.until = now + this.limiter.when(key);
    return state.until;
  }

  forget(key: string): void {
    this.states.delete(key);
    this.limiter.forget(key);
  }
}
