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
   * The tasks of `cluster` as best known: each cached task, or the assumed copy while it is newer.
   * Forgets entries the cache has caught up with and entries past their time.
   */
  overlay(cluster: string, cached: readonly Task[], now: number): Task[] {
    const entries = this.clusters.get(cluster);
    if (!entries || entries.size === 0) return [...cached];
    const out = cached.map((task) => {
      const entry = entries.get(task.metadata.name);
      if (entry === undefined) return task;
      if (entry.revision > revisionOf(task) && now - entry.at < this.ttlMs) return entry.task;
      entries.delete(task.metadata.name);
      return task;
    });
    for (const [name, entry] of entries) if (now - entry.at >= this.ttlMs) entries.delete(name);
    return out;
  }
}

function revisionOf(task: Task): number {
  const rv = Number(task.metadata.resourceVersion);
  return Number.isFinite(rv) ? rv : 0;
}
