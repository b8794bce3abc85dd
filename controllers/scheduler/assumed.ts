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
import { objectRefOf, requestKey } from '../kit/types.js';

interface Entry {
  readonly task: Task;
  readonly revision: number;
  readonly at: number;
}

export const ASSUMED_TTL_MS = 60_000;

export class AssumedTasks {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs = ASSUMED_TTL_MS) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records `task` as written (or freshly read) at `now`. */
  assume(task: Task, now: number): void {
    this.entries.set(keyOf(task), { task, revision: revisionOf(task), at: now });
  }

  /**
   * The tasks of a cluster as best known: each cached task, or the assumed copy while it is newer.
   * Forgets entries the cache has caught up with and entries past their time.
   */
  overlay(cached: readonly Task[], now: number): Task[] {
    if (this.entries.size === 0) return [...cached];
    const out: Task[] = new Array<Task>(cached.length);
    for (let i = 0; i < cached.length; i++) {
      const task = cached[i] as Task;
      const key = keyOf(task);
      const entry = this.entries.get(key);
      if (entry === undefined) out[i] = task;
      else if (entry.revision > revisionOf(task) && now - entry.at < this.ttlMs) out[i] = entry.task;
      else {
        this.entries.delete(key);
        out[i] = task;
      }
    }
    for (const [key, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(key);
    return out;
  }
}

function keyOf(task: Task): string {
  return requestKey(objectRefOf(task));
}

function revisionOf(task: Task): number {
  const rv = Number(task.metadata.resourceVersion);
  return Number.isFinite(rv) ? rv : 0;
}
