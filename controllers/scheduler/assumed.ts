/**
 * Tasks as the scheduler last wrote (or re-read) them, until its cache catches up (kube-scheduler's
 * "assume" step). A bind reaches the shared cache only when its watch event arrives; a pass that ran
 * before then would see the task unbound and its instance emptier than it is, and could fill that
 * capacity a second time with other tasks. Each pass therefore overlays these on the cache.
 *
 * An entry is used while it is newer than the cached copy (by resourceVersion, the store revision)
 * and dropped as soon as the cache has caught up, or after `ttlMs` as a safety net.
 */
import type { Task } from '../../api/v1/index.js';
import { awaitsScheduler } from '../conventions.js';

interface Entry {
  readonly task: Task;
  readonly revision: number;
  readonly at: number;
}

export const ASSUMED_TTL_MS = 60_000;

export class AssumedTasks {
  /** cluster → task name → entry: a pass looks up every task of its cluster, so keys stay cheap. */
  private readonly clusters = new Map<string, Map<string, Entry>>();

  constructor(private readonly ttlMs = ASSUMED_TTL_MS) {}

  get size(): number {
    let n = 0;
    for (const entries of this.clusters.values()) n += entries.size;
    return n;
  }

  /** Records `task` as written (or freshly read) at `now`. */
  assume(task: Task, now: number): void {
    const cluster = task.metadata.cluster ?? 'default';
    let entries = this.clusters.get(cluster);
    if (!entries) this.clusters.set(cluster, (entries = new Map()));
    entries.set(task.metadata.name, { task, revision: revisionOf(task), at: now });
  }

  /**
   * Whether any of `waiting` (cached tasks of `cluster` that await the scheduler) still does once
   * this scheduler's own newer copies are laid over them: a bind the cache has not seen yet leaves
   * nothing to do. Reads only: entries are forgotten by the next full `overlay`.
   */
  anyAwaiting(cluster: string, waiting: readonly Task[], now: number): boolean {
    const entries = this.clusters.get(cluster);
    for (const task of waiting) {
      const entry = entries?.get(task.metadata.name);
      const current = entry !== undefined && entry.revision > revisionOf(task) && now - entry.at < this.ttlMs ? entry.task : task;
      if (awaitsScheduler(current)) return true;
    }
    return false;
  }

  /**
   * The tasks of `cluster` among `cached` (tasks of other clusters are left out), each as cached or
   * as the assumed copy while that is newer. Forgets entries the cache has caught up with and
   * entries past their time. One loop, one array: this runs over every task of the cache each pass.
   */
  overlay(cluster: string, cached: readonly Task[], now: number): Task[] {
    const entries = this.clusters.get(cluster);
    const out: Task[] = [];
    for (const task of cached) {
      if ((task.metadata.cluster ?? 'default') !== cluster) continue;
      const entry = entries?.get(task.metadata.name);
      if (entry === undefined) out.push(task);
      else if (entry.revision > revisionOf(task) && now - entry.at < this.ttlMs) out.push(entry.task);
      else {
        entries?.delete(task.metadata.name);
        out.push(task);
      }
    }
    if (entries) for (const [name, entry] of entries) if (now - entry.at >= this.ttlMs) entries.delete(name);
    return out;
  }
}

function revisionOf(task: Task): number {
  const rv = Number(task.metadata.resourceVersion);
  return Number.isFinite(rv) ? rv : 0;
}
